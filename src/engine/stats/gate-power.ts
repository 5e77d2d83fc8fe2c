// How well a gate tells a regression from noise, per evaluation window. Shared by gate-underpowered,
// gate-threshold-below-baseline, gate-false-rollback-likely and the editor's hover; it models what the
// simulator does, so the lint and a healthy simulation agree.
//
// A window is the traffic since the previous evaluation (the stage's interval, the last one running to the
// stage's end), in the simulator's whole time steps; the new version's share of it is the simulator's
// (model/stage-traffic.ts: internal stages see weight × internalShare, a blue-green switch all traffic, and
// the current version serves all the rest). The gate is judged on
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
// - gauge:<name>: not counted from requests. Each window each version shows its own value, log-normal around
//   baseline.gauges.<name> with the relative standard deviation baseline.dispersion.gauges.<name> (0.05 when
//   absent), as the simulator draws it; judged on all traffic only, so a window trips with the same probability
//   whatever its traffic. A relative bound compares with the current version's own draw that window (the plan's
//   value when the current version serves nothing), so the lint integrates over that draw.
// The regression each gate should catch: the error rate (or KPI failures) doubling, or rising to 1.5 × the
// bound if that is higher; for latency, 10% of requests slower than the bound (twice what a p95 allows); for a
// gauge, the new version's value × 1.5 (resource-regression's default), or × what brings the healthy value to 1.5 ×
// the bound if that is more (for a lower bound, the bound ÷ 1.5).

import { binomialUpperTail, normalCdf } from './binomial';
import { DEFAULT_GAUGE_SPREAD, latencyLogSpread, latencyStrata, rateStrata } from './dispersion';
import {
  DEFAULT_SCHEDULE,
  hasBound,
  type BaselineView,
  type GateView,
  type PlanSchedule,
  type StageView,
  type TrafficView,
} from '../model/plan-view';
import { evaluationWindowSteps, meanProfileFactor, stageRouteShare, windowRequests } from '../model/stage-traffic';

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
  /** Standard deviation of `requests`: each request is routed on its own, so a window's count is binomial. */
  requestsSpread: number;
}

export interface GateStatistics {
  metric: 'errorRate' | 'latencyP95Ms' | 'kpi' | 'gauge';
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
  /** With traffic.profile: the assumed rollout start (minutes since Monday 00:00 UTC) and the first window's factor. */
  profile?: { startMinuteOfWeek: number; factor: number };
  /** Gauge gates: the gauge's relative standard deviation from window to window, and whether it came from the plan. */
  gaugeSpread?: { relativeSd: number; given: boolean };
  /** Whether `threshold` is a lower bound (min, minRatio): a KPI's, or a gauge's that must not fall. */
  lowerBound?: boolean;
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
  schedule: PlanSchedule = DEFAULT_SCHEDULE,
): GateStatistics | undefined {
  const rps = traffic.requestsPerSecond;
  if (rps === undefined || stage.weight === undefined || !gate.metric || !hasBound(gate)) return undefined;
  const route = stageRouteShare(
    { weight: stage.weight / 100, internal: stage.internal, blueGreenSwitch: schedule.blueGreen && !stage.internal },
    traffic.internalShare,
  );
  if (!(route > 0)) return undefined;
  // A stage shorter than its interval never evaluates its gates (stage-interval-exceeds-duration says so).
  if (stage.durationMinutes !== undefined && stage.intervalMinutes > stage.durationMinutes) return undefined;
  // The windows the simulator judges: whole steps, the last one running to the stage's end.
  const windows = evaluationWindowSteps(stage.durationMinutes ?? stage.intervalMinutes, stage.intervalMinutes, schedule.stepMinutes).map(
    (steps) => steps * schedule.stepMinutes,
  );
  const windowMinutes = windows[0];
  const evaluations = windows.length;
  // traffic.profile: each window's traffic is the profile's mean over its hours, from the assumed start.
  const profile = schedule.profile;
  const stageStart = profile?.stageStarts.get(stage.index) ?? 0;
  let windowStart = stageStart;
  const factors = windows.map((minutes) => {
    const factor = profile ? meanProfileFactor(profile.factors, profile.startMinuteOfWeek, windowStart, windowStart + minutes) : 1;
    windowStart += minutes;
    return factor;
  });
  const expected = windowRequests(rps * factors[0], route, windowMinutes);
  const n = Math.floor(expected.newVersion);
  // Absurd traffic (beyond what a number of requests can mean) is the schema's and the simulator's to report.
  if (n < 1 || !Number.isSafeInteger(n)) return undefined;
  if (gate.metric.startsWith('gauge:')) return gaugeStatistics(gate, baseline, expected.currentVersion, windows, profile, factors[0], n);
  // Cells of a window `scale` times the first one's length (a longer last window, or more traffic for the remedy).
  const cellsAt = (scale: number): GateCell[] => {
    const requests = expected.newVersion * scale;
    const current = expected.currentVersion * scale;
    const cell = (label: string, share: number): GateCell => ({
      label,
      requests: Math.floor(requests * share),
      baselineRequests: Math.floor(current * share),
      requestsSpread: Math.sqrt((requests + current) * share * route * (1 - route)),
    });
    const at: GateCell[] = [cell('all traffic', 1)];
    for (const dimension of stage.breakdown) {
      for (const [value, share] of Object.entries(traffic.shares[dimension] ?? {}))
        if (share > 0) at.push(cell(`${dimension}=${value}`, share));
    }
    return at;
  };
  const cells = cellsAt(1);
  const windowProbability = (cellProbability: (cell: GateCell) => number, scale = 1) =>
    1 - (scale === 1 ? cells : cellsAt(scale)).reduce((pass, cell) => pass * (1 - cellProbability(cell)), 1);
  // Over the stage: every window passes, the last one possibly longer. `atScale` gives one window's probability.
  const stageProbability = (atScale: (scale: number) => number) =>
    1 - windows.reduce((pass, minutes, w) => pass * (1 - atScale((minutes * factors[w]) / (windowMinutes * factors[0]))), 1);
  const finish = (
    partial: Omit<
      GateStatistics,
      'requestsPerWindow' | 'windowMinutes' | 'evaluations' | 'cells' | 'falseRollbackPerStage' | 'scaleForTarget'
    >,
    healthyAt: ((scale: number) => number) | undefined,
    detectionAt: (scale: number) => number,
  ): GateStatistics => ({
    ...partial,
    requestsPerWindow: n,
    windowMinutes,
    evaluations,
    cells,
    falseRollbackPerStage: healthyAt ? stageProbability(healthyAt) : 0,
    scaleForTarget: scaleFor(targetPower, detectionAt, partial.detectionProbability),
    ...(profile ? { profile: { startMinuteOfWeek: profile.startMinuteOfWeek, factor: factors[0] } } : {}),
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
    // The new version failing at f while the current version's true rate that window is `reference`.
    const trip = (f: number, reference: number) => (cell: GateCell) =>
      1 - failureBounds.reduce((pass, bound) => pass * (1 - failureTrip(cell, f, reference, f0 ?? 0, bound)), 1);
    // baseline.dispersion: each window's true failure rate is drawn for both versions; a regression adds to it.
    const strata =
      f0 === undefined ? [] : rateStrata(f0, isKpi ? (baseline.dispersion.kpis[gate.metric.slice(4)] ?? 0) : baseline.dispersion.errorRate);
    const drifting = (shift: number) => (scale: number) =>
      strata.reduce((sum, { value, mass }) => sum + mass * windowProbability(trip(clampRate(value + shift), value), scale), 0);
    const healthyAt = f0 === undefined ? undefined : drifting(0);
    const detectionAt = f0 === undefined ? (scale: number) => windowProbability(trip(f1, 0), scale) : drifting(f1 - f0);
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
        detectionProbability: detectionAt(1),
        falseRollbackPerWindow: healthyAt ? healthyAt(1) : 0,
        baselineBreaksBound: f0 !== undefined && f0 > threshold + 1e-12,
      },
      healthyAt,
      detectionAt,
    );
  }

  if (gate.metric === 'latencyP95Ms') {
    const p95 = baseline.latencyP95Ms;
    // The bound when the current version's true p95 that window is `current` (a relative bound follows it).
    const boundAt = (current: number | undefined) => {
      const bounds: number[] = [];
      if (gate.max !== undefined) bounds.push(gate.max);
      if (gate.maxIncrease !== undefined && current !== undefined) bounds.push(current * (1 + gate.maxIncrease));
      return bounds.length === 0 ? undefined : Math.min(...bounds);
    };
    const threshold = boundAt(p95);
    if (threshold === undefined) return undefined;
    const slowTrip = (share: number) => (cell: GateCell) => countTrip(cell, share, 0.05);
    // baseline.dispersion.latencyP95Ms: each window's true p95 is the baseline's times a drawn factor.
    const strata = p95 === undefined ? [] : latencyStrata(baseline.dispersion.latencyP95Ms);
    const healthyAt = (scale: number) =>
      p95 === undefined
        ? windowProbability(slowTrip(0), scale)
        : strata.reduce(
            (sum, { value, mass }) => sum + mass * windowProbability(slowTrip(shareSlowerThan(boundAt(p95 * value)!, p95 * value)), scale),
            0,
          );
    return finish(
      {
        metric: 'latencyP95Ms',
        threshold,
        healthy: p95 ?? 0,
        regressed: threshold,
        regressionLabel: '10% of requests slower than the bound',
        detectionProbability: windowProbability(slowTrip(0.1)),
        falseRollbackPerWindow: healthyAt(1),
        baselineBreaksBound: p95 !== undefined && p95 > threshold,
      },
      healthyAt,
      (scale) => windowProbability(slowTrip(0.1), scale),
    );
  }
  return undefined;
}

/** A gauge gate's statistics (see the header): the same every window, traffic aside. */
function gaugeStatistics(
  gate: GateView,
  baseline: BaselineView,
  currentRequests: number,
  windows: number[],
  profile: PlanSchedule['profile'],
  firstFactor: number,
  requestsPerWindow: number,
): GateStatistics | undefined {
  const name = (gate.metric as string).slice('gauge:'.length);
  const mean = baseline.gauges[name];
  // An undeclared gauge is gate-unknown-gauge's; a mean of 0 or below has no log-normal spread around it.
  if (mean === undefined || !(mean > 0)) return undefined;
  const given = (baseline.dispersion.gauges[name] ?? 0) > 0;
  const relativeSd = given ? baseline.dispersion.gauges[name] : DEFAULT_GAUGE_SPREAD;
  const spread = latencyLogSpread(relativeSd);
  // The current version's value is measured when it serves requests that window; else the plan's mean is the reference.
  const measured = Math.floor(currentRequests) >= 1;
  const boundsAt = (reference: number) => {
    let upper = Infinity;
    let lower = -Infinity;
    if (gate.max !== undefined) upper = gate.max;
    if (gate.maxIncrease !== undefined) upper = Math.min(upper, reference * (1 + gate.maxIncrease));
    if (gate.min !== undefined) lower = gate.min;
    if (gate.minRatio !== undefined) lower = Math.max(lower, reference * gate.minRatio);
    return { upper, lower };
  };
  const relative = gate.maxIncrease !== undefined || gate.minRatio !== undefined;
  const references = relative && measured ? latencyStrata(relativeSd) : [{ value: 1, mass: 1 }];
  // P(value > bound) for the new version's value mean × factor × X, X log-normal of mean 1.
  const above = (bound: number, factor: number) =>
    bound <= 0 ? 1 : 1 - normalCdf((Math.log(bound / (mean * factor)) + (spread * spread) / 2) / spread);
  const below = (bound: number, factor: number) =>
    bound <= 0 ? 0 : normalCdf((Math.log(bound / (mean * factor)) + (spread * spread) / 2) / spread);
  const tripAt = (factor: number) =>
    references.reduce((sum, { value, mass }) => {
      const { upper, lower } = boundsAt(mean * value);
      const trip =
        lower >= upper ? 1 : Math.min(1, (upper < Infinity ? above(upper, factor) : 0) + (lower > -Infinity ? below(lower, factor) : 0));
      return sum + mass * trip;
    }, 0);
  const { upper, lower } = boundsAt(mean);
  const lowerBound = upper === Infinity;
  const threshold = lowerBound ? lower : upper;
  const regressed = lowerBound ? Math.min(mean / 1.5, threshold / 1.5) : Math.max(mean * 1.5, threshold * 1.5);
  const perWindow = tripAt(1);
  return {
    metric: 'gauge',
    requestsPerWindow,
    windowMinutes: windows[0],
    evaluations: windows.length,
    cells: [{ label: 'all traffic', requests: requestsPerWindow, baselineRequests: Math.floor(currentRequests), requestsSpread: 0 }],
    threshold,
    healthy: mean,
    regressed,
    regressionLabel: lowerBound
      ? regressed === mean / 1.5
        ? 'a fall by a third'
        : 'a fall to the bound ÷ 1.5'
      : regressed === mean * 1.5
        ? 'a rise of 1.5×'
        : 'a rise to 1.5 × the bound',
    detectionProbability: tripAt(regressed / mean),
    falseRollbackPerWindow: perWindow,
    falseRollbackPerStage: 1 - (1 - perWindow) ** windows.length,
    baselineBreaksBound: lowerBound ? mean < threshold - 1e-12 : mean > threshold + 1e-12,
    gaugeSpread: { relativeSd, given },
    ...(lowerBound ? { lowerBound } : {}),
    ...(profile ? { profile: { startMinuteOfWeek: profile.startMinuteOfWeek, factor: firstFactor } } : {}),
  };
}

function clampRate(rate: number): number {
  return Math.min(1, Math.max(0, rate));
}

/**
 * Probability that one cell breaches one failure-rate bound when the new version fails at rate f and the current
 * at f0 (its true rate this window; the plan's baseline is `planF0`).
 */
function failureTrip(cell: GateCell, f: number, f0: number, planF0: number, bound: FailureBound): number {
  const n = cell.requests;
  if (n < 1) return 0;
  // Without a current-version cohort of its own (a 100% stage), the gate compares with the plan's baseline,
  // as the simulator does; with a large one, the cohort's noise is negligible.
  if (cell.baselineRequests < MIN_BASELINE_REQUESTS) return countTrip(cell, f, bound.intercept + bound.slope * planF0);
  if (bound.slope === 0 || cell.baselineRequests >= EXACT_BASELINE_RATIO * n) {
    return countTrip(cell, f, bound.intercept + bound.slope * f0);
  }
  const m = Math.max(1, cell.baselineRequests);
  const mean = f - bound.slope * f0 - bound.intercept - 0.5 / n;
  const variance = (f * (1 - f)) / n + (bound.slope * bound.slope * f0 * (1 - f0)) / m;
  if (variance <= 0) return mean > 0 ? 1 : 0;
  return 1 - normalCdf(-mean / Math.sqrt(variance));
}

/** Most lattice points countTrip sums over; beyond, the count's spread is wide enough for its mean to stand for it. */
const MAX_LATTICE_POINTS = 64;

/**
 * P(X > ⌊n·c⌋) for X ~ Binomial(n, p): a count above the share c of the window's n requests. n is itself binomial
 * (the routing), and ⌊n·c⌋ jumps by one as n crosses each multiple of 1/c: 9,000 requests trip a 0.3% bound at 28
 * errors, 8,999 at 27. So the tail is averaged over n (taken as normal, with its spread) within each step of the
 * bound, rather than read at the mean alone, which can be a tenth off either way.
 */
function countTrip(cell: GateCell, p: number, c: number): number {
  const mean = cell.requests;
  if (mean < 1) return 0;
  const spread = cell.requestsSpread;
  const atMean = binomialUpperTail(mean, p, Math.floor(mean * c + 1e-9));
  if (!(c > 0) || spread * c < 1e-3) return atMean;
  const low = Math.max(1, mean - 5 * spread);
  const high = mean + 5 * spread;
  const first = Math.floor(low * c + 1e-9);
  const last = Math.floor(high * c + 1e-9);
  if (last - first > MAX_LATTICE_POINTS) return atMean;
  let total = 0;
  let weight = 0;
  for (let k = first; k <= last; k++) {
    // Whole request counts n with ⌊n·c⌋ = k, within five spreads of the mean.
    const from = Math.max(low, Math.ceil(k / c - 1e-9));
    const to = Math.min(high, Math.ceil((k + 1) / c - 1e-9) - 1);
    if (to < from) continue;
    const mass = normalCdf((to + 0.5 - mean) / spread) - normalCdf((from - 0.5 - mean) / spread);
    if (mass <= 0) continue;
    total += mass * binomialUpperTail(Math.round((from + to) / 2), p, k);
    weight += mass;
  }
  return weight > 0 ? total / weight : atMean;
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
