// Over-dispersion: real error rates, KPIs and latencies wander from window to window far more than sampling
// explains. `baseline.dispersion` gives, per signal, how much; the simulator draws each evaluation window's true
// value from these distributions and the gate statistics integrate over them, so both use one model.
//
// - Rates (errorRate, kpis): the window's true rate is Beta with the baseline mean μ and intra-window correlation
//   ρ, i.e. Beta(μ(1 − ρ)/ρ, (1 − μ)(1 − ρ)/ρ), variance ρ·μ(1 − μ). A window's count is then beta-binomial: its
//   variance n·μ(1 − μ)(1 + (n − 1)ρ). ρ = 0 is the pure binomial.
// - Latency: the window's true p95 is the baseline p95 times a log-normal factor of mean 1 and the given relative
//   standard deviation s: log-spread √(ln(1 + s²)).
//
// The lint integrates over a fixed grid of strata (equal steps of a normal score, so the tails that decide a false
// rollback are resolved), each with its probability mass and a representative value.

import { normalCdf } from './binomial';

export interface Stratum {
  value: number;
  mass: number;
}

/** Beta parameters for a rate of mean `mean` and intra-window correlation `rho`; undefined when nothing varies. */
export function betaParameters(mean: number, rho: number): { a: number; b: number } | undefined {
  if (!(rho > 0 && rho < 1) || !(mean > 0 && mean < 1)) return undefined;
  const scale = (1 - rho) / rho;
  return { a: mean * scale, b: (1 - mean) * scale };
}

/** Relative standard deviation of a gauge from window to window without baseline.dispersion.gauges. */
export const DEFAULT_GAUGE_SPREAD = 0.05;

/** Log-spread of the latency factor for a relative standard deviation. */
export function latencyLogSpread(relativeSd: number): number {
  return relativeSd > 0 ? Math.sqrt(Math.log(1 + relativeSd * relativeSd)) : 0;
}

/** Normal scores from −6 to 6 in steps of 0.1: the strata boundaries, as probabilities. */
const SCORE_STEP = 0.1;
const SCORE_LIMIT = 6;
const BOUNDARIES: number[] = [];
for (let z = -SCORE_LIMIT; z <= SCORE_LIMIT + 1e-9; z += SCORE_STEP) BOUNDARIES.push(normalCdf(z));

const rateCache = new Map<string, Stratum[]>();

/** Strata of a window's true rate; a single stratum at the mean when it does not vary. */
export function rateStrata(mean: number, rho: number): Stratum[] {
  const parameters = betaParameters(mean, rho);
  if (!parameters) return [{ value: mean, mass: 1 }];
  const key = `${mean}/${rho}`;
  let strata = rateCache.get(key);
  if (!strata) {
    const { a, b } = parameters;
    strata = [];
    let previous = 0;
    for (let i = 0; i <= BOUNDARIES.length; i++) {
      const upper = i === BOUNDARIES.length ? 1 : BOUNDARIES[i];
      const middle = (previous + upper) / 2;
      strata.push({ value: betaQuantile(middle, a, b), mass: upper - previous });
      previous = upper;
    }
    if (rateCache.size > 256) rateCache.clear();
    rateCache.set(key, strata);
  }
  return strata;
}

/** Strata of a window's latency factor (mean 1); a single stratum at 1 when it does not vary. */
export function latencyStrata(relativeSd: number): Stratum[] {
  const spread = latencyLogSpread(relativeSd);
  if (spread === 0) return [{ value: 1, mass: 1 }];
  const strata: Stratum[] = [];
  let previous = 0;
  let previousScore = -Infinity;
  for (let i = 0; i <= BOUNDARIES.length; i++) {
    const upper = i === BOUNDARIES.length ? 1 : BOUNDARIES[i];
    const score = i === BOUNDARIES.length ? Infinity : -SCORE_LIMIT + i * SCORE_STEP;
    const middle =
      Number.isFinite(previousScore) && Number.isFinite(score)
        ? (previousScore + score) / 2
        : Number.isFinite(score)
          ? score - SCORE_STEP / 2
          : previousScore + SCORE_STEP / 2;
    strata.push({ value: Math.exp(spread * middle - (spread * spread) / 2), mass: upper - previous });
    previous = upper;
    previousScore = score;
  }
  return strata;
}

/** The p-quantile of Beta(a, b), by bisection on the regularized incomplete beta function. */
export function betaQuantile(p: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-15 * Math.max(low, 1e-300); i++) {
    const middle = low > 0 ? (high / low > 4 ? Math.sqrt(low * high) : (low + high) / 2) : high / 16;
    if (regularizedBeta(middle, a, b) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** I_x(a, b), by the continued fraction (Numerical Recipes, betai and betacf). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < g + 2; i++) sum += coefficients[i] / (y + i);
  const t = y + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}
