// Latency in the simulator: a log-normal fit to the baseline p95, and the p95 a gate would observe on a window.
//
// Family: log-normal with a fixed log-spread σ (LATENCY_LOG_SIGMA = 0.5, shared with the power checks). Request
// latencies are positive and right-skewed, their logarithm is close to normal in the body, and a regression that
// multiplies every latency by f is a shift of log f, so `latencyMultiplier` means the same at every quantile.
// The plan gives one number (the p95), so one parameter must be fixed: σ = 0.5 puts the median at p95 / 2.28.
//
// Observation: a window's p95 is the k-th smallest of its n latencies (k = ⌈0.95 n⌉). For any continuous
// distribution F that order statistic is F⁻¹(U) with U ~ Beta(k, n − k + 1), exactly, so one beta draw gives the
// estimate with the sampling noise its n implies, at any n. A window that mixes healthy and regressed requests
// has the mixture's F; its inverse is found by bisection.

import { normalCdf } from '../stats/binomial';
import { LATENCY_LOG_SIGMA } from '../stats/gate-power';
import { inverseNormalCdf, type RandomSource } from './random';

export { LATENCY_LOG_SIGMA };
const P95_QUANTILE = 0.95;
const P95_Z = 1.6448536269514722;

/** Rank of the sample p95 among n values. */
function p95Rank(n: number): number {
  return Math.max(1, Math.ceil(P95_QUANTILE * n - 1e-9));
}

/**
 * The p95 observed on n requests, of which a share `shiftedShare` has every latency multiplied by `factor`.
 * `p95Ms` is the unshifted distribution's true p95.
 */
export function sampleP95(random: RandomSource, n: number, p95Ms: number, shiftedShare: number, factor: number): number {
  const k = p95Rank(n);
  const u = random.beta(k, n - k + 1);
  return quantile(u, p95Ms, shiftedShare, factor);
}

/** The u-quantile of the (possibly mixed) latency distribution. */
export function quantile(u: number, p95Ms: number, shiftedShare: number, factor: number): number {
  const z = inverseNormalCdf(Math.min(Math.max(u, 1e-300), 1 - 1e-16));
  const mu0 = Math.log(p95Ms) - LATENCY_LOG_SIGMA * P95_Z;
  const shift = Math.log(factor);
  if (shiftedShare <= 0 || shift === 0) return Math.exp(mu0 + LATENCY_LOG_SIGMA * z);
  if (shiftedShare >= 1) return Math.exp(mu0 + shift + LATENCY_LOG_SIGMA * z);
  // The mixture's quantile lies between its components' quantiles.
  let low = mu0 + LATENCY_LOG_SIGMA * z + Math.min(0, shift);
  let high = mu0 + LATENCY_LOG_SIGMA * z + Math.max(0, shift);
  for (let i = 0; i < 60 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    const cdf =
      (1 - shiftedShare) * normalCdf((mid - mu0) / LATENCY_LOG_SIGMA) + shiftedShare * normalCdf((mid - mu0 - shift) / LATENCY_LOG_SIGMA);
    if (cdf < u) low = mid;
    else high = mid;
  }
  return Math.exp((low + high) / 2);
}
