// Judging a stage's gates on one evaluation window: the counts only gates need are drawn here, per segment, from
// the requests accumulated since the previous evaluation; then each gate is judged on all traffic and on every
// value of the stage's breakdown dimensions.
//
// Drawing at the window's end is exact, not an approximation: a sum of binomials with the same rate is a binomial of
// the summed requests, so requests are kept per segment and per rate level (healthy / failing), and each level's
// errors or KPI successes are drawn once.

import type { Cell, CompiledGate, CompiledPlan, CompiledStage } from './compile';
import { betaParameters, DEFAULT_GAUGE_SPREAD, latencyLogSpread } from '../stats/dispersion';
import { sampleP95 } from './latency';
import type { RandomSource } from './random';
import type { GateVerdict } from './result';
import type { FailureSchedule } from './failure';

/** Per-segment sums since the previous evaluation; `*Shifted` counts requests served while the failure was active there. */
export interface Window {
  canaryRequests: Float64Array;
  canaryErrors: Float64Array;
  canaryShifted: Float64Array;
  baselineRequests: Float64Array;
  baselineShifted: Float64Array;
  /** Drawn at evaluation, when a gate needs them. */
  baselineErrors: Float64Array;
  canaryKpiSuccesses: Float64Array[];
  baselineKpiSuccesses: Float64Array[];
  /** Per cell of the stage: the p95 each version showed (NaN: not measured), drawn once for all latency gates. */
  canaryP95: Float64Array;
  baselineP95: Float64Array;
  /** Per gauge: the value each version showed over the window, drawn at evaluation when a gate needs it. */
  canaryGauges: Float64Array;
  baselineGauges: Float64Array;
  /** The window's true healthy values, drawn at its start (drawWindowDrift): the baseline's without dispersion. */
  errorRate: number;
  kpiRates: Float64Array;
  latencyFactor: number;
}

export function createWindow(segmentCount: number, kpiCount: number, maxCells: number, gaugeCount = 0): Window {
  const make = () => new Float64Array(segmentCount);
  return {
    canaryRequests: make(),
    canaryErrors: make(),
    canaryShifted: make(),
    baselineRequests: make(),
    baselineShifted: make(),
    baselineErrors: make(),
    canaryKpiSuccesses: Array.from({ length: kpiCount }, make),
    baselineKpiSuccesses: Array.from({ length: kpiCount }, make),
    canaryP95: new Float64Array(maxCells),
    baselineP95: new Float64Array(maxCells),
    canaryGauges: new Float64Array(gaugeCount),
    baselineGauges: new Float64Array(gaugeCount),
    errorRate: 0,
    kpiRates: new Float64Array(kpiCount),
    latencyFactor: 1,
  };
}

/**
 * The window's true healthy error rate, KPI rates and latency factor, for the whole service and both versions
 * (baseline.dispersion; docs/simulator.md). Nothing is drawn for a signal without dispersion, so a plan without
 * it keeps its random stream.
 */
export function drawWindowDrift(random: RandomSource, compiled: CompiledPlan, window: Window): void {
  const { baseline } = compiled.plan;
  const { dispersion } = baseline;
  const errors = betaParameters(baseline.errorRate, dispersion.errorRate);
  window.errorRate = errors ? random.beta(errors.a, errors.b) : baseline.errorRate;
  compiled.kpiNames.forEach((name, k) => {
    const rate = baseline.kpis[name];
    const kpi = betaParameters(rate, dispersion.kpis[name] ?? 0);
    window.kpiRates[k] = kpi ? random.beta(kpi.a, kpi.b) : rate;
  });
  const spread = latencyLogSpread(dispersion.latencyP95Ms);
  window.latencyFactor = spread > 0 ? Math.exp(spread * random.normal() - (spread * spread) / 2) : 1;
}

export function clearWindow(window: Window): void {
  window.canaryRequests.fill(0);
  window.canaryErrors.fill(0);
  window.canaryShifted.fill(0);
  window.baselineRequests.fill(0);
  window.baselineShifted.fill(0);
}

/** One gate on one cell, unrounded. */
export interface Judgement {
  cell: Cell;
  verdict: GateVerdict;
  samples: number;
  canary: number | null;
  baseline: number | null;
  upper: number | null;
  lower: number | null;
  /** How far past (positive) or inside (negative) its nearest bound the value is, relative to the bound. */
  margin: number;
}

/** Draws the counts the stage's gates need beyond requests and errors (baseline errors, KPI successes). */
export function drawGateCounts(
  random: RandomSource,
  compiled: CompiledPlan,
  stage: CompiledStage,
  window: Window,
  failure: FailureSchedule | null,
  minute: number,
): void {
  const { baseline } = compiled.plan;
  const segmentCount = compiled.segments.length;
  if (stage.needsBaselineErrors) {
    const drift = window.errorRate - baseline.errorRate;
    const outageRate =
      failure && failure.affectsCurrentVersion
        ? Math.min(1, Math.max(0, failure.errorRateAt(failure.startStep) + drift))
        : window.errorRate;
    for (let s = 0; s < segmentCount; s++) {
      const shifted = window.baselineShifted[s];
      window.baselineErrors[s] =
        random.binomial(window.baselineRequests[s] - shifted, window.errorRate) + random.binomial(shifted, outageRate);
    }
  }
  for (const k of stage.kpis) {
    const healthy = window.kpiRates[k];
    const failing = failure && failure.kpiIndex === k ? kpiFailing(failure.kpiRate, healthy, baseline.kpis[compiled.kpiNames[k]]) : healthy;
    for (let s = 0; s < segmentCount; s++) {
      const shifted = window.canaryShifted[s];
      window.canaryKpiSuccesses[k][s] = random.binomial(window.canaryRequests[s] - shifted, healthy) + random.binomial(shifted, failing);
    }
  }
  for (const k of stage.baselineKpis) {
    const healthy = window.kpiRates[k];
    const failing =
      failure && failure.affectsCurrentVersion && failure.kpiIndex === k
        ? kpiFailing(failure.kpiRate, healthy, baseline.kpis[compiled.kpiNames[k]])
        : healthy;
    for (let s = 0; s < segmentCount; s++) {
      const shifted = window.baselineShifted[s];
      window.baselineKpiSuccesses[k][s] =
        random.binomial(window.baselineRequests[s] - shifted, healthy) + random.binomial(shifted, failing);
    }
  }
  // A gauge is a property of each version's instances, not of requests: each version shows its own value every
  // window, log-normal around the mean with the gauge's dispersion; a scenario raises the new version's.
  for (const g of stage.gauges) {
    const name = compiled.gaugeNames[g];
    const mean = baseline.gauges[name];
    const spread = latencyLogSpread(baseline.dispersion.gauges[name] || DEFAULT_GAUGE_SPREAD);
    const draw = () => mean * Math.exp(spread * random.normal() - (spread * spread) / 2);
    const canary = draw();
    const current = draw();
    const rising =
      failure !== null &&
      failure.gaugeIndex === g &&
      minute >= failure.startStep * compiled.stepMinutes &&
      minute < failure.endStep * compiled.stepMinutes;
    window.canaryGauges[g] = rising ? failure.gaugeAt(minute, canary) : canary;
    window.baselineGauges[g] = rising && failure.affectsCurrentVersion ? failure.gaugeAt(minute, current) : current;
  }
  if (stage.needsLatency) {
    const p95 = baseline.latencyP95Ms * window.latencyFactor;
    const factor = failure ? failure.latencyMultiplier : 1;
    const minBaselineSamples = baselineSamplesNeeded(stage);
    stage.cells.forEach((cell, c) => {
      let canaryRequests = 0;
      let canaryShifted = 0;
      let baselineRequests = 0;
      let baselineShifted = 0;
      for (const s of cell.segments) {
        canaryRequests += window.canaryRequests[s];
        canaryShifted += window.canaryShifted[s];
        baselineRequests += window.baselineRequests[s];
        baselineShifted += window.baselineShifted[s];
      }
      window.canaryP95[c] = canaryRequests > 0 ? sampleP95(random, canaryRequests, p95, canaryShifted / canaryRequests, factor) : NaN;
      window.baselineP95[c] =
        stage.needsBaselineLatency && baselineRequests >= minBaselineSamples
          ? sampleP95(
              random,
              baselineRequests,
              p95,
              failure && failure.affectsCurrentVersion ? baselineShifted / baselineRequests : 0,
              factor,
            )
          : NaN;
    });
  }
}

/** A failing KPI's rate moves with the window's drift, as the healthy rate does. */
function kpiFailing(failingRate: number, windowRate: number, baselineRate: number): number {
  return Math.min(1, Math.max(0, failingRate + windowRate - baselineRate));
}

/** The current version's cohort is trusted once it has as many requests as the gate needs of the new version. */
function baselineSamplesNeeded(stage: CompiledStage): number {
  return Math.max(1, stage.stage.minSamples);
}

/** Judges one gate on every cell of the stage, in cell order (all traffic first). */
export function judgeGate(compiled: CompiledPlan, stage: CompiledStage, gate: CompiledGate, window: Window): Judgement[] {
  const minSamples = stage.stage.minSamples;
  const minBaselineSamples = baselineSamplesNeeded(stage);
  const judgements: Judgement[] = [];
  stage.cells.forEach((cell, c) => {
    // A gauge is the version's, not a segment's: it is judged on all traffic only.
    if (gate.kind === 'gauge' && c > 0) return;
    let canaryRequests = 0;
    let canaryCount = 0;
    let baselineRequests = 0;
    let baselineCount = 0;
    for (const s of cell.segments) {
      canaryRequests += window.canaryRequests[s];
      baselineRequests += window.baselineRequests[s];
      if (gate.kind === 'errorRate') {
        canaryCount += window.canaryErrors[s];
        if (stage.needsBaselineErrors) baselineCount += window.baselineErrors[s];
      } else if (gate.kind === 'kpi') {
        canaryCount += window.canaryKpiSuccesses[gate.kpiIndex][s];
        if (gate.relative) baselineCount += window.baselineKpiSuccesses[gate.kpiIndex][s];
      }
    }
    const healthy = healthyValue(compiled, gate);
    let canary: number | null = null;
    let measuredBaseline: number | null = null;
    if (gate.kind === 'gauge') {
      // Every cell shows the version's own gauge: it is not split by request. Measured once the version serves.
      if (canaryRequests > 0) canary = window.canaryGauges[gate.kpiIndex];
      if (gate.relative && baselineRequests > 0) measuredBaseline = window.baselineGauges[gate.kpiIndex];
    } else if (gate.kind === 'latency') {
      if (canaryRequests > 0) canary = window.canaryP95[c];
      if (gate.relative && baselineRequests >= minBaselineSamples) measuredBaseline = window.baselineP95[c];
    } else {
      if (canaryRequests > 0) canary = canaryCount / canaryRequests;
      if (gate.relative && baselineRequests >= minBaselineSamples) measuredBaseline = baselineCount / baselineRequests;
    }
    // Without a current-version cohort of its own (a 100% stage, blue-green), a relative bound uses the plan's baseline.
    const reference = gate.relative ? (measuredBaseline ?? healthy) : null;
    const { upper, lower } = bounds(gate, reference);
    let verdict: GateVerdict;
    let margin = -Infinity;
    if (canary === null || (gate.kind !== 'gauge' && canaryRequests < minSamples)) verdict = 'inconclusive';
    else {
      margin = Math.max(
        upper === null ? -Infinity : relativeExcess(canary, upper),
        lower === null ? -Infinity : relativeExcess(-canary, -lower),
      );
      verdict = (upper !== null && canary > upper) || (lower !== null && canary < lower) ? 'fail' : 'pass';
    }
    judgements.push({ cell, verdict, samples: canaryRequests, canary, baseline: reference, upper, lower, margin });
  });
  return judgements;
}

function healthyValue(compiled: CompiledPlan, gate: CompiledGate): number {
  const { baseline } = compiled.plan;
  if (gate.kind === 'errorRate') return baseline.errorRate;
  if (gate.kind === 'latency') return baseline.latencyP95Ms;
  if (gate.kind === 'gauge') return baseline.gauges[compiled.gaugeNames[gate.kpiIndex]];
  return baseline.kpis[compiled.kpiNames[gate.kpiIndex]];
}

/** The gate's bounds in the metric's unit; relative ones computed from the reference value. */
function bounds(gate: CompiledGate, reference: number | null): { upper: number | null; lower: number | null } {
  const { max, min, maxIncrease, minRatio } = gate.gate;
  let upper: number | null = max ?? null;
  let lower: number | null = min ?? null;
  if (maxIncrease !== undefined && reference !== null) upper = Math.min(upper ?? Infinity, reference * (1 + maxIncrease));
  if (minRatio !== undefined && reference !== null) lower = Math.max(lower ?? -Infinity, reference * minRatio);
  return { upper, lower };
}

function relativeExcess(value: number, bound: number): number {
  return bound === 0 ? (value > 0 ? Infinity : value === 0 ? 0 : -Infinity) : (value - bound) / Math.abs(bound);
}
