// Seeded random draws for the simulator: uniforms from seedrandom (the only source of randomness), and the
// binomial, normal, gamma and beta samplers built on them. Hand-written because no maintained npm package
// offers seeded, exact binomial sampling over a caller-supplied uniform source.

import { logFactorial, sampleTable, TABLE_MAX_VARIANCE, type RateTables } from './binomial-table';

// seedrandom's Alea module alone: its index also loads Node's crypto module (for autoseeding, never used here), which
// costs every CLI run about 10 ms of start-up.
// The module has no type declarations, and the webview's build (which type-checks this file through the result types)
// has no Node types: `require` is declared here.
declare const require: (id: string) => unknown;
const alea = require('seedrandom/lib/alea') as (seed: string) => () => number;

/**
 * Binomial regimes, chosen from n and p alone (so the same inputs always take the same path):
 * - mean n·min(p, 1−p) below BINOMIAL_INVERSION_MAX_MEAN: inversion, walking the probability mass function
 *   from 0 until the cumulative probability passes a uniform. Exact; about mean + 1 steps.
 * - variance n·p·(1−p) from BINOMIAL_NORMAL_MIN_VARIANCE up: normal approximation with continuity
 *   correction, clamped to 0..n. Its skewness is at most 1/√variance = 0.05, which moves a tail probability
 *   by under 0.2 percentage points; one uniform per draw.
 * - in between: Hörmann's BTRS transformed rejection (1993). Exact, constant expected time.
 */
export const BINOMIAL_INVERSION_MAX_MEAN = 10;
export const BINOMIAL_NORMAL_MIN_VARIANCE = 400;

export interface RandomSource {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  binomial(n: number, p: number): number;
  /**
   * Binomial(n, rate.p) for an (n, p) that recurs (a segment's requests per step, a stage's weight): exact inversion
   * of a cached table, or the normal approximation above TABLE_MAX_VARIANCE. One uniform per draw.
   */
  binomialRepeated(n: number, rate: RateTables): number;
  /** Standard normal. */
  normal(): number;
  /** Gamma with the given shape (≥ 1 in our uses) and scale 1. */
  gamma(shape: number): number;
  /** Beta(a, b), as G(a) / (G(a) + G(b)). */
  beta(a: number, b: number): number;
}

/**
 * A stream seeded from `seed` with seedrandom's Alea generator: fast (about 6 ns a draw), and pure
 * double arithmetic, so the same seed gives the same stream on every machine.
 */
export function createRandom(seed: number | string): RandomSource {
  const next = alea(String(seed));
  const uniform = (): number => next();

  function binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const flipped = p > 0.5;
    const q = flipped ? 1 - p : p;
    const mean = n * q;
    let k: number;
    if (mean < BINOMIAL_INVERSION_MAX_MEAN) k = inversion(n, q);
    else {
      const variance = mean * (1 - q);
      if (variance >= BINOMIAL_NORMAL_MIN_VARIANCE) {
        k = Math.floor(mean + Math.sqrt(variance) * normal() + 0.5);
        k = k < 0 ? 0 : k > n ? n : k;
      } else k = btrs(n, q);
    }
    return flipped ? n - k : k;
  }

  function binomialRepeated(n: number, rate: RateTables): number {
    const p = rate.p;
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const variance = n * p * (1 - p);
    if (variance > TABLE_MAX_VARIANCE) {
      const k = Math.floor(n * p + Math.sqrt(variance) * normal() + 0.5);
      return k < 0 ? 0 : k > n ? n : k;
    }
    return sampleTable(rate.table(n), next());
  }

  function inversion(n: number, p: number): number {
    const u = next();
    const odds = p / (1 - p);
    let mass = Math.exp(n * Math.log1p(-p));
    let cumulative = mass;
    let k = 0;
    while (u >= cumulative && k < n) {
      mass *= (odds * (n - k)) / (k + 1);
      k++;
      cumulative += mass;
      // Rounding can leave the cumulative sum a hair below 1; the mass left is then negligible.
      if (mass < 1e-300) break;
    }
    return k;
  }

  // W. Hörmann, "The generation of binomial random variates", J. Stat. Comput. Simul. 46 (1993), algorithm BTRS.
  function btrs(n: number, p: number): number {
    const q = 1 - p;
    const spq = Math.sqrt(n * p * q);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    let alpha = 0;
    let lpq = 0;
    let m = 0;
    let h = NaN;
    for (;;) {
      const u = next() - 0.5;
      let v = next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      if (h !== h) {
        // Set up the exact acceptance test only when the squeeze fails (about one draw in seven).
        alpha = (2.83 + 5.1 / b) * spq;
        lpq = Math.log(p / q);
        m = Math.floor((n + 1) * p);
        h = logFactorial(m) + logFactorial(n - m);
      }
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
    }
  }

  function normal(): number {
    // Inversion of one uniform; the midpoint of the uniform's 2^-32 cell keeps the tails finite.
    return inverseNormalCdf(next() + 1.1641532182693481e-10);
  }

  // G. Marsaglia and W. W. Tsang, "A simple method for generating gamma variables" (2000); shape ≥ 1.
  function gamma(shape: number): number {
    if (shape < 1) return gamma(shape + 1) * Math.pow(1 - next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  function beta(a: number, b: number): number {
    const x = gamma(a);
    const y = gamma(b);
    return x / (x + y);
  }

  return { uniform, binomial, binomialRepeated, normal, gamma, beta };
}

// P. J. Acklam's rational approximation of the inverse normal CDF; relative error below 1.15e-9.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** z with Φ(z) = p, for 0 < p < 1. */
export function inverseNormalCdf(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}
