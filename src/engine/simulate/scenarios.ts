// Failure scenarios: the built-in ones with defaults relative to the plan's baseline, and the plan's own
// (`scenarios:`), resolved to one effect description the engine replays.

import type { PlanProblem, ReleasePlan, Scenario } from '../model/plan';
import {
  isScenarioKind,
  newVersionAtFault,
  SCENARIO_KIND_INFO,
  SCENARIO_KINDS,
  type ScenarioKind,
  type ScenarioKindInfo,
} from '../model/scenario-kinds';
import { shortNumber } from './result';

export { SCENARIO_KINDS };

/** Defaults of the built-in scenarios, relative to the baseline where that makes sense. */
export const SCENARIO_DEFAULTS = {
  /** error-spike: the new version fails this many times as often as the baseline, and at least ERROR_SPIKE_MIN_RATE. */
  errorSpikeMultiplier: 5,
  errorSpikeMinRate: 0.01,
  /** latency-regression: every latency of the new version × this. */
  latencyMultiplier: 1.5,
  /** kpi-drop: the first KPI's success rate falls by this fraction of itself. */
  kpiDrop: 0.05,
  /** segment-outage: error rate in the failing segment (the first dimension's smallest value). */
  segmentOutageErrorRate: 0.2,
  /** slow-burn: the error rate starts at the baseline and grows by this multiple of it per hour (at least the minimum). */
  slowBurnGrowthPerHourOfBaseline: 0.5,
  slowBurnMinGrowthPerHour: 0.0005,
  /** dependency-outage: both versions fail this many times as often as the baseline (at least the minimum), for this long. */
  dependencyOutageMultiplier: 10,
  dependencyOutageMinRate: 0.02,
  dependencyOutageMinutes: 30,
  /** dependency-degradation: every latency of both versions × this, for this long. */
  dependencyDegradationLatencyMultiplier: 1.5,
  dependencyDegradationMinutes: 60,
  /** resource-regression: the first gauge of the new version × this. */
  resourceRegressionMultiplier: 1.5,
  /** memory-leak: the first gauge grows by this fraction of its baseline per hour up to baseline × the limit multiplier; */
  memoryLeakGrowthPerHourOfBaseline: 0.5,
  memoryLeakLimitMultiplier: 2,
  /** then restarts fail this many times the baseline's requests, and at least the minimum rate, for this long; the
   *  gauge then starts again from its baseline (a saw-tooth). */
  memoryLeakRestartMultiplier: 5,
  memoryLeakRestartMinRate: 0.01,
  memoryLeakRestartMinutes: 5,
} as const;

/** What a scenario does while it is active. */
interface Failure {
  startMinute: number;
  /** Exclusive; null: until the rollout ends. */
  endMinute: number | null;
  /** Dimension values the failure is restricted to; null: all traffic. */
  segment: Record<string, string> | null;
  /** Error rate of the new version (of both versions for dependency-outage) while active; null: unchanged. */
  errorRate: number | null;
  /** slow-burn only: absolute growth of that error rate per hour since the failure started. */
  errorRateGrowthPerHour: number;
  /** Every latency × this while active; 1: unchanged. */
  latencyMultiplier: number;
  /** The KPI that drops and its success rate on the new version while active. */
  kpi: string | null;
  kpiRate: number | null;
  /** The gauge that rises (resource-regression, memory-leak), its factor, and for a leak its growth and limit. */
  gauge: string | null;
  gaugeMultiplier: number;
  /** Absolute growth of the gauge per hour since the failure started; 0: none. */
  gaugeGrowthPerHour: number;
  /** The gauge's value at which the new version restarts; null: no limit. */
  gaugeLimit: number | null;
  /** memory-leak: the new version's error rate while it restarts, once the gauge reached its limit; null: unchanged. */
  restartErrorRate: number | null;
  /** memory-leak: how long a restart fails requests before the gauge climbs again from its start; 0 otherwise. */
  restartMinutes: number;
  /** dependency-outage: the current version degrades the same way, so the failure is not the new version's. */
  affectsCurrentVersion: boolean;
}

export interface ResolvedScenario {
  name: string;
  kind: ScenarioKind;
  source: 'built-in' | 'plan';
  description: string;
  /** null for healthy. */
  failure: Failure | null;
}

/**
 * Every scenario of the plan, in report order: the built-in kinds that apply to it (a plan-defined scenario with a
 * built-in's name replaces it), then the plan's own. `kpi-drop` needs a KPI and `segment-outage` a dimension.
 */
export function listScenarios(plan: ReleasePlan): { scenarios: ResolvedScenario[]; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const own = new Map<string, ResolvedScenario>();
  for (const raw of plan.scenarios) {
    const resolved = resolveScenario(plan, raw, problems, false);
    if (resolved) own.set(raw.name, resolved);
  }
  const scenarios: ResolvedScenario[] = [];
  for (const kind of SCENARIO_KINDS) {
    const replaced = own.get(kind);
    if (replaced) {
      scenarios.push(replaced);
      own.delete(kind);
      continue;
    }
    const builtIn = builtInScenario(plan, kind);
    if (builtIn) scenarios.push(builtIn);
  }
  scenarios.push(...own.values());
  return { scenarios, problems };
}

/** The built-in scenario of this kind for this plan, or undefined when the plan cannot express it. */
function builtInScenario(plan: ReleasePlan, kind: ScenarioKind): ResolvedScenario | undefined {
  const resolved = resolveScenario(plan, { name: kind, kind }, [], true);
  return resolved ? { ...resolved, source: 'built-in' } : undefined;
}

/** Why a built-in kind does not apply to this plan, for messages; undefined when it applies. */
export function whyNotApplicable(plan: ReleasePlan, kind: ScenarioKind): string | undefined {
  const info: ScenarioKindInfo = SCENARIO_KIND_INFO[kind];
  const needs = info.needs;
  if (needs === 'kpi' && Object.keys(plan.baseline.kpis).length === 0) return `${kind} needs a KPI in baseline.kpis`;
  if (needs === 'dimension' && plan.traffic.dimensions.length === 0) return `${kind} needs a dimension in traffic.dimensions`;
  if (needs === 'gauge' && Object.keys(plan.baseline.gauges).length === 0) return `${kind} needs a gauge in baseline.gauges`;
  return undefined;
}

/** Resolves one scenario; a built-in that the plan cannot express gives undefined without a problem. */
function resolveScenario(plan: ReleasePlan, raw: Scenario, problems: PlanProblem[], builtIn: boolean): ResolvedScenario | undefined {
  const at = (key: string): (string | number)[] => ['scenarios', raw.name, key];
  const before = problems.length;
  const kind = raw.kind;
  if (!isScenarioKind(kind)) {
    problems.push({ path: at('kind'), message: `Unknown scenario kind "${String(kind)}"; expected one of ${SCENARIO_KINDS.join(', ')}.` });
    return undefined;
  }
  const number = (key: keyof Scenario, check: (value: number) => boolean, expectation: string): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
      problems.push({ path: at(key), message: `${key} must be ${expectation}.` });
      return undefined;
    }
    return value;
  };
  const isFraction = (value: number) => value >= 0 && value <= 1;
  const errorRate = number('errorRate', isFraction, 'a rate from 0 to 1');
  const errorRateMultiplier = number('errorRateMultiplier', (value) => value >= 0, 'a number, 0 or more');
  const latencyP95Ms = number('latencyP95Ms', (value) => value > 0, 'a number of milliseconds greater than 0');
  const latencyMultiplier = number('latencyMultiplier', (value) => value > 0, 'a number greater than 0');
  const kpiRate = number('kpiRate', isFraction, 'a rate from 0 to 1');
  const kpiDrop = number('kpiDrop', isFraction, 'a fraction from 0 to 1');
  const startMinute = number('startMinute', (value) => value >= 0, 'a minute, 0 or more') ?? 0;
  const durationMinutes = number('durationMinutes', (value) => value > 0, 'a number of minutes greater than 0');
  const growth = number('errorRateGrowthPerHour', isFraction, 'a rate from 0 to 1');
  const gaugeMultiplier = number('gaugeMultiplier', (value) => value > 0, 'a number greater than 0');
  const gaugeGrowth = number('gaugeGrowthPerHour', (value) => value >= 0, 'a number, 0 or more');
  const gaugeLimitRaw = number('gaugeLimit', (value) => value > 0, 'a number greater than 0');
  const restartMinutesRaw = number('restartMinutes', (value) => value > 0, 'a number of minutes greater than 0');

  const baseline = plan.baseline;
  const kpiNames = Object.keys(baseline.kpis);
  let kpi: string | null = null;
  if (raw.kpi !== undefined) {
    if (typeof raw.kpi !== 'string' || !(raw.kpi in baseline.kpis)) {
      problems.push({
        path: at('kpi'),
        message: `KPI "${String(raw.kpi)}" is not in baseline.kpis${kpiNames.length ? ` (${kpiNames.join(', ')})` : ''}.`,
      });
    } else kpi = raw.kpi;
  }

  const gaugeNames = Object.keys(baseline.gauges);
  let gauge: string | null = null;
  if (raw.gauge !== undefined) {
    if (typeof raw.gauge !== 'string' || !(raw.gauge in baseline.gauges)) {
      problems.push({
        path: at('gauge'),
        message: `Gauge "${String(raw.gauge)}" is not in baseline.gauges${gaugeNames.length ? ` (${gaugeNames.join(', ')})` : ''}.`,
      });
    } else gauge = raw.gauge;
  }

  let segment: Record<string, string> | null = null;
  if (raw.segment !== undefined) {
    if (typeof raw.segment !== 'object' || raw.segment === null || Array.isArray(raw.segment)) {
      problems.push({ path: at('segment'), message: 'segment must map dimension names to values, for example { region: eu-west }.' });
    } else {
      segment = {};
      for (const [name, value] of Object.entries(raw.segment)) {
        const dimension = plan.traffic.dimensions.find((candidate) => candidate.name === name);
        if (!dimension) {
          const known = plan.traffic.dimensions.map((candidate) => candidate.name);
          problems.push({
            path: ['scenarios', raw.name, 'segment', name],
            message: `"${name}" is not a dimension of traffic.dimensions${known.length ? ` (${known.join(', ')})` : ''}.`,
          });
        } else if (typeof value !== 'string' || !dimension.values.some((entry) => entry.value === value)) {
          problems.push({
            path: ['scenarios', raw.name, 'segment', name],
            message: `"${String(value)}" is not a value of dimension "${name}" (${dimension.values.map((entry) => entry.value).join(', ')}).`,
          });
        } else segment[name] = value;
      }
    }
  }
  if (problems.length > before) return undefined;
  const explicitDescription = typeof raw.description === 'string' ? raw.description : undefined;
  if (kind === 'healthy') {
    return {
      name: raw.name,
      kind,
      source: 'plan',
      description: explicitDescription ?? 'Nothing fails: every gate trip is a false rollback.',
      failure: null,
    };
  }

  const d = SCENARIO_DEFAULTS;
  let newErrorRate = errorRate ?? (errorRateMultiplier !== undefined ? Math.min(1, baseline.errorRate * errorRateMultiplier) : null);
  let multiplier = latencyMultiplier ?? (latencyP95Ms !== undefined ? latencyP95Ms / baseline.latencyP95Ms : 1);
  let kpiRateWhileActive: number | null = null;
  let growthPerHour = 0;
  let endMinute = durationMinutes === undefined ? null : startMinute + durationMinutes;
  let gaugeFactor = gaugeMultiplier ?? 1;
  let gaugeGrowthPerHour = gaugeGrowth ?? 0;
  let gaugeLimit: number | null = gaugeLimitRaw ?? null;
  let restartErrorRate: number | null = null;
  let restartMinutes = 0;
  if (
    gaugeMultiplier !== undefined ||
    gaugeGrowth !== undefined ||
    gaugeLimitRaw !== undefined ||
    kind === 'resource-regression' ||
    kind === 'memory-leak'
  ) {
    // A leak is of memory: the first gauge that names it, else the first gauge.
    gauge ??= (kind === 'memory-leak' ? gaugeNames.find((name) => /mem|heap/i.test(name)) : undefined) ?? gaugeNames[0] ?? null;
    if (gauge === null) {
      if (!builtIn) problems.push({ path: at('kind'), message: `${kind} needs a gauge in baseline.gauges.` });
      return undefined;
    }
  }

  if (kpiRate !== undefined || kpiDrop !== undefined || kind === 'kpi-drop') {
    kpi ??= kpiNames[0] ?? null;
    if (kpi === null) {
      if (!builtIn) problems.push({ path: at('kind'), message: 'A KPI scenario needs a KPI in baseline.kpis.' });
      return undefined;
    }
    kpiRateWhileActive = kpiRate ?? baseline.kpis[kpi] * (1 - (kpiDrop ?? d.kpiDrop));
  }

  switch (kind) {
    case 'error-spike':
      newErrorRate ??= Math.min(1, Math.max(baseline.errorRate * d.errorSpikeMultiplier, d.errorSpikeMinRate));
      break;
    case 'latency-regression':
      if (latencyMultiplier === undefined && latencyP95Ms === undefined) multiplier = d.latencyMultiplier;
      break;
    case 'segment-outage': {
      if (segment === null) {
        const first = plan.traffic.dimensions[0];
        if (!first) {
          if (!builtIn) problems.push({ path: at('kind'), message: 'segment-outage needs a dimension in traffic.dimensions to fail.' });
          return undefined;
        }
        // The smallest value is the hard case: its failure is diluted most in the all-traffic figures.
        const smallest = first.values.reduce((best, entry) => (entry.share < best.share ? entry : best));
        segment = { [first.name]: smallest.value };
      }
      newErrorRate ??= d.segmentOutageErrorRate;
      break;
    }
    case 'slow-burn':
      newErrorRate ??= baseline.errorRate;
      growthPerHour = growth ?? Math.max(baseline.errorRate * d.slowBurnGrowthPerHourOfBaseline, d.slowBurnMinGrowthPerHour);
      break;
    case 'dependency-outage':
      newErrorRate ??= Math.min(1, Math.max(baseline.errorRate * d.dependencyOutageMultiplier, d.dependencyOutageMinRate));
      endMinute ??= startMinute + d.dependencyOutageMinutes;
      break;
    case 'dependency-degradation':
      // Slower unless the scenario says what degrades (errors, a KPI, its own latency).
      if (latencyMultiplier === undefined && latencyP95Ms === undefined && newErrorRate === null && kpiRateWhileActive === null)
        multiplier = d.dependencyDegradationLatencyMultiplier;
      endMinute ??= startMinute + d.dependencyDegradationMinutes;
      break;
    case 'resource-regression':
      if (gaugeMultiplier === undefined && gaugeGrowth === undefined) gaugeFactor = d.resourceRegressionMultiplier;
      break;
    case 'memory-leak': {
      const mean = baseline.gauges[gauge as string];
      gaugeGrowthPerHour = gaugeGrowth ?? Math.abs(mean) * d.memoryLeakGrowthPerHourOfBaseline;
      gaugeLimit ??= mean * d.memoryLeakLimitMultiplier;
      // Restarts fail requests from the moment the gauge reaches its limit; an error rate the scenario sets wins.
      restartErrorRate =
        newErrorRate ?? Math.min(1, Math.max(baseline.errorRate * d.memoryLeakRestartMultiplier, d.memoryLeakRestartMinRate));
      restartMinutes = restartMinutesRaw ?? d.memoryLeakRestartMinutes;
      newErrorRate = null;
      break;
    }
    case 'kpi-drop':
      break; // the KPI's rate is set above, for any kind that names one
    default: {
      // A kind added to the registry fails to compile here until its failure is described.
      const undescribed: never = kind;
      throw new Error(`scenario kind ${String(undescribed)} has no failure`);
    }
  }

  const failure: Failure = {
    startMinute,
    endMinute,
    segment,
    errorRate: newErrorRate,
    errorRateGrowthPerHour: growthPerHour,
    latencyMultiplier: multiplier,
    kpi: kpiRateWhileActive === null ? null : kpi,
    kpiRate: kpiRateWhileActive,
    gauge,
    gaugeMultiplier: gaugeFactor,
    gaugeGrowthPerHour,
    gaugeLimit,
    restartErrorRate,
    restartMinutes,
    // A failure the new version is not to blame for hits the current version too.
    affectsCurrentVersion: !newVersionAtFault(kind),
  };
  return { name: raw.name, kind, source: 'plan', description: explicitDescription ?? describe(plan, kind, failure), failure };
}

function describe(plan: ReleasePlan, kind: ScenarioKind, failure: Failure): string {
  const both = failure.affectsCurrentVersion;
  const who = both ? 'both versions' : 'the new version';
  const whose = both ? "both versions'" : "the new version's";
  const effects: string[] = [];
  const growing = failure.errorRateGrowthPerHour > 0;
  if (growing) {
    effects.push(
      `${whose} error rate grows by ${shortNumber(failure.errorRateGrowthPerHour * 100)} percentage points per hour from ${percent(failure.errorRate ?? plan.baseline.errorRate)}`,
    );
  } else if (failure.errorRate !== null) {
    effects.push(`${who} fail${both ? '' : 's'} ${percent(failure.errorRate)} of requests (baseline ${percent(plan.baseline.errorRate)})`);
  }
  if (failure.latencyMultiplier !== 1) {
    effects.push(
      `${who} ${both ? 'are' : 'is'} ${shortNumber(failure.latencyMultiplier)}× slower (p95 ${shortNumber(plan.baseline.latencyP95Ms * failure.latencyMultiplier)} ms, baseline ${shortNumber(plan.baseline.latencyP95Ms)} ms)`,
    );
  }
  if (failure.kpi !== null && failure.kpiRate !== null) {
    effects.push(`${whose} ${failure.kpi} falls to ${percent(failure.kpiRate)} (baseline ${percent(plan.baseline.kpis[failure.kpi])})`);
  }
  if (failure.gauge !== null) {
    const mean = plan.baseline.gauges[failure.gauge];
    if (failure.gaugeMultiplier !== 1)
      effects.push(
        `${whose} ${failure.gauge} rises ${shortNumber(failure.gaugeMultiplier)}× (${shortNumber(mean * failure.gaugeMultiplier)}, baseline ${shortNumber(mean)})`,
      );
    if (failure.gaugeGrowthPerHour > 0)
      effects.push(
        `${whose} ${failure.gauge} grows by ${shortNumber(failure.gaugeGrowthPerHour)} per hour from ${shortNumber(mean * failure.gaugeMultiplier)}${failure.gaugeLimit === null ? '' : ` up to ${shortNumber(failure.gaugeLimit)}`}`,
      );
    if (failure.restartErrorRate !== null && failure.gaugeLimit !== null)
      effects.push(
        `at ${shortNumber(failure.gaugeLimit)} it restarts, failing ${percent(failure.restartErrorRate)} of requests (baseline ${percent(plan.baseline.errorRate)}) for ${shortNumber(failure.restartMinutes)} minutes, then ${failure.gaugeGrowthPerHour > 0 && mean * failure.gaugeMultiplier < failure.gaugeLimit ? `grows again from ${shortNumber(mean * failure.gaugeMultiplier)}` : 'restarts again'}`,
      );
  }
  const scope = failure.segment ? ` in ${segmentLabel(failure.segment)}` : '';
  const when = `from minute ${shortNumber(failure.startMinute)}${failure.endMinute === null ? '' : ` to minute ${shortNumber(failure.endMinute)}`}`;
  const cause = both ? 'A dependency fails: ' : '';
  if (effects.length === 0) return `${kind}: no change from the baseline${scope}.`;
  const text = `${cause}${effects.join('; ')}${scope}, ${when}.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function segmentLabel(values: Record<string, string>): string {
  const entries = Object.entries(values);
  return entries.length === 0 ? 'all' : entries.map(([name, value]) => `${name}=${value}`).join(', ');
}

function percent(rate: number): string {
  return `${shortNumber(rate * 100)}%`;
}
