// How well a gate tells a regression from noise, per evaluation window. Shared by gate-underpowered,
// gate-threshold-below-baseline, gate-false-rollback-likely and the editor's hover; it models what the
// simulator does, so the lint and a healthy simulation agree.
//
// A window is the traffic since the previous evaluation (the stage's interval). The gate is judged on
// "cells": all of the stage's traffic, and each value of each `breakdown` dimension on its own. It trips
// when any cell breaches its bound, so both the detection and the false-rollback probability of a window
// combine the cells as independent trials: 1 − Π(1 − p_cell). (Cells overlap, so this slightly
// overstates both; it never hides a noisy gate.)
//
// Per cell, with n new-version requests and m current-version requests in the window:
// - errorRate: errors ~ Binomial(n, p). A bound `max` T trips when errors/n > T. A relative bound trips
//   when errors/n > b·(current version's rate) (b = 1 + maxIncrease), the current version measured over the
//   same window. While m ≥ 20n its noise is negligible and the tail is the exact binomial; otherwise the
//   difference of the two rates is taken as normal with both variances.
// - kpi:<name>: the same on KPI failures (1 − success rate): `min` s trips when failures/n > 1 − s; a
//   `minRatio` r when failures/n > 1 − r + r·(current version's failure rate).
// - latencyP95Ms: a window's p95 exceeds T exactly when more than 5% of its requests are slower than T.
//   The share slower than T comes from a log-normal (σ = 0.5) fit to the baseline p95, as in the simulator;
//   a relative bound uses the baseline p95 (its own noise is ignored).
// The regression each gate should catch: the error rate (or KPI failures) doubling, or rising to 1.5 × the
// bound if that is higher; for latency, 10% of requests slower than the bound (twice what a p95 allows).

import { binomialUpperTail, normalCdf } from './binomial';
import { hasBound, stageRequestsPerSecond, type BaselineView, type GateView, type StageView, type TrafficView } from '../model/plan-view';

/** Spread of log-latency assumed for healthy traffic: a p99/p50 ratio of about 3.2, typical of web services. */
export const LATENCY_LOG_SIGMA = 0.5;
const P95_Z = 1.6448536269514722;
/** Current-version traffic at least this many times the new version's makes its measurement noise negligible. */
const EXACT_BASELINE_RATIO = 20;
/** Below this many current-version requests in a cell, relative bounds use the plan's baseline value. */
const MIN_BASELINE_REQUESTS = 100;

interface GateCell {
  /** `all traffic`, or `region=eu-west`. */
  label: string;
  requests: number;
  baselineRequests: number;
}

export interface GateStatistics {
  metric: 'errorRate' | 'latencyP95Ms' | 'kpi';
  /** New-version requests per window over all of the stage's traffic. */
  requestsPerWindow: number;
  windowMinutes: number;
  evaluations: number;
  cells: GateCell[];
  /** The bound in the metric's unit against the healthy baseline (error or KPI failure rate as a fraction of
   *  requests for errorRate, success rate for KPIs, ms for latency). */
  threshold: number;
  healthy: number;
  regressed: number;
  regressionLabel: string;
  detectionProbability: number;
  falseRollbackPerWindow: number;
  falseRollbackPerStage: number;
  /** Whether the healthy current version already breaks the bound (an absolute bound below it, or a negative increase). */
  baselineBreaksBound: boolean;
  /** How many times more requests per window would reach the target detection probability, when reachable. */
  scaleForTarget?: number;
}

/** A bound on the failure rate f of the new version: it trips when f > intercept + slope × (current version's f). */
interface FailureBound {
  intercept: number;
  slope: number;
}

export function gateStatistics(
  gate: GateView,
  stage: StageView,
  traffic: TrafficView,
  baseline: BaselineView,
  targetPower: number,
): GateStatistics | undefined {
  const rate = stageRequestsPerSecond(stage, traffic);
  if (rate === undefined || rate <= 0 || traffic.requestsPerSecond === undefined || !gate.metric || !hasBound(gate)) return undefined;
  // A stage shorter than its interval never evaluates its gates (stage-interval-exceeds-duration says so).
  if (stage.durationMinutes !== undefined && stage.intervalMinutes > stage.durationMinutes) return undefined;
  const windowMinutes = stage.intervalMinutes;
  const evaluations = Math.max(1, Math.floor((stage.durationMinutes ?? stage.intervalMinutes) / stage.intervalMinutes));
  const n = Math.floor(rate * windowMinutes * 60);
  // Absurd traffic (beyond what a number of requests can mean) is the schema's and the simulator's to report.
  if (n < 1 || !Number.isSafeInteger(n)) return undefined;
  const cohortRate = traffic.requestsPerSecond * (stage.internal ? traffic.internalShare : 1);
  const m = Math.floor(Math.max(0, cohortRate - rate) * windowMinutes * 60);
  const cells: GateCell[] = [{ label: 'all traffic', requests: n, baselineRequests: m }];
  for (const dimension of stage.breakdown) {
    for (const [value, share] of Object.entries(traffic.shares[dimension] ?? {})) {
      if (share > 0)
        cells.push({ label: `${dimension}=${value}`, requests: Math.floor(n * share), baselineRequests: Math.floor(m * share) });
    }
  }
  const windowProbability = (cellProbability: (cell: GateCell) => number, scale = 1) =>
    1 -
    cells.reduce(
      (pass, cell) =>
        pass *
        (1 -
          cellProbability(
            scale === 1
              ? cell
              : { ...cell, requests: Math.floor(cell.requests * scale), baselineRequests: Math.floor(cell.baselineRequests * scale) },
          )),
      1,
    );
  const finish = (
    partial: Omit<
      GateStatistics,
      'requestsPerWindow' | 'windowMinutes' | 'evaluations' | 'cells' | 'falseRollbackPerStage' | 'scaleForTarget'
    >,
    detectionAt: (scale: number) => number,
  ): GateStatistics => ({
    ...partial,
    requestsPerWindow: n,
    windowMinutes,
    evaluations,
    cells,
    falseRollbackPerStage: 1 - Math.pow(1 - partial.falseRollbackPerWindow, evaluations),
    scaleForTarget: scaleFor(targetPower, detectionAt, partial.detectionProbability),
  });

  if (gate.metric === 'errorRate' || gate.metric.startsWith('kpi:')) {
    const isKpi = gate.metric.startsWith('kpi:');
    const healthySuccess = isKpi ? baseline.kpis[gate.metric.slice(4)] : undefined;
    const f0 = isKpi ? (healthySuccess === undefined ? undefined : 1 - healthySuccess) : baseline.errorRate;
    const failureBounds: FailureBound[] = [];
    if (isKpi) {
      if (gate.min !== undefined) failureBounds.push({ intercept: 1 - gate.min, slope: 0 });
      if (gate.minRatio !== undefined && f0 !== undefined) failureBounds.push({ intercept: 1 - gate.minRatio, slope: gate.minRatio });
    } else {
      if (gate.max !== undefined) failureBounds.push({ intercept: gate.max, slope: 0 });
      if (gate.maxIncrease !== undefined && f0 !== undefined) failureBounds.push({ intercept: 0, slope: 1 + gate.maxIncrease });
    }
    if (failureBounds.length === 0) return undefined;
    // The bound against the healthy value: the tightest of the gate's bounds.
    const threshold = Math.min(...failureBounds.map((bound) => bound.intercept + bound.slope * (f0 ?? 0)));
    const f1 = Math.min(1, Math.max(2 * (f0 ?? 0), 1.5 * threshold));
    if (f1 <= 0) return undefined;
    const trip = (f: number) => (cell: GateCell) =>
      1 - failureBounds.reduce((pass, bound) => pass * (1 - failureTrip(cell, f, f0 ?? 0, bound)), 1);
    return finish(
      {
        metric: isKpi ? 'kpi' : 'errorRate',
        threshold: isKpi ? 1 - threshold : threshold,
        healthy: isKpi ? 1 - (f0 ?? 0) : (f0 ?? 0),
        regressed: isKpi ? 1 - f1 : f1,
        regressionLabel:
          f0 !== undefined && f1 === 2 * f0
            ? isKpi
              ? 'a doubling of KPI failures'
              : 'a doubling of the error rate'
            : 'a rise to 1.5 × the bound',
        detectionProbability: windowProbability(trip(f1)),
        falseRollbackPerWindow: f0 === undefined ? 0 : windowProbability(trip(f0)),
        baselineBreaksBound: f0 !== undefined && f0 > threshold + 1e-12,
      },
      (scale) => windowProbability(trip(f1), scale),
    );
  }

  if (gate.metric === 'latencyP95Ms') {
    const p95 = baseline.latencyP95Ms;
    const bounds: number[] = [];
    if (gate.max !== undefined) bounds.push(gate.max);
    if (gate.maxIncrease !== undefined && p95 !== undefined) bounds.push(p95 * (1 + gate.maxIncrease));
    if (bounds.length === 0) return undefined;
    const threshold = Math.min(...bounds);
    const slowTrip = (share: number) => (cell: GateCell) =>
      cell.requests < 1 ? 0 : binomialUpperTail(cell.requests, share, Math.floor(cell.requests * 0.05));
    const slowShareHealthy = p95 === undefined ? 0 : shareSlowerThan(threshold, p95);
    return finish(
      {
        metric: 'latencyP95Ms',
        threshold,
        healthy: p95 ?? 0,
        regressed: threshold,
        regressionLabel: '10% of requests slower than the bound',
        detectionProbability: windowProbability(slowTrip(0.1)),
        falseRollbackPerWindow: windowProbability(slowTrip(slowShareHealthy)),
        baselineBreaksBound: p95 !== undefined && p95 > threshold,
      },
      (scale) => windowProbability(slowTrip(0.1), scale),
    );
  }
  return undefined;
}

/** Probability that one cell breaches one failure-rate bound when the new version fails at rate f and the current at f0. */
function failureTrip(cell: GateCell, f: number, f0: number, bound: FailureBound): number {
  const n = cell.requests;
  if (n < 1) return 0;
  // Without a current-version cohort of its own (a 100% stage), the gate compares with the plan's baseline,
  // as the simulator does; with a large one, the cohort's noise is negligible.
  if (bound.slope === 0 || cell.baselineRequests < MIN_BASELINE_REQUESTS || cell.baselineRequests >= EXACT_BASELINE_RATIO * n) {
    return binomialUpperTail(n, f, Math.floor(n * (bound.intercept + bound.slope * f0) + 1e-9));
  }
  const m = Math.max(1, cell.baselineRequests);
  const mean = f - bound.slope * f0 - bound.intercept - 0.5 / n;
  const variance = (f * (1 - f)) / n + (bound.slope * bound.slope * f0 * (1 - f0)) / m;
  if (variance <= 0) return mean > 0 ? 1 : 0;
  return 1 - normalCdf(-mean / Math.sqrt(variance));
}

/** Share of requests slower than `thresholdMs` for a log-normal latency whose p95 is `p95Ms`. */
function shareSlowerThan(thresholdMs: number, p95Ms: number): number {
  if (thresholdMs <= 0) return 1;
  const z = P95_Z + Math.log(thresholdMs / p95Ms) / LATENCY_LOG_SIGMA;
  return 1 - normalCdf(z);
}

/** Smallest traffic multiple (within 1%) whose detection probability reaches `target`, or undefined beyond 10^8. */
function scaleFor(target: number, detectionAt: (scale: number) => number, atOne = detectionAt(1)): number | undefined {
  if (atOne >= target) return 1;
  let high = 2;
  while (detectionAt(high) < target) {
    high *= 2;
    if (high > 1e8) return undefined;
  }
  let low = high / 2;
  while (high / low > 1.01) {
    const mid = Math.sqrt(low * high);
    if (detectionAt(mid) >= target) high = mid;
    else low = mid;
  }
  return high;
}
