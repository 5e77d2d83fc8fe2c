// Converts an Argo Rollouts canary into the ReleasePlan the simulator replays. Steps that hold a weight (a pause,
// an analysis, an experiment) become stages; analyses become gates where their metrics can be read: a condition
// comparing the result to a number, on a metric named or mapped (`simulation.metrics`) as a Stagegate metric.

import { DEFAULT_INTERVAL_MINUTES } from '../../model/plan';
import type { Path } from '../../parse/source-file';
import {
  buildPlan,
  mappedGate,
  type ConversionResult,
  type SourceProblem,
  type DraftGate,
  type DraftStage,
  type SourceBound,
} from '../to-plan';
import { annotation, formatDuration, isRecord, kubeDurationMinutes, list, numberOf, record, resourceName } from '../read';
import {
  ANNOTATIONS,
  declaredGauge,
  gaugeHint,
  metricMapping,
  undeclaredGauge,
  type AdapterSettings,
  type MetricMapping,
} from '../settings';
import { conditionBound } from './conditions';
import {
  analysisBlocks,
  CANARY_PATH,
  canaryStrategy,
  canarySteps,
  templateKind,
  templateMetrics,
  type AnalysisBlock,
  type MetricView,
  type TemplateLookup,
} from './rollout-view';

/** From an analysis failing to traffic back on the stable version: one reconcile of the controller. */
const ARGO_ABORT_MINUTES = 0.5;

interface ReadGate {
  gate: DraftGate;
  intervalMinutes: number;
  /** Failed measurements tolerated before the metric fails. */
  failureLimit: number;
  /** How long the metric keeps measuring from its analysis' start; Infinity when until stopped. */
  activeMinutes: number;
}

interface ReadBlock {
  gates: ReadGate[];
  /** How long the analysis runs: its longest metric; Infinity when one runs until stopped. */
  durationMinutes: number;
}

export function argoRolloutToPlan(value: Record<string, unknown>, templates: TemplateLookup, settings: AdapterSettings): ConversionResult {
  const problems: SourceProblem[] = [];
  if (!canaryStrategy(value))
    return { problems: [{ path: ['spec', 'strategy'], message: 'Only a canary strategy can be simulated; this Rollout has none.' }] };
  const steps = canarySteps(value);
  if (steps.length === 0)
    return {
      problems: [
        {
          path: CANARY_PATH,
          message: 'The canary has no steps: Argo Rollouts shifts all traffic at once, so there is no stage to simulate.',
        },
      ],
    };

  const blocks = analysisBlocks(value);
  const stages: (DraftStage & { stepIndex: number; startMinute: number })[] = [];
  let weight = 0;
  let clock = 0;
  const push = (stepIndex: number, name: string, durationMinutes: number, gates: ReadGate[], source: Path) => {
    const interval = gates.length > 0 ? Math.min(...gates.map((gate) => gate.intervalMinutes)) : durationMinutes;
    stages.push({
      name,
      weight,
      cohort: 'all',
      durationMinutes,
      intervalMinutes: interval,
      minSamples: 1,
      gates: gates.map((gate) => gate.gate),
      source,
      stepIndex,
      startMinute: clock,
    });
    clock += durationMinutes;
  };
  const allGates: ReadGate[] = [];

  for (const { index, step, path } of steps) {
    if ('setWeight' in step) {
      const next = numberOf(step.setWeight);
      if (next === undefined || next < 0 || next > 100)
        return {
          problems: [
            ...problems,
            { path: [...path, 'setWeight'], message: 'setWeight must be a percentage from 0 to 100 to be simulated.' },
          ],
        };
      weight = next;
    } else if ('pause' in step) {
      const pause = record(step.pause);
      let minutes = kubeDurationMinutes(pause?.duration);
      if (pause?.duration !== undefined && minutes === undefined)
        problems.push({
          path: [...path, 'pause', 'duration'],
          message: `Pause duration ${JSON.stringify(pause.duration)} is not a duration; it is replayed as a manual pause.`,
        });
      if (minutes === undefined) {
        minutes = settings.manualPauseMinutes;
        problems.push({
          path: [...path, 'pause'],
          message: `steps[${index}] waits for someone to promote the rollout: replayed as a ${formatDuration(minutes)} wait (simulation.manualPause).`,
        });
      }
      if (minutes > 0) push(index, `steps[${index}] pause ${formatDuration(minutes)}`, minutes, [], [...path, 'pause']);
    } else if (isRecord(step.analysis)) {
      const block = blocks.find((candidate) => candidate.where === 'step' && candidate.stepIndex === index);
      const read = block ? readBlock(block, templates, settings, problems) : { gates: [], durationMinutes: 0 };
      let minutes = read.durationMinutes;
      if (!Number.isFinite(minutes)) {
        minutes = settings.manualPauseMinutes;
        problems.push({
          path: [...path, 'analysis'],
          message: `The analysis at steps[${index}] has a metric that measures until stopped (interval without count), so the rollout waits here until someone ends it: replayed as ${formatDuration(minutes)}.`,
        });
      }
      allGates.push(...read.gates);
      if (minutes > 0) push(index, `steps[${index}] analysis`, minutes, read.gates, [...path, 'analysis']);
    } else if (isRecord(step.experiment)) {
      const experiment = step.experiment;
      const experimentWeights = list(experiment.templates)
        .map((template) => (isRecord(template) ? numberOf(template.weight) : undefined))
        .filter((share): share is number => share !== undefined);
      const reads = blocks
        .filter((candidate) => candidate.where === 'experiment' && candidate.stepIndex === index)
        .map((block) => readBlock(block, templates, settings, problems));
      const gates = reads.flatMap((read) => read.gates);
      let minutes = kubeDurationMinutes(experiment.duration) ?? Math.max(0, ...reads.map((read) => read.durationMinutes));
      if (!Number.isFinite(minutes) || minutes <= 0) minutes = settings.manualPauseMinutes;
      allGates.push(...gates);
      const saved = weight;
      if (experimentWeights.length > 0)
        weight = Math.min(
          100,
          experimentWeights.reduce((sum, share) => sum + share, 0),
        );
      problems.push({
        path: [...path, 'experiment'],
        message: `The experiment at steps[${index}] is replayed as a stage at ${weight}% for ${formatDuration(minutes)}; its own ReplicaSets and their traffic split are not modelled.`,
      });
      push(index, `steps[${index}] experiment`, minutes, gates, [...path, 'experiment']);
      weight = saved;
    } else {
      const kind = Object.keys(step)[0] ?? 'empty step';
      problems.push({ path, message: `steps[${index}] (${kind}) does not change the canary's weight or gates and is not simulated.` });
    }
  }

  // Background analysis watches every stage from startingStep on, while its metrics keep measuring.
  for (const block of blocks.filter((candidate) => candidate.where === 'background')) {
    const read = readBlock(block, templates, settings, problems);
    allGates.push(...read.gates);
    const first = stages.find((stage) => stage.stepIndex >= block.stepIndex);
    if (!first) continue;
    for (const gate of read.gates) {
      const until = first.startMinute + gate.activeMinutes;
      let watched = 0;
      for (const stage of stages) {
        if (stage.stepIndex < block.stepIndex || stage.startMinute >= until) continue;
        stage.gates.push(gate.gate);
        stage.intervalMinutes = Math.min(stage.intervalMinutes, gate.intervalMinutes);
        watched++;
      }
      if (watched < stages.filter((stage) => stage.stepIndex >= block.stepIndex).length) {
        problems.push({
          path: block.path,
          message: `Background metric ${gate.gate.name} stops after ${formatDuration(gate.activeMinutes)} (count × interval): the stages after that are not watched by it.`,
        });
      }
    }
  }

  // No canary traffic to measure at weight 0.
  for (const stage of stages) {
    if (stage.weight === 0 && stage.gates.length > 0) {
      stage.gates = [];
      problems.push({
        path: stage.source,
        message: `${stage.name} holds the canary at 0%: with no canary traffic its analysis has nothing to measure and is not simulated as gates.`,
      });
    }
  }

  const tolerance = allGates.length > 0 ? Math.min(...allGates.map((gate) => gate.failureLimit * gate.intervalMinutes)) : 0;
  if (tolerance > 0)
    problems.push({
      path: ['spec', 'strategy', 'canary'],
      message: `Metrics fail after failureLimit + 1 failed measurements: the simulation stops at the first failing window and keeps the canary's traffic ${formatDuration(tolerance)} longer before the abort.`,
    });
  const name = resourceName(value) ?? 'rollout';
  return buildPlan(
    {
      name,
      service: name,
      owner: annotation(value, ANNOTATIONS.owner) ?? '',
      strategy: 'canary',
      stages: stages.map(({ stepIndex: _step, startMinute: _start, ...stage }) => stage),
      // A failed analysis aborts the rollout on its own; an inconclusive one pauses it for a human.
      rollback: { automatic: true, delayMinutes: ARGO_ABORT_MINUTES + tolerance, onInconclusive: 'pause' },
    },
    settings,
    ['metadata', 'name'],
    problems,
  );
}

function readBlock(block: AnalysisBlock, templates: TemplateLookup, settings: AdapterSettings, problems: SourceProblem[]): ReadBlock {
  const gates: ReadGate[] = [];
  let durationMinutes = 0;
  for (const ref of block.templates) {
    const found = templates(ref);
    if (!found || 'ambiguous' in found) {
      problems.push({
        path: ref.path,
        message: found
          ? `${templateKind(ref)} "${ref.name}" is defined ${found.ambiguous.length} times, equally near this Rollout (${found.ambiguous.join(', ')}): which one Argo Rollouts reads cannot be told, so its metrics are not simulated.`
          : `${templateKind(ref)} "${ref.name}" is not in the workspace: its metrics are not simulated.`,
      });
      continue;
    }
    for (const metric of templateMetrics(found.template)) {
      const window = metric.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
      const activeMinutes = metric.count === undefined ? Infinity : (metric.initialDelayMinutes ?? 0) + metric.count * window;
      durationMinutes = Math.max(durationMinutes, activeMinutes);
      if (metric.intervalMinutes === undefined && metric.count === 1) {
        problems.push({
          path: ref.path,
          message: `Metric "${metric.name}" of ${templateKind(ref)} "${ref.name}" takes one measurement; it is replayed as one check of the ${formatDuration(window)} before it.`,
        });
      }
      if (metric.dryRun) {
        problems.push({
          path: ref.path,
          message: `Metric "${metric.name}" of ${templateKind(ref)} "${ref.name}" runs in dry-run mode: it cannot fail the rollout and is not a gate.`,
        });
        continue;
      }
      const gate = metricGate(ref.name, metric, settings, (message) => problems.push({ path: ref.path, message }));
      if (gate) gates.push({ gate, intervalMinutes: window, failureLimit: Math.max(0, metric.failureLimit), activeMinutes });
    }
  }
  return { gates, durationMinutes };
}

function metricGate(
  templateName: string,
  metric: MetricView,
  settings: AdapterSettings,
  note: (message: string) => void,
): DraftGate | undefined {
  const label = `"${metric.name}" of template "${templateName}"`;
  const bound = conditionBound(metric.successCondition, metric.failureCondition);
  const explicit = metricMapping(settings, metric.name, templateName);
  // A job passes or fails on its exit code: it measures no gauge, whatever its name.
  const mapping = explicit ?? (metric.provider === 'job' ? undefined : declaredGauge(settings, metric.name));
  if (mapping) {
    const missing = undeclaredGauge(settings, mapping);
    if (missing !== undefined) {
      note(
        `Metric ${label} is mapped to ${mapping.metric} in simulation.metrics, but simulation.baseline.gauges has no "${missing}": set its healthy value there (in the query's unit); it is not simulated.`,
      );
      return undefined;
    }
    const gate = mappedGate(`${templateName}/${metric.name}`, mapping, bound);
    if (!gate)
      note(
        `Metric ${label} is ${!explicit ? `the gauge ${mapping.metric} (simulation.baseline.gauges)` : `mapped to ${mapping.metric} in simulation.metrics`}, but neither the mapping nor its conditions give a bound; it is not simulated.`,
      );
    return gate;
  }
  const inferred = inferMapping(metric.name, bound);
  if (inferred && bound) {
    note(
      `Metric ${label} is read as ${inferred.complement ? 'a success rate (1 − errorRate)' : 'an error rate'} from its name; map it under simulation.metrics if it measures something else.`,
    );
    return mappedGate(`${templateName}/${metric.name}`, inferred, bound);
  }
  const hint = metric.provider === 'job' || !bound ? undefined : gaugeHint(metric.name);
  if (hint !== undefined) {
    note(
      `Metric ${label} looks like a gauge (its name says ${hint}), not an error rate or a latency: declare its healthy value as simulation.baseline.gauges.${metric.name} in .stagegate.yaml (in the query's unit) to simulate it as gauge:${metric.name}, or map it under simulation.metrics.`,
    );
    return undefined;
  }
  const why =
    metric.provider === 'job'
      ? "a job provider passes or fails on the job's exit code"
      : metric.successCondition === undefined && metric.failureCondition === undefined
        ? 'it has no condition'
        : !bound
          ? 'its condition does not compare the result to one number'
          : 'its name does not say which Stagegate metric it measures';
  note(
    `Metric ${label} is opaque to Stagegate (${why}): map it under simulation.metrics in .stagegate.yaml (for example { metric: errorRate, max: 1% }) to simulate it as a gate.`,
  );
  return undefined;
}

/** A rate between 0 and 1 on a metric named for success or errors: the common success-rate template. */
function inferMapping(name: string, bound: SourceBound | undefined): MetricMapping | undefined {
  if (!bound || bound.value < 0 || bound.value > 1) return undefined;
  return mappingFromName(name);
}

/** What a metric's name says it measures: a success rate or an error rate (also what calibrate reads it as). */
export function mappingFromName(name: string): MetricMapping | undefined {
  if (/success|availability/i.test(name)) return { metric: 'errorRate', complement: true, scale: 1 };
  if (/error|fail/i.test(name)) return { metric: 'errorRate', complement: false, scale: 1 };
  return undefined;
}
