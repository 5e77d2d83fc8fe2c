// Tolerant reading of a plan document for rules: every stage and gate that can be read, with its index.

import { isRecord } from '../values';
import { DEFAULT_INTERNAL_SHARE, DEFAULT_INTERVAL_MINUTES, readDispersion, type Dispersion } from './plan';
import { planStepMinutes, quietestHourStart, wholeSteps } from './stage-traffic';
import { durationMinutes, ratio } from './units';

export interface StageView {
  index: number;
  raw: Record<string, unknown>;
  name: string;
  /** Percent, when readable. */
  weight?: number;
  internal: boolean;
  durationMinutes?: number;
  intervalMinutes: number;
  /** Dimensions each of whose values is judged on its own traffic. */
  breakdown: string[];
  gates: GateView[];
}

export interface GateView {
  index: number;
  raw: Record<string, unknown>;
  metric?: string;
  max?: number;
  min?: number;
  maxIncrease?: number;
  minRatio?: number;
}

/** Views per parsed plan: a dozen rules read them, and an unchanged file keeps its parsed value. Never mutated. */
const stageViewCache = new WeakMap<object, StageView[]>();

export function stageViews(value: Record<string, unknown>): StageView[] {
  let views = stageViewCache.get(value);
  if (!views) stageViewCache.set(value, (views = readStageViews(value)));
  return views;
}

function readStageViews(value: Record<string, unknown>): StageView[] {
  if (!Array.isArray(value.stages)) return [];
  const views: StageView[] = [];
  value.stages.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const gates: GateView[] = [];
    (Array.isArray(raw.gates) ? raw.gates : []).forEach((gate, gateIndex) => {
      if (!isRecord(gate)) return;
      gates.push({
        index: gateIndex,
        raw: gate,
        metric: typeof gate.metric === 'string' ? gate.metric : undefined,
        max: ratio(gate.max),
        min: ratio(gate.min),
        maxIncrease: ratio(gate.maxIncrease),
        minRatio: ratio(gate.minRatio),
      });
    });
    views.push({
      index,
      raw,
      name: typeof raw.name === 'string' ? raw.name : `#${index + 1}`,
      weight: typeof raw.weight === 'number' && Number.isFinite(raw.weight) ? raw.weight : undefined,
      internal: raw.cohort === 'internal',
      durationMinutes: durationMinutes(raw.duration),
      intervalMinutes: durationMinutes(raw.interval) ?? DEFAULT_INTERVAL_MINUTES,
      breakdown: Array.isArray(raw.breakdown) ? raw.breakdown.filter((name): name is string => typeof name === 'string') : [],
      gates,
    });
  });
  return views;
}

/** Stages that expose some but not all external traffic: where canary gates do their work. */
export function isCanaryStage(stage: StageView): boolean {
  return !stage.internal && stage.weight !== undefined && stage.weight > 0 && stage.weight < 100;
}

/** Stages that put real traffic at risk and so need pass criteria. */
export function needsGates(stage: StageView): boolean {
  return isCanaryStage(stage) || (stage.internal && (stage.weight ?? 100) > 0);
}

export interface TrafficView {
  requestsPerSecond?: number;
  internalShare: number;
  dimensions: string[];
  /** Share of traffic of each value, by dimension (only values with a numeric share). */
  shares: Record<string, Record<string, number>>;
}

export function trafficView(value: Record<string, unknown>): TrafficView {
  const traffic = isRecord(value.traffic) ? value.traffic : {};
  const rps = typeof traffic.requestsPerSecond === 'number' && traffic.requestsPerSecond > 0 ? traffic.requestsPerSecond : undefined;
  const share =
    typeof traffic.internalShare === 'number' && traffic.internalShare > 0 && traffic.internalShare <= 1
      ? traffic.internalShare
      : DEFAULT_INTERNAL_SHARE;
  const shares: Record<string, Record<string, number>> = {};
  if (isRecord(traffic.dimensions)) {
    for (const [name, values] of Object.entries(traffic.dimensions)) {
      if (!isRecord(values)) continue;
      shares[name] = Object.fromEntries(
        Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] >= 0 && entry[1] <= 1),
      );
    }
  }
  return {
    requestsPerSecond: rps,
    internalShare: share,
    dimensions: isRecord(traffic.dimensions) ? Object.keys(traffic.dimensions) : [],
    shares,
  };
}

/** What the gate statistics need of the whole plan to judge one stage's windows as the simulator does. */
export interface PlanSchedule {
  /** The simulator's time step (planStepMinutes): stage durations and intervals are whole steps. */
  stepMinutes: number;
  /** `strategy: blue-green`: every stage on all traffic serves all of it from the new version. */
  blueGreen: boolean;
  /**
   * traffic.profile.hourOfWeek (mean 1), the rollout's assumed start (the week's quietest hour, in minutes since
   * Monday 00:00 UTC) and each stage's planned start in minutes, by stage index.
   */
  profile?: { factors: number[]; startMinuteOfWeek: number; stageStarts: Map<number, number> };
}

const SIMULATED_METRIC = /^(errorRate|latencyP95Ms|(kpi|gauge):.+)$/;

export const DEFAULT_SCHEDULE: PlanSchedule = { stepMinutes: 1, blueGreen: false };

export function planSchedule(value: Record<string, unknown>): PlanSchedule {
  // As readPlan keeps them: gates on a metric the simulator knows.
  const gated = stageViews(value).filter((stage) =>
    stage.gates.some((gate) => gate.metric !== undefined && SIMULATED_METRIC.test(gate.metric)),
  );
  const stepMinutes = planStepMinutes(gated.map((stage) => stage.intervalMinutes));
  const schedule: PlanSchedule = { stepMinutes, blueGreen: value.strategy === 'blue-green' };
  const raw = isRecord(value.traffic) && isRecord(value.traffic.profile) ? value.traffic.profile.hourOfWeek : undefined;
  if (
    Array.isArray(raw) &&
    raw.length === 168 &&
    raw.every((factor) => typeof factor === 'number' && Number.isFinite(factor) && factor >= 0)
  ) {
    const mean = (raw as number[]).reduce((sum, factor) => sum + factor, 0) / 168;
    if (mean > 0) {
      const factors = (raw as number[]).map((factor) => factor / mean);
      const stageStarts = new Map<number, number>();
      let minute = 0;
      for (const stage of stageViews(value)) {
        stageStarts.set(stage.index, minute);
        minute += wholeSteps(stage.durationMinutes ?? stage.intervalMinutes, stepMinutes) * stepMinutes;
      }
      schedule.profile = { factors, startMinuteOfWeek: quietestHourStart(factors), stageStarts };
    }
  }
  return schedule;
}

export interface BaselineView {
  errorRate?: number;
  latencyP95Ms?: number;
  kpis: Record<string, number>;
  gauges: Record<string, number>;
  dispersion: Dispersion;
}

export function baselineView(value: Record<string, unknown>): BaselineView {
  const baseline = isRecord(value.baseline) ? value.baseline : {};
  const kpis: Record<string, number> = {};
  if (isRecord(baseline.kpis))
    for (const [name, rate] of Object.entries(baseline.kpis)) if (typeof rate === 'number' && rate >= 0 && rate <= 1) kpis[name] = rate;
  return {
    errorRate:
      typeof baseline.errorRate === 'number' && baseline.errorRate >= 0 && baseline.errorRate <= 1 ? baseline.errorRate : undefined,
    latencyP95Ms: typeof baseline.latencyP95Ms === 'number' && baseline.latencyP95Ms > 0 ? baseline.latencyP95Ms : undefined,
    kpis,
    gauges: Object.fromEntries(
      Object.entries(isRecord(baseline.gauges) ? baseline.gauges : {}).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
      ),
    ),
    dispersion: readDispersion(baseline.dispersion),
  };
}

export function hasBound(gate: GateView): boolean {
  return gate.max !== undefined || gate.min !== undefined || gate.maxIncrease !== undefined || gate.minRatio !== undefined;
}

export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  const digits = percent >= 10 ? 0 : percent >= 1 ? 1 : percent >= 0.1 ? 2 : 3;
  return `${Number(percent.toFixed(digits))}%`;
}

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** An entry of a plan's `migrations:` list. */
interface MigrationEntry {
  index: number;
  file: string;
  phase: 'expand' | 'contract';
  runs?: string;
}

export function migrationEntries(value: Record<string, unknown>): MigrationEntry[] {
  if (!Array.isArray(value.migrations)) return [];
  return value.migrations.flatMap((entry, index) =>
    isRecord(entry) && typeof entry.file === 'string'
      ? [
          {
            index,
            file: entry.file,
            phase: entry.phase === 'contract' ? ('contract' as const) : ('expand' as const),
            runs: typeof entry.runs === 'string' ? entry.runs : undefined,
          },
        ]
      : [],
  );
}

/** The flags a plan exposes, with their index in its `flags:` list. */
export function planFlags(value: Record<string, unknown>): { key: string; index: number }[] {
  if (!Array.isArray(value.flags)) return [];
  return value.flags.flatMap((key, index) => (typeof key === 'string' ? [{ key, index }] : []));
}
