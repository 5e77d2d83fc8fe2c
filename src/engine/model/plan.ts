// The release plan as the simulator and the statistical rules use it: units resolved, defaults applied.
// Built from a parsed document that may be invalid; what cannot be read is reported, never guessed.

import type { ScenarioKind } from './scenario-kinds';
import { durationMinutes, ratio } from './units';

export type Metric = 'errorRate' | 'latencyP95Ms' | `kpi:${string}` | `gauge:${string}`;
type RollbackAction = 'rollback' | 'pause' | 'disable-flags';
export type InconclusivePolicy = 'continue' | 'pause' | 'rollback';

export const DEFAULT_INTERVAL_MINUTES = 5;
const DEFAULT_MIN_SAMPLES = 100;
export const DEFAULT_INTERNAL_SHARE = 0.02;
const DEFAULT_ROLLBACK_DELAY_MINUTES = 2;
const DEFAULT_DISABLE_FLAGS_DELAY_MINUTES = 0.5;
/** A final 100% stage without a duration is watched for this long. */
export const DEFAULT_FINAL_STAGE_MINUTES = 60;

export interface Gate {
  name?: string;
  metric: Metric;
  /** Absolute bounds, in the metric's unit (rates as fractions). */
  max?: number;
  min?: number;
  /** Relative to the current version over the same window: fails when canary > baseline × (1 + maxIncrease). */
  maxIncrease?: number;
  /** Fails when canary / baseline < minRatio. */
  minRatio?: number;
  /** Index of the gate within its stage, for ranges and reports. */
  index: number;
}

export interface Stage {
  name: string;
  index: number;
  /** Fraction (0 to 1) of the stage's cohort served by the new version. */
  weight: number;
  cohort: 'all' | 'internal';
  durationMinutes: number;
  intervalMinutes: number;
  minSamples: number;
  breakdown: string[];
  gates: Gate[];
}

interface Dimension {
  name: string;
  values: { value: string; share: number }[];
}

/** baseline.dispersion: per signal, how much its true value varies from window to window (0: not at all). */
export interface Dispersion {
  /** Beta-binomial intra-window correlation ρ of the error rate, in [0, 1). */
  errorRate: number;
  /** Relative standard deviation of the window's true p95. */
  latencyP95Ms: number;
  /** ρ of each KPI's success rate, by name. */
  kpis: Record<string, number>;
  /** Relative standard deviation of each gauge's value from window to window, by name. */
  gauges: Record<string, number>;
}

export const NO_DISPERSION: Dispersion = { errorRate: 0, latencyP95Ms: 0, kpis: {}, gauges: {} };

export interface Baseline {
  errorRate: number;
  latencyP95Ms: number;
  kpis: Record<string, number>;
  /** Infrastructure and dependency gauges (CPU share, memory, a dependency's latency): the current version's mean, by name. */
  gauges: Record<string, number>;
  /** Window-to-window variation beyond sampling (baseline.dispersion); zeros when absent. */
  dispersion: Dispersion;
}

export interface Scenario {
  name: string;
  kind: ScenarioKind;
  description?: string;
  errorRate?: number;
  errorRateMultiplier?: number;
  latencyP95Ms?: number;
  latencyMultiplier?: number;
  kpi?: string;
  kpiRate?: number;
  kpiDrop?: number;
  segment?: Record<string, string>;
  startMinute?: number;
  durationMinutes?: number;
  errorRateGrowthPerHour?: number;
  gauge?: string;
  gaugeMultiplier?: number;
  gaugeGrowthPerHour?: number;
  gaugeLimit?: number;
  restartMinutes?: number;
}

export interface ReleasePlan {
  name: string;
  service: string;
  owner: string;
  strategy: 'canary' | 'blue-green';
  traffic: {
    requestsPerSecond: number;
    requestsPerUser?: number;
    internalShare: number;
    dimensions: Dimension[];
    /** traffic.profile.hourOfWeek scaled to mean 1: 168 factors, Monday 00:00 UTC first. */
    profile?: number[];
  };
  baseline: Baseline;
  flags: string[];
  stages: Stage[];
  rollback: {
    automatic: boolean;
    action: RollbackAction;
    delayMinutes: number;
    onInconclusive: InconclusivePolicy;
  };
  scenarios: Scenario[];
}

export interface PlanProblem {
  /** Path into the document of the value at fault. */
  path: (string | number)[];
  message: string;
}

/** Defaults for a plan that declares no baseline: a healthy web service. */
export const DEFAULT_BASELINE: Baseline = { errorRate: 0.001, latencyP95Ms: 200, kpis: {}, gauges: {}, dispersion: NO_DISPERSION };

export function readPlan(value: unknown): { plan?: ReleasePlan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const root = record(value);
  if (!root) return { problems: [{ path: [], message: 'The plan is not a mapping.' }] };
  const metadata = record(root.metadata) ?? {};
  const traffic = record(root.traffic);
  if (!traffic || !positive(traffic.requestsPerSecond)) {
    problems.push({
      path: traffic ? ['traffic', 'requestsPerSecond'] : ['traffic'],
      message: 'The simulator needs traffic.requestsPerSecond greater than 0.',
    });
  }
  const dimensions: Dimension[] = [];
  for (const [name, raw] of Object.entries(record(traffic?.dimensions) ?? {})) {
    const shares = record(raw);
    if (!shares) continue;
    const values = Object.entries(shares)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]) && entry[1] >= 0)
      .map(([dimensionValue, share]) => ({ value: dimensionValue, share }));
    const sum = values.reduce((total, entry) => total + entry.share, 0);
    if (values.length === 0 || Math.abs(sum - 1) > 0.001) {
      problems.push({ path: ['traffic', 'dimensions', name], message: `The shares of dimension "${name}" sum to ${round(sum)}, not 1.` });
      continue;
    }
    dimensions.push({ name, values });
  }
  const profile = readProfile(record(traffic?.profile)?.hourOfWeek, problems);
  const baselineRaw = record(root.baseline) ?? {};
  const baseline: Baseline = {
    errorRate: fraction(baselineRaw.errorRate) ?? DEFAULT_BASELINE.errorRate,
    latencyP95Ms: positive(baselineRaw.latencyP95Ms) ? (baselineRaw.latencyP95Ms as number) : DEFAULT_BASELINE.latencyP95Ms,
    kpis: Object.fromEntries(
      Object.entries(record(baselineRaw.kpis) ?? {}).filter((entry): entry is [string, number] => fraction(entry[1]) !== undefined),
    ),
    gauges: Object.fromEntries(
      Object.entries(record(baselineRaw.gauges) ?? {}).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
      ),
    ),
    dispersion: readDispersion(baselineRaw.dispersion),
  };

  const stages: Stage[] = [];
  const rawStages = Array.isArray(root.stages) ? root.stages : [];
  if (rawStages.length === 0) problems.push({ path: ['stages'], message: 'The plan has no stages.' });
  rawStages.forEach((raw, index) => {
    const stage = record(raw);
    if (!stage) return;
    const weight = typeof stage.weight === 'number' && stage.weight >= 0 && stage.weight <= 100 ? stage.weight / 100 : undefined;
    if (weight === undefined) {
      problems.push({ path: ['stages', index, 'weight'], message: 'The stage weight must be a number from 0 to 100.' });
      return;
    }
    const isLast = index === rawStages.length - 1;
    let duration = durationMinutes(stage.duration);
    if (duration === undefined && isLast && weight === 1) duration = DEFAULT_FINAL_STAGE_MINUTES;
    if (duration === undefined || duration <= 0) {
      problems.push({
        path: ['stages', index, stage.duration === undefined ? 'name' : 'duration'],
        message: 'The stage needs a duration greater than 0 to be simulated.',
      });
      return;
    }
    const interval = durationMinutes(stage.interval) ?? DEFAULT_INTERVAL_MINUTES;
    if (interval <= 0) {
      problems.push({ path: ['stages', index, 'interval'], message: 'The interval must be greater than 0.' });
      return;
    }
    const gates: Gate[] = [];
    (Array.isArray(stage.gates) ? stage.gates : []).forEach((rawGate, gateIndex) => {
      const gate = record(rawGate);
      if (!gate || typeof gate.metric !== 'string' || !/^(errorRate|latencyP95Ms|(kpi|gauge):.+)$/.test(gate.metric)) return;
      const bounds = {
        max: gate.max === undefined ? undefined : ratio(gate.max),
        min: gate.min === undefined ? undefined : ratio(gate.min),
        maxIncrease: gate.maxIncrease === undefined ? undefined : ratio(gate.maxIncrease),
        minRatio: gate.minRatio === undefined ? undefined : ratio(gate.minRatio),
      };
      gates.push({
        metric: gate.metric as Metric,
        index: gateIndex,
        ...(typeof gate.name === 'string' ? { name: gate.name } : {}),
        ...definedOnly(bounds),
      });
    });
    stages.push({
      name: typeof stage.name === 'string' ? stage.name : `stage-${index + 1}`,
      index,
      weight,
      cohort: stage.cohort === 'internal' ? 'internal' : 'all',
      durationMinutes: duration,
      intervalMinutes: interval,
      minSamples: typeof stage.minSamples === 'number' && stage.minSamples >= 0 ? Math.floor(stage.minSamples) : DEFAULT_MIN_SAMPLES,
      breakdown: Array.isArray(stage.breakdown) ? stage.breakdown.filter((name): name is string => typeof name === 'string') : [],
      gates,
    });
  });

  const rollbackRaw = record(root.rollback) ?? {};
  const action: RollbackAction = rollbackRaw.action === 'pause' || rollbackRaw.action === 'disable-flags' ? rollbackRaw.action : 'rollback';
  const delay =
    durationMinutes(rollbackRaw.delay) ??
    (action === 'disable-flags' ? DEFAULT_DISABLE_FLAGS_DELAY_MINUTES : DEFAULT_ROLLBACK_DELAY_MINUTES);
  const onInconclusive: InconclusivePolicy =
    rollbackRaw.onInconclusive === 'continue' || rollbackRaw.onInconclusive === 'rollback' ? rollbackRaw.onInconclusive : 'pause';

  const scenarios: Scenario[] = Object.entries(record(root.scenarios) ?? {})
    .filter(([, raw]) => typeof record(raw)?.kind === 'string')
    .map(([name, raw]) => ({ name, ...(raw as Omit<Scenario, 'name'>) }));

  if (problems.length > 0 || !traffic) return { problems };
  return {
    problems,
    plan: {
      name: typeof metadata.name === 'string' ? metadata.name : 'release',
      service: typeof metadata.service === 'string' ? metadata.service : 'service',
      owner: typeof metadata.owner === 'string' ? metadata.owner : '',
      strategy: root.strategy === 'blue-green' ? 'blue-green' : 'canary',
      traffic: {
        requestsPerSecond: traffic.requestsPerSecond as number,
        ...(positive(traffic.requestsPerUser) ? { requestsPerUser: traffic.requestsPerUser as number } : {}),
        internalShare:
          typeof traffic.internalShare === 'number' && traffic.internalShare > 0 && traffic.internalShare <= 1
            ? traffic.internalShare
            : DEFAULT_INTERNAL_SHARE,
        dimensions,
        ...(profile ? { profile } : {}),
      },
      baseline,
      flags: Array.isArray(root.flags) ? root.flags.filter((flag): flag is string => typeof flag === 'string') : [],
      stages,
      rollback: { automatic: rollbackRaw.automatic === true, action, delayMinutes: delay, onInconclusive },
      scenarios,
    },
  };
}

export const HOURS_PER_WEEK = 168;

/** traffic.profile.hourOfWeek scaled to mean 1; a problem when it is given but not 168 numbers ≥ 0 of positive mean. */
function readProfile(raw: unknown, problems: PlanProblem[]): number[] | undefined {
  if (raw === undefined) return undefined;
  const valid = Array.isArray(raw) && raw.every((factor) => typeof factor === 'number' && Number.isFinite(factor) && factor >= 0);
  const mean = valid ? (raw as number[]).reduce((sum, factor) => sum + factor, 0) / HOURS_PER_WEEK : 0;
  if (!valid || raw.length !== HOURS_PER_WEEK || !(mean > 0)) {
    problems.push({
      path: ['traffic', 'profile', 'hourOfWeek'],
      message: `traffic.profile.hourOfWeek needs ${HOURS_PER_WEEK} factors of at least 0 (Monday 00:00 UTC first), not all 0.`,
    });
    return undefined;
  }
  return (raw as number[]).map((factor) => factor / mean);
}

/** baseline.dispersion as far as it is valid (the schema reports the rest): ρ in [0, 1), a relative spread ≥ 0. */
export function readDispersion(raw: unknown): Dispersion {
  const dispersion = record(raw);
  if (!dispersion) return NO_DISPERSION;
  const correlation = (value: unknown) => (typeof value === 'number' && value > 0 && value < 1 ? value : 0);
  const spread = dispersion.latencyP95Ms;
  return {
    errorRate: correlation(dispersion.errorRate),
    latencyP95Ms: typeof spread === 'number' && Number.isFinite(spread) && spread > 0 ? spread : 0,
    kpis: Object.fromEntries(Object.entries(record(dispersion.kpis) ?? {}).map(([name, value]) => [name, correlation(value)])),
    gauges: Object.fromEntries(
      Object.entries(record(dispersion.gauges) ?? {}).map(([name, value]) => [
        name,
        typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0,
      ]),
    ),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function positive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function fraction(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
