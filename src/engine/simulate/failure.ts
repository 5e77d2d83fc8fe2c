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
  return {
    startStep,
    endStep,
    inScope,
    scopeShare,
    changesErrors: failure.errorRate !== null || growthPerStep > 0,
    growing: growthPerStep > 0,
    errorRateAt: growthPerStep > 0 ? (step) => Math.min(1, initialRate + growthPerStep * (step - startStep)) : () => initialRate,
    latencyMultiplier: failure.latencyMultiplier,
    kpiIndex: failure.kpi === null ? -1 : compiled.kpiNames.indexOf(failure.kpi),
    kpiRate: failure.kpiRate ?? 0,
    affectsCurrentVersion: failure.affectsCurrentVersion,
  };
}
