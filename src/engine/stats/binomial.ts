// Binomial tail probabilities for the power and false-rollback checks.
// Exact summation in log space while n·p·(1−p) is small; above that, a normal approximation with continuity
// correction, whose error is below 0.5 percentage points once the variance exceeds 50.

const EXACT_VARIANCE_LIMIT = 50;

/** P(X > k) for X ~ Binomial(n, p). */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (!(n > 0) || p <= 0) return k < 0 ? 1 : 0;
  if (p >= 1) return k < n ? 1 : 0;
  if (k < 0) return 1;
  if (k >= n) return 0;
  const variance = n * p * (1 - p);
  if (variance > EXACT_VARIANCE_LIMIT) {
    const z = (k + 0.5 - n * p) / Math.sqrt(variance);
    return 1 - normalCdf(z);
  }
  // Sum P(X = i) for i ≤ k (the lower tail, whose terms are few when variance is small), then complement.
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let lower = 0;
  const mean = n * p;
  const upper = Math.min(k, Math.ceil(mean + 40 * Math.sqrt(variance + 1)));
  const start = Math.max(0, Math.floor(mean - 40 * Math.sqrt(variance + 1)));
  // Each term from the one before, in log space: log P(X = i + 1) = log P(X = i) + log((n − i) / (i + 1)) + log(p / q).
  const logRatio = logP - logQ;
  let logTerm = logChoose(n, start) + start * logP + (n - start) * logQ;
  for (let i = start; i <= upper; i++) {
    lower += Math.exp(logTerm);
    logTerm += Math.log((n - i) / (i + 1)) + logRatio;
  }
  if (k > upper) lower = 1;
  return Math.min(1, Math.max(0, 1 - lower));
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Lanczos approximation (g = 7, n = 9), accurate to about 15 significant digits for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26 via erf, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
