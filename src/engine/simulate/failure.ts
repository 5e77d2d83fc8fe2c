// A scenario's failure laid onto the compiled plan's steps and segments.

import type { CompiledPlan } from './compile';
import type { ResolvedScenario } from './scenarios';

export interface FailureSchedule {
  /** Steps [startStep, endStep) in which the failure is active. */
  startStep: number;
  endStep: number;
  /** 1 for the segments the failure is restricted to. */
  inScope: Uint8Array;
  /** Share (0 to 1) of all traffic in scope. */
  scopeShare: number;
  /** Whether the error rate differs from the baseline while active. */
  changesErrors: boolean;
  /** Error rate of the failing version in an active step. */
  errorRateAt(step: number): number;
  /** Whether that rate changes from step to step (slow-burn). */
  growing: boolean;
  latencyMultiplier: number;
  /** Index into CompiledPlan.kpiNames of the KPI that drops, or -1. */
  kpiIndex: number;
  kpiRate: number;
  /** Index into CompiledPlan.gaugeNames of the gauge that rises, or -1. */
  gaugeIndex: number;
  /** The new version's gauge at this minute, given the current version's value that window. */
  gaugeAt(minute: number, healthy: number): number;
  affectsCurrentVersion: boolean;
}

export function scheduleFailure(compiled: CompiledPlan, scenario: ResolvedScenario): FailureSchedule | null {
  const failure = scenario.failure;
  if (!failure) return null;
  const { stepMinutes, plan } = compiled;
  // A step is active when its start lies in [startMinute, endMinute).
  const startStep = Math.ceil(failure.startMinute / stepMinutes - 1e-9);
  const endStep = failure.endMinute === null ? Number.POSITIVE_INFINITY : Math.ceil(failure.endMinute / stepMinutes - 1e-9);
  const inScope = new Uint8Array(compiled.segments.length);
  let scopeShare = 0;
  for (const segment of compiled.segments) {
    const matches = !failure.segment || Object.entries(failure.segment).every(([name, value]) => segment.values[name] === value);
    if (matches) {
      inScope[segment.index] = 1;
      scopeShare += segment.share;
    }
  }
  const initialRate = failure.errorRate ?? plan.baseline.errorRate;
  const growthPerStep = (failure.errorRateGrowthPerHour * stepMinutes) / 60;
  const { gaugeMultiplier, gaugeGrowthPerHour, gaugeLimit, restartErrorRate, restartMinutes } = failure;
  const limit = gaugeLimit ?? Number.POSITIVE_INFINITY;
  // memory-leak: the (mean) gauge climbs from its start to the limit in `leakMinutes`; the instances then restart,
  // failing requests for `restartMinutes`, and come back with the gauge at its start, to climb again: a saw-tooth of
  // period leakMinutes + restartMinutes. A start already at the limit restarts without end (a crash loop).
  const mean = failure.gauge === null ? 0 : plan.baseline.gauges[failure.gauge];
  const leaking = restartErrorRate !== null && gaugeLimit !== null;
  const leakMinutes = !leaking
    ? Number.POSITIVE_INFINITY
    : mean * gaugeMultiplier >= gaugeLimit
      ? 0
      : gaugeGrowthPerHour > 0
        ? ((gaugeLimit - mean * gaugeMultiplier) / gaugeGrowthPerHour) * 60
        : Number.POSITIVE_INFINITY;
  const cycleMinutes = leakMinutes + restartMinutes;
  /** Minutes into the current climb (since the failure started or the last restart ended), or -1 while restarting. */
  const climbMinutes = (minute: number): number => {
    const elapsed = Math.max(0, minute - failure.startMinute);
    if (!Number.isFinite(leakMinutes)) return elapsed;
    if (leakMinutes === 0) return -1;
    const phase = elapsed % cycleMinutes;
    return phase >= leakMinutes - 1e-9 ? -1 : phase;
  };
  // The rise is added to the window's healthy value, so the current version's drift moves the failing one too.
  const gaugeAt = (minute: number, healthy: number) => {
    const climb = climbMinutes(minute);
    // Restarted instances come back with the gauge at its start.
    if (climb < 0) return Math.min(limit, healthy * gaugeMultiplier);
    return Math.min(limit, healthy * gaugeMultiplier + (gaugeGrowthPerHour * climb) / 60);
  };
  let errorRateAt: (step: number) => number = () => initialRate;
  // A step fails at the restarts' rate when its start falls in a restart.
  if (leaking) errorRateAt = (step) => (climbMinutes(step * stepMinutes) < 0 ? (restartErrorRate as number) : plan.baseline.errorRate);
  else if (growthPerStep > 0) errorRateAt = (step) => Math.min(1, initialRate + growthPerStep * (step - startStep));
  return {
    startStep,
    endStep,
    inScope,
    scopeShare,
    changesErrors: failure.errorRate !== null || growthPerStep > 0 || (leaking && Number.isFinite(leakMinutes)),
    growing: growthPerStep > 0 || (leaking && Number.isFinite(leakMinutes)),
    errorRateAt,
    latencyMultiplier: failure.latencyMultiplier,
    kpiIndex: failure.kpi === null ? -1 : compiled.kpiNames.indexOf(failure.kpi),
    kpiRate: failure.kpiRate ?? 0,
    gaugeIndex: failure.gauge === null ? -1 : compiled.gaugeNames.indexOf(failure.gauge),
    gaugeAt,
    affectsCurrentVersion: failure.affectsCurrentVersion,
  };
}
