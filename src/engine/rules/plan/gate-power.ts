// How well one evaluation window of a gate tells a regression from noise. Shared by gate-underpowered,
// gate-threshold-below-baseline, gate-false-rollback-likely and the editor's hover.
//
// The test, per gate and window (n = new-version requests in one window = requests/s × window seconds):
// - errorRate: errors ~ Binomial(n, p). The gate trips when errors/n exceeds its bound T (`max`, or the
//   baseline rate × (1 + maxIncrease), the baseline treated as exact because it is measured on at least as
//   much traffic). The regression it should catch: the error rate doubling, or rising to 1.5 × T if that is
//   higher (a bound looser than a doubling must still catch a clear breach of itself).
// - kpi:<name>: the same on KPI failures (1 − success rate); the bound is `min` or baseline × `minRatio`.
// - latencyP95Ms: the window's p95 exceeds T exactly when more than 5% of its requests are slower than T.
//   The regression: 10% of requests slower than T (twice what a p95 at the bound allows), which needs no
//   assumption about the latency distribution. For the healthy case a log-normal with σ = 0.5 fit to the
//   baseline p95 gives the share of requests slower than T.
// Detection probability = P(gate trips | regression); false-rollback probability = P(gate trips | healthy).

import { binomialUpperTail, normalCdf } from '../../stats/binomial';
import { hasBound, stageRequestsPerSecond, type BaselineView, type GateView, type StageView, type TrafficView } from './plan-view';

/** Spread of log-latency assumed for healthy traffic: a p99/p50 ratio of about 3.2, typical of web services. */
export const LATENCY_LOG_SIGMA = 0.5;
const P95_Z = 1.6448536269514722;

export interface GateStatistics {
  metric: 'errorRate' | 'latencyP95Ms' | 'kpi';
  requestsPerWindow: number;
  windowMinutes: number;
  evaluations: number;
  /** The bound in the metric's unit (error or KPI failure rate as a fraction; latency in ms). */
  threshold: number;
  /** Healthy value and the regression tested, in the gate's own terms (rates as success rate for KPIs). */
  healthy: number;
  regressed: number;
  regressionLabel: string;
  detectionProbability: number;
  /** Probability that a healthy release trips the gate in one window, and over the stage's evaluations. */
  falseRollbackPerWindow: number;
  falseRollbackPerStage: number;
  /** Whether the healthy current version already breaks the bound (an absolute bound below it, or a negative increase). */
  baselineBreaksBound: boolean;
  /** Requests per window needed to reach the target detection probability, when reachable. */
  requestsForTarget?: number;
}

export function gateStatistics(
  gate: GateView,
  stage: StageView,
  traffic: TrafficView,
  baseline: BaselineView,
  targetPower: number,
): GateStatistics | undefined {
  const rate = stageRequestsPerSecond(stage, traffic);
  if (rate === undefined || rate <= 0 || !gate.metric || !hasBound(gate)) return undefined;
  // A stage shorter than its interval never evaluates its gates (stage-interval-exceeds-duration says so).
  if (stage.durationMinutes !== undefined && stage.intervalMinutes > stage.durationMinutes) return undefined;
  const windowMinutes = stage.intervalMinutes;
  const evaluations = Math.max(1, Math.floor((stage.durationMinutes ?? stage.intervalMinutes) / stage.intervalMinutes));
  const n = Math.floor(rate * windowMinutes * 60);
  if (n < 1) return undefined;

  if (gate.metric === 'errorRate' || gate.metric.startsWith('kpi:')) {
    const isKpi = gate.metric.startsWith('kpi:');
    const healthySuccess = isKpi ? baseline.kpis[gate.metric.slice(4)] : undefined;
    const p0 = isKpi ? (healthySuccess === undefined ? undefined : 1 - healthySuccess) : baseline.errorRate;
    const bounds: number[] = [];
    if (isKpi) {
      if (gate.min !== undefined) bounds.push(1 - gate.min);
      if (gate.minRatio !== undefined && healthySuccess !== undefined) bounds.push(1 - healthySuccess * gate.minRatio);
    } else {
      if (gate.max !== undefined) bounds.push(gate.max);
      if (gate.maxIncrease !== undefined && p0 !== undefined) bounds.push(p0 * (1 + gate.maxIncrease));
    }
    if (bounds.length === 0) return undefined;
    const threshold = Math.min(...bounds);
    const k = Math.floor(n * threshold + 1e-9);
    const p1 = Math.min(1, Math.max(2 * (p0 ?? 0), 1.5 * threshold));
    if (p1 <= 0) return undefined;
    const detection = binomialUpperTail(n, p1, k);
    const falsePerWindow = p0 === undefined ? 0 : binomialUpperTail(n, p0, k);
    return {
      metric: isKpi ? 'kpi' : 'errorRate',
      requestsPerWindow: n,
      windowMinutes,
      evaluations,
      threshold: isKpi ? 1 - threshold : threshold,
      healthy: isKpi ? 1 - (p0 ?? 0) : p0 ?? 0,
      regressed: isKpi ? 1 - p1 : p1,
      regressionLabel: p0 !== undefined && p1 === 2 * p0 ? (isKpi ? 'a doubling of KPI failures' : 'a doubling of the error rate') : 'a rise to 1.5 × the bound',
      detectionProbability: detection,
      falseRollbackPerWindow: falsePerWindow,
      falseRollbackPerStage: 1 - Math.pow(1 - falsePerWindow, evaluations),
      baselineBreaksBound: p0 !== undefined && p0 > threshold + 1e-12,
      requestsForTarget: requestsFor(targetPower, (size) => binomialUpperTail(size, p1, Math.floor(size * threshold + 1e-9))),
    };
  }

  if (gate.metric === 'latencyP95Ms') {
    const p95 = baseline.latencyP95Ms;
    const bounds: number[] = [];
    if (gate.max !== undefined) bounds.push(gate.max);
    if (gate.maxIncrease !== undefined && p95 !== undefined) bounds.push(p95 * (1 + gate.maxIncrease));
    if (bounds.length === 0) return undefined;
    const threshold = Math.min(...bounds);
    const k = Math.floor(n * 0.05);
    const slowShareHealthy = p95 === undefined ? 0 : shareSlowerThan(threshold, p95);
    const falsePerWindow = binomialUpperTail(n, slowShareHealthy, k);
    return {
      metric: 'latencyP95Ms',
      requestsPerWindow: n,
      windowMinutes,
      evaluations,
      threshold,
      healthy: p95 ?? 0,
      regressed: threshold,
      regressionLabel: '10% of requests slower than the bound',
      detectionProbability: binomialUpperTail(n, 0.1, k),
      falseRollbackPerWindow: falsePerWindow,
      falseRollbackPerStage: 1 - Math.pow(1 - falsePerWindow, evaluations),
      baselineBreaksBound: p95 !== undefined && p95 > threshold,
      requestsForTarget: requestsFor(targetPower, (size) => binomialUpperTail(size, 0.1, Math.floor(size * 0.05))),
    };
  }
  return undefined;
}

/** Share of requests slower than `thresholdMs` for a log-normal latency whose p95 is `p95Ms`. */
export function shareSlowerThan(thresholdMs: number, p95Ms: number): number {
  if (thresholdMs <= 0) return 1;
  const z = P95_Z + Math.log(thresholdMs / p95Ms) / LATENCY_LOG_SIGMA;
  return 1 - normalCdf(z);
}

/** Smallest window size (within 1%) whose detection probability reaches `target`, or undefined beyond 10^10. */
function requestsFor(target: number, power: (n: number) => number): number | undefined {
  let high = 16;
  while (power(high) < target) {
    high *= 2;
    if (high > 1e10) return undefined;
  }
  let low = Math.floor(high / 2);
  while (high - low > Math.max(1, low * 0.01)) {
    const mid = Math.floor((low + high) / 2);
    if (power(mid) >= target) high = mid;
    else low = mid;
  }
  return high;
}
