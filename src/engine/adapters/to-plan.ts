// Builds the ReleasePlan of a converted Rollout or Canary by writing it as a release plan's values and reading
// it with readPlan, so converted plans get exactly the defaults and checks native plans get.

import { DEFAULT_BASELINE, readPlan, type Metric, type ReleasePlan, type InconclusivePolicy } from '../model/plan';
import type { Path } from '../parse/source-file';
import { hasOwnBounds, type AdapterSettings, type MetricMapping } from './settings';
import { secondsText } from './read';

export interface DraftGate {
  name: string;
  metric: Metric;
  max?: number;
  min?: number;
  maxIncrease?: number;
  minRatio?: number;
}

export interface DraftStage {
  name: string;
  /** Percent of the cohort, 0 to 100. */
  weight: number;
  cohort: 'all' | 'internal';
  durationMinutes: number;
  intervalMinutes: number;
  minSamples: number;
  gates: DraftGate[];
  /** Where in the source document the stage comes from, for problems. */
  source: Path;
}

interface PlanDraft {
  name: string;
  service: string;
  owner: string;
  strategy: 'canary' | 'blue-green';
  stages: DraftStage[];
  rollback: { automatic: boolean; delayMinutes: number; onInconclusive: InconclusivePolicy };
}

/** Something about the source document, at a path into it. */
export interface SourceProblem {
  path: Path;
  message: string;
}

export interface ConversionResult {
  /** Present when the document could be converted; `problems` then lists what was assumed or left out. */
  plan?: ReleasePlan;
  /** Paths into the source document. */
  problems: SourceProblem[];
  /** With a plan: where in the source document each of its stages comes from, in stage order. */
  stageSources?: Path[];
}

/** A bound read from the source (an Argo condition, a Flagger thresholdRange), in the source's unit. */
export interface SourceBound {
  direction: 'max' | 'min';
  value: number;
}

/** The gate a mapping describes: its own bounds, or the source's bound scaled (and complemented) into its unit. */
export function mappedGate(name: string, mapping: MetricMapping, bound: SourceBound | undefined): DraftGate | undefined {
  if (hasOwnBounds(mapping)) {
    const gate: DraftGate = { name, metric: mapping.metric };
    for (const key of ['max', 'min', 'maxIncrease', 'minRatio'] as const) if (mapping[key] !== undefined) gate[key] = mapping[key];
    return gate;
  }
  if (!bound) return undefined;
  let value = bound.value * mapping.scale;
  let direction = bound.direction;
  if (mapping.complement) {
    value = 1 - value;
    direction = direction === 'max' ? 'min' : 'max';
  }
  return { name, metric: mapping.metric, [direction]: round(value) };
}

export function buildPlan(draft: PlanDraft, settings: AdapterSettings, rootPath: Path, problems: SourceProblem[]): ConversionResult {
  const here = [...rootPath];
  for (const message of settings.problems) problems.push({ path: here, message });
  if (draft.stages.length === 0) {
    problems.push({ path: here, message: 'Nothing to simulate: no step holds a weight for any time.' });
    return { problems };
  }
  if (!settings.baseline) {
    problems.push({
      path: here,
      message: `No baseline given: the current version is assumed to fail ${DEFAULT_BASELINE.errorRate * 100}% of requests with a p95 of ${DEFAULT_BASELINE.latencyP95Ms} ms. Set simulation.baseline in .stagegate.yaml or the stagegate.dev/baseline-* annotations.`,
    });
  }
  const native = {
    apiVersion: 'stagegate.dev/v1',
    kind: 'ReleasePlan',
    metadata: { name: draft.name, service: draft.service, owner: draft.owner },
    strategy: draft.strategy,
    traffic: settings.traffic,
    baseline: settings.baseline,
    stages: draft.stages.map((stage) => ({
      name: stage.name,
      weight: stage.weight,
      cohort: stage.cohort,
      duration: secondsText(stage.durationMinutes),
      interval: secondsText(stage.intervalMinutes),
      minSamples: stage.minSamples,
      gates: stage.gates.map(({ name, ...bounds }) => ({ name, ...bounds })),
    })),
    rollback: {
      automatic: draft.rollback.automatic,
      action: 'rollback',
      delay: secondsText(draft.rollback.delayMinutes),
      onInconclusive: draft.rollback.onInconclusive,
    },
  };
  const { plan, problems: readProblems } = readPlan(native);
  for (const problem of readProblems) {
    const [section, index] = problem.path;
    if (section === 'traffic' && problem.path.length <= 2 && (problem.path[1] ?? 'requestsPerSecond') === 'requestsPerSecond') {
      problems.push({
        path: here,
        message:
          'No traffic to simulate: set simulation.traffic.requestsPerSecond in .stagegate.yaml, or the stagegate.dev/requests-per-second annotation on this resource.',
      });
    } else if (section === 'traffic' || section === 'baseline') {
      problems.push({ path: here, message: `simulation.${problem.path.join('.')} (.stagegate.yaml): ${problem.message}` });
    } else if (section === 'stages' && typeof index === 'number') {
      problems.push({ path: draft.stages[index]?.source ?? here, message: problem.message });
    } else problems.push({ path: here, message: problem.message });
  }
  return plan ? { plan, problems, stageSources: draft.stages.map((stage) => stage.source) } : { problems };
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
