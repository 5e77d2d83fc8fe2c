// Turns a ReleasePlan into the simulator's fixed schedule: traffic segments, stages in steps, evaluation points,
// breakdown cells and what each stage must measure. Built once per plan and options, shared by every run.

import type { Gate, Metric, PlanProblem, ReleasePlan, Stage } from '../model/plan';
import {
  evaluationWindowSteps,
  MIN_STEP_SECONDS,
  minuteOfWeek,
  planStepMinutes,
  stageRouteShare,
  wholeSteps,
} from '../model/stage-traffic';
import { MAX_SEGMENTS, MAX_SEGMENT_STEPS, MAX_STEPS } from './limits';
import { DIGITS, round, shortNumber, type PlanOutline } from './result';
import { segmentLabel } from './scenarios';

export interface SimulationOptions {
  /**
   * Length of one time step in minutes. Stage durations and intervals are rounded to whole steps. Default: the
   * gated stages' intervals' greatest common divisor, from 10 s to 1 minute (planStepMinutes).
   */
  stepMinutes?: number;
  /** When the rollout starts, for a plan with traffic.profile (default: now, stated in a note). Ignored without one. */
  start?: Date;
}

/** A plan's traffic profile laid from the rollout's start. */
export interface CompiledProfile {
  /** 168 factors of mean 1, Monday 00:00 UTC first. */
  factors: number[];
  startMinuteOfWeek: number;
  /** The start as ISO 8601, to the minute. */
  start: string;
}

interface Segment {
  index: number;
  values: Record<string, string>;
  label: string;
  /** Share (0 to 1) of all traffic. */
  share: number;
  /** Expected requests in one step. */
  requestsPerStep: number;
}

/** Traffic a gate is judged on: all of it, or one value of a breakdown dimension. */
export interface Cell {
  /** null for all traffic, else `region=eu-west`. */
  label: string | null;
  segments: Int32Array;
}

type MetricKind = 'errorRate' | 'latency' | 'kpi' | 'gauge';

export interface CompiledGate {
  gate: Gate;
  label: string;
  metric: Metric;
  kind: MetricKind;
  /** For KPI gates: index into CompiledPlan.kpiNames; for gauge gates: into CompiledPlan.gaugeNames. */
  kpiIndex: number;
  /** Whether a bound is relative to the current version (maxIncrease, minRatio). */
  relative: boolean;
}

export interface CompiledStage {
  stage: Stage;
  startStep: number;
  steps: number;
  /** Step counts from the stage's start at which the gates are evaluated; the last is `steps`. */
  evaluationEnds: number[];
  /** Share of every segment's requests routed to the new version. */
  routeProbability: number;
  gates: CompiledGate[];
  cells: Cell[];
  /** What the stage's gates need measured beyond the new version's requests and errors. */
  needsBaselineErrors: boolean;
  needsLatency: boolean;
  needsBaselineLatency: boolean;
  /** KPI indices gated on the new version, and relative to the current version. */
  kpis: number[];
  baselineKpis: number[];
  /** Gauge indices gated in this stage. */
  gauges: number[];
}

export interface CompiledPlan {
  plan: ReleasePlan;
  stepMinutes: number;
  segments: Segment[];
  stages: CompiledStage[];
  totalSteps: number;
  /** Most requests one segment receives in one step. */
  maxStepRequests: number;
  kpiNames: string[];
  gaugeNames: string[];
  /** null without traffic.profile: traffic is constant. */
  profile: CompiledProfile | null;
  /** Things the simulation had to assume or skip, stated once per plan, at paths into the plan (`stages`, index, …). */
  notes: PlanProblem[];
}

export function compilePlan(plan: ReleasePlan, options: SimulationOptions = {}): { compiled?: CompiledPlan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const stepMinutes =
    options.stepMinutes ?? planStepMinutes(plan.stages.filter((stage) => stage.gates.length > 0).map((stage) => stage.intervalMinutes));
  if (!(stepMinutes > 0 && Number.isFinite(stepMinutes))) throw new Error(`stepMinutes must be a positive number, not ${stepMinutes}`);
  const notes: PlanProblem[] = [];

  const segmentCount = plan.traffic.dimensions.reduce((count, dimension) => count * dimension.values.length, 1);
  if (segmentCount > MAX_SEGMENTS) {
    problems.push({
      path: ['traffic', 'dimensions'],
      message: `The dimensions split traffic into ${segmentCount} segments; the simulator replays at most ${MAX_SEGMENTS} (MAX_SEGMENTS).`,
    });
    return { problems };
  }
  const segments = buildSegments(plan, stepMinutes);

  const kpiNames = Object.keys(plan.baseline.kpis);
  const gaugeNames = Object.keys(plan.baseline.gauges);
  const stages: CompiledStage[] = [];
  let startStep = 0;
  for (const stage of plan.stages) {
    const steps = wholeSteps(stage.durationMinutes, stepMinutes);
    const intervalSteps = wholeSteps(stage.intervalMinutes, stepMinutes);
    if (stage.gates.length > 0 && Math.abs(intervalSteps * stepMinutes - stage.intervalMinutes) > 1e-9)
      notes.push({
        path: ['stages', stage.index, 'interval'],
        message: `Stage ${stage.name}: the interval of ${seconds(stage.intervalMinutes)} is replayed as ${seconds(intervalSteps * stepMinutes)}, ${intervalSteps} step${intervalSteps === 1 ? '' : 's'} of ${seconds(stepMinutes)} (steps are at least ${MIN_STEP_SECONDS} s).`,
      });
    let windowEnd = 0;
    const evaluationEnds = evaluationWindowSteps(stage.durationMinutes, stage.intervalMinutes, stepMinutes).map(
      (windowSteps) => (windowEnd += windowSteps),
    );
    const blueGreenSwitch = plan.strategy === 'blue-green' && stage.cohort === 'all';
    const routeProbability = stageRouteShare(
      { weight: stage.weight, internal: stage.cohort === 'internal', blueGreenSwitch },
      plan.traffic.internalShare,
    );
    if (blueGreenSwitch && stage.weight !== 1)
      notes.push({
        path: ['stages', stage.index, 'weight'],
        message: `Stage ${stage.name}: a blue-green plan switches all traffic after the internal stage, so its weight ${stage.weight * 100}% is replayed as 100%.`,
      });

    const gates: CompiledGate[] = [];
    for (const gate of stage.gates) {
      const compiledGate = compileGate(gate, kpiNames, gaugeNames);
      if (compiledGate) gates.push(compiledGate);
      else
        notes.push({
          path: ['stages', stage.index, 'gates', gate.index, 'metric'],
          message: gate.metric.startsWith('gauge:')
            ? `Stage ${stage.name}: gate ${gate.metric} is skipped, its gauge is not in baseline.gauges.`
            : `Stage ${stage.name}: gate ${gate.metric} is skipped, its KPI is not in baseline.kpis.`,
        });
    }
    const cells: Cell[] = [{ label: null, segments: Int32Array.from(segments.map((segment) => segment.index)) }];
    for (const [breakdownIndex, name] of stage.breakdown.entries()) {
      const dimension = plan.traffic.dimensions.find((candidate) => candidate.name === name);
      if (!dimension) {
        notes.push({
          path: ['stages', stage.index, 'breakdown', breakdownIndex],
          message: `Stage ${stage.name}: breakdown "${name}" is not a dimension of traffic.dimensions and is ignored.`,
        });
        continue;
      }
      for (const { value } of dimension.values) {
        cells.push({
          label: `${name}=${value}`,
          segments: Int32Array.from(segments.filter((segment) => segment.values[name] === value).map((segment) => segment.index)),
        });
      }
    }
    const kpis = new Set<number>();
    const baselineKpis = new Set<number>();
    for (const gate of gates) {
      if (gate.kind !== 'kpi') continue;
      kpis.add(gate.kpiIndex);
      if (gate.relative) baselineKpis.add(gate.kpiIndex);
    }
    stages.push({
      stage,
      startStep,
      steps,
      evaluationEnds,
      routeProbability,
      gates,
      cells,
      needsBaselineErrors: gates.some((gate) => gate.kind === 'errorRate' && gate.relative),
      needsLatency: gates.some((gate) => gate.kind === 'latency'),
      needsBaselineLatency: gates.some((gate) => gate.kind === 'latency' && gate.relative),
      kpis: [...kpis].sort((a, b) => a - b),
      baselineKpis: [...baselineKpis].sort((a, b) => a - b),
      gauges: [...new Set(gates.filter((gate) => gate.kind === 'gauge').map((gate) => gate.kpiIndex))].sort((a, b) => a - b),
    });
    startStep += steps;
  }

  if (startStep > MAX_STEPS) {
    problems.push({
      path: ['stages'],
      message: `The stages last ${startStep} steps of ${stepMinutes} min; the simulator replays at most ${MAX_STEPS} (MAX_STEPS).`,
    });
  } else if (startStep * segments.length > MAX_SEGMENT_STEPS) {
    problems.push({
      path: ['traffic', 'dimensions'],
      message: `${segments.length} segments × ${startStep} steps is more than the ${MAX_SEGMENT_STEPS} cells one run may replay (MAX_SEGMENT_STEPS).`,
    });
  }
  if (problems.length > 0) return { problems };
  let profile: CompiledProfile | null = null;
  if (plan.traffic.profile) {
    // The engine reads the clock only here, and only for a plan with a profile; the start is then in every output.
    const startTime = new Date(Math.floor((options.start ?? new Date()).getTime() / 60_000) * 60_000);
    const startMinuteOfWeek = minuteOfWeek(startTime);
    profile = { factors: plan.traffic.profile, startMinuteOfWeek, start: startTime.toISOString().replace(':00.000Z', 'Z') };
    notes.push({
      path: ['traffic', 'profile'],
      message: `Traffic follows traffic.profile.hourOfWeek from a rollout start at ${profile.start} (${options.start ? 'given' : 'now; pass --start to choose it'}): × ${shortNumber(plan.traffic.profile[Math.floor(startMinuteOfWeek / 60)])} of requestsPerSecond in its first hour.`,
    });
  }
  const peak = profile ? Math.max(...profile.factors) : 1;
  const maxStepRequests = Math.ceil(Math.max(...segments.map((segment) => segment.requestsPerStep)) * peak) + 1;
  return {
    compiled: { plan, stepMinutes, segments, stages, totalSteps: startStep, maxStepRequests, kpiNames, gaugeNames, profile, notes },
    problems,
  };
}

function buildSegments(plan: ReleasePlan, stepMinutes: number): Segment[] {
  let combos: { values: Record<string, string>; share: number }[] = [{ values: {}, share: 1 }];
  for (const dimension of plan.traffic.dimensions) {
    // Shares are normalised per dimension so rounding in the plan (0.333 × 3) does not leak traffic.
    const total = dimension.values.reduce((sum, entry) => sum + entry.share, 0);
    const next: typeof combos = [];
    for (const combo of combos) {
      for (const entry of dimension.values)
        next.push({ values: { ...combo.values, [dimension.name]: entry.value }, share: combo.share * (entry.share / total) });
    }
    combos = next;
  }
  const requestsPerStep = plan.traffic.requestsPerSecond * 60 * stepMinutes;
  return combos.map((combo, index) => ({
    index,
    values: combo.values,
    label: segmentLabel(combo.values),
    share: combo.share,
    requestsPerStep: requestsPerStep * combo.share,
  }));
}

function compileGate(gate: Gate, kpiNames: string[], gaugeNames: string[]): CompiledGate | undefined {
  const relative = gate.maxIncrease !== undefined || gate.minRatio !== undefined;
  const label = gate.name ?? `${gate.metric} ${boundText(gate)}`.trim();
  if (gate.metric === 'errorRate') return { gate, label, metric: gate.metric, kind: 'errorRate', kpiIndex: -1, relative };
  if (gate.metric === 'latencyP95Ms') return { gate, label, metric: gate.metric, kind: 'latency', kpiIndex: -1, relative };
  if (gate.metric.startsWith('gauge:')) {
    const gaugeIndex = gaugeNames.indexOf(gate.metric.slice(6));
    return gaugeIndex < 0 ? undefined : { gate, label, metric: gate.metric, kind: 'gauge', kpiIndex: gaugeIndex, relative };
  }
  const kpiIndex = kpiNames.indexOf(gate.metric.slice(4));
  if (kpiIndex < 0) return undefined;
  return { gate, label, metric: gate.metric, kind: 'kpi', kpiIndex, relative };
}

function seconds(minutes: number): string {
  return `${shortNumber(minutes * 60)} s`;
}

function boundText(gate: Gate): string {
  const isRate = gate.metric !== 'latencyP95Ms' && !gate.metric.startsWith('gauge:');
  const unit = gate.metric === 'latencyP95Ms' ? ' ms' : '';
  const value = (bound: number) => (isRate ? `${shortNumber(bound * 100)}%` : `${shortNumber(bound)}${unit}`);
  const parts: string[] = [];
  if (gate.max !== undefined) parts.push(`≤ ${value(gate.max)}`);
  if (gate.min !== undefined) parts.push(`≥ ${value(gate.min)}`);
  if (gate.maxIncrease !== undefined) parts.push(`≤ +${shortNumber(gate.maxIncrease * 100)}%`);
  if (gate.minRatio !== undefined) parts.push(`≥ ${shortNumber(gate.minRatio * 100)}% of baseline`);
  return parts.join(', ');
}

/** The stage schedule and gates, for charts. */
export function outline(compiled: CompiledPlan): PlanOutline {
  const { plan, stepMinutes } = compiled;
  return {
    name: plan.name,
    service: plan.service,
    strategy: plan.strategy,
    stepMinutes: round(stepMinutes, DIGITS.minute),
    stages: compiled.stages.map((stage) => ({
      name: stage.stage.name,
      weight: stage.stage.weight,
      cohort: stage.stage.cohort,
      trafficShare: stage.routeProbability,
      start: stage.startStep * stepMinutes,
      end: (stage.startStep + stage.steps) * stepMinutes,
      gates: stage.gates.map((gate) => ({ label: gate.label, metric: gate.metric })),
    })),
    segments: compiled.segments.map((segment) => segment.label),
  };
}
