// Converts a Flagger Canary into the ReleasePlan the simulator replays. Flagger checks once per `interval` and
// moves the weight on after each passing check, so every weight is a stage one interval long with one check; a
// failed check holds the weight, and the `threshold`-th failed check rolls back ((threshold − 1) × interval after
// the first).

import type { Path } from '../../parse/source-file';
import { buildPlan, mappedGate, type ConversionResult, type SourceProblem, type DraftGate, type DraftStage } from '../to-plan';
import { annotation, formatDuration, list, numberOf, record, resourceName, isRecord } from '../read';
import { ANNOTATIONS, declaredGauge, gaugeHint, metricMapping, undeclaredGauge, type AdapterSettings } from '../settings';
import { canaryAnalysis, canaryMetrics, canaryWeights, intervalMinutes, threshold, type CanaryAnalysis } from './canary-view';

/** Webhooks that wait for someone's approval; replayed as approved at once. */
const APPROVAL_WEBHOOKS = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

export function flaggerCanaryToPlan(value: Record<string, unknown>, settings: AdapterSettings): ConversionResult {
  const problems: SourceProblem[] = [];
  const root: Path = ['metadata', 'name'];
  const found = canaryAnalysis(value);
  if (!found)
    return {
      problems: [{ path: ['spec'], message: 'The Canary has no analysis: Flagger promotes it at once, so there is no stage to simulate.' }],
    };
  const { analysis, path } = found;
  const interval = intervalMinutes(analysis);
  const checks = threshold(analysis);
  const skip = record(value.spec)?.skipAnalysis === true;
  if (skip)
    problems.push({
      path: ['spec', 'skipAnalysis'],
      message: 'skipAnalysis is true: Flagger promotes without checking, so the stages have no gates.',
    });
  const gates = skip ? [] : metricGates(found, settings, problems);

  list(analysis.webhooks).forEach((hook, index) => {
    if (isRecord(hook) && typeof hook.type === 'string' && APPROVAL_WEBHOOKS.includes(hook.type)) {
      problems.push({
        path: [...path, 'webhooks', index, 'type'],
        message: `Webhook "${String(hook.name ?? index)}" (${hook.type}) waits for an approval; the simulation assumes it is given at once.`,
      });
    }
  });
  if (analysis.mirror === true)
    problems.push({
      path: [...path, 'mirror'],
      message: 'Traffic mirroring before the first step is not simulated: mirrored requests reach no user.',
    });

  const stages: DraftStage[] = [];
  const stage = (name: string, weight: number, cohort: 'all' | 'internal', durationMinutes: number, source: Path): DraftStage => ({
    name,
    weight,
    cohort,
    durationMinutes,
    intervalMinutes: interval,
    minSamples: 1,
    gates,
    source,
  });
  const iterations = numberOf(analysis.iterations) ?? 0;
  const matches = list(analysis.match).length;
  let strategy: 'canary' | 'blue-green' = 'canary';
  if (iterations > 0 && matches > 0) {
    // A/B: the matching requests all go to the canary for `iterations` checks, then Flagger promotes.
    stages.push(stage(`A/B test (${iterations} iterations)`, 100, 'internal', iterations * interval, [...path, 'iterations']));
    // adapterSettings has put the match-share annotation, when there is one, into traffic.internalShare.
    const share = numberOf(settings.traffic?.internalShare);
    problems.push({
      path: [...path, 'match'],
      message: `The requests the ${matches === 1 ? 'match selects' : `${matches} matches select`} are replayed as Stagegate's internal cohort: ${share !== undefined ? `${round(share * 100)}% of traffic` : '2% of traffic (the default)'}; set the ${ANNOTATIONS.matchShare} annotation or simulation.traffic.internalShare to their real share.`,
    });
  } else if (iterations > 0) {
    // Blue/green: the canary is checked on test traffic only, then takes all traffic for one more check.
    strategy = 'blue-green';
    stages.push(stage(`test traffic (${iterations} iterations)`, 100, 'internal', iterations * interval, [...path, 'iterations']));
    stages.push(stage('all traffic', 100, 'all', interval, [...path, 'iterations']));
    problems.push({
      path: [...path, 'iterations'],
      message:
        'Blue/green: during the iterations the canary sees only test traffic (a load tester); it is replayed as the internal cohort (simulation.traffic.internalShare).',
    });
  } else {
    const { weights, kind } = canaryWeights(analysis);
    if (kind === 'none')
      return {
        problems: [
          ...problems,
          { path, message: 'The analysis has no stepWeight, stepWeights or iterations: Flagger never shifts traffic to the canary.' },
        ],
      };
    if (kind === 'explicit' && weights.some((weight, index) => index > 0 && weight <= weights[index - 1])) {
      return { problems: [...problems, { path: [...path, 'stepWeights'], message: 'stepWeights must increase to be simulated.' }] };
    }
    const source: Path = kind === 'linear' ? [...path, 'stepWeight'] : [...path, 'stepWeights'];
    weights.forEach((weight, index) =>
      stages.push(stage(`weight ${weight}%`, weight, 'all', interval, kind === 'explicit' ? [...source, index] : source)),
    );
  }

  if (checks > 1)
    problems.push({
      path: analysis.threshold !== undefined ? [...path, 'threshold'] : path,
      message: `Flagger rolls back after ${checks} failed checks: the simulation stops the rollout at the first failed check and keeps the canary's traffic for the ${checks - 1} more check${checks === 2 ? '' : 's'}, ${checks - 1} × ${formatDuration(interval)} = ${formatDuration((checks - 1) * interval)}, before the rollback. A healthy canary that fails a single check is rolled back in the simulation, not by Flagger.`,
    });
  const name = resourceName(value) ?? 'canary';
  const target = record(record(value.spec)?.targetRef);
  return buildPlan(
    {
      name,
      service: typeof target?.name === 'string' ? target.name : name,
      owner: annotation(value, ANNOTATIONS.owner) ?? '',
      strategy,
      stages,
      // "No values found" is a failed check in Flagger: a window without requests counts toward the threshold.
      // The threshold-th failed check rolls back at once: interval × threshold after the failure starts, as Flagger times it.
      rollback: { automatic: true, delayMinutes: (checks - 1) * interval, onInconclusive: 'rollback' },
    },
    settings,
    root,
    problems,
  );
}

/**
 * Gates from the metrics: request-success-rate (a percentage) bounds the error rate at 1 − min/100; request-duration
 * (milliseconds) is Flagger's p99 and is gated as Stagegate's p95 with the same bound, which trips later than Flagger
 * would. A metric named after a gauge of `simulation.baseline.gauges` is that gauge, bounded by its thresholdRange.
 * Other metrics need a mapping in `simulation.metrics`.
 */
function metricGates(found: CanaryAnalysis, settings: AdapterSettings, problems: SourceProblem[]): DraftGate[] {
  const gates: DraftGate[] = [];
  for (const metric of canaryMetrics(found)) {
    const explicit = metricMapping(settings, metric.name);
    // A metric named after a declared gauge is that gauge, when Flagger runs a query for it (a templateRef or an inline
    // query: flagger-metric-unknown reports the others); the built-in metrics keep their meaning.
    const measured = metric.hasTemplate || metric.hasQuery;
    const mapping =
      explicit ??
      (metric.name === 'request-success-rate' || metric.name === 'request-duration' || !measured
        ? undefined
        : declaredGauge(settings, metric.name));
    const namePath = [...metric.path, 'name'];
    if (mapping) {
      const missing = undeclaredGauge(settings, mapping);
      if (missing !== undefined) {
        problems.push({
          path: namePath,
          message: `Metric "${metric.name}" is mapped to ${mapping.metric} in simulation.metrics, but simulation.baseline.gauges has no "${missing}": set its healthy value there (in the query's unit); it is not simulated.`,
        });
        continue;
      }
      const bound =
        metric.max !== undefined
          ? { direction: 'max' as const, value: metric.max }
          : metric.min !== undefined
            ? { direction: 'min' as const, value: metric.min }
            : undefined;
      const gate = mappedGate(metric.name, mapping, bound);
      if (gate) gates.push(gate);
      else
        problems.push({
          path: namePath,
          message: `Metric "${metric.name}" is ${explicit ? `mapped to ${mapping.metric} in simulation.metrics` : `the gauge ${mapping.metric} (simulation.baseline.gauges)`}, but neither the mapping nor thresholdRange gives a bound; it is not simulated.`,
        });
      continue;
    }
    if (metric.name === 'request-success-rate') {
      if (metric.min !== undefined) gates.push({ name: metric.name, metric: 'errorRate', max: round(1 - metric.min / 100) });
      else problems.push({ path: namePath, message: 'request-success-rate has no thresholdRange.min; it is not simulated.' });
      continue;
    }
    if (metric.name === 'request-duration') {
      if (metric.max !== undefined) {
        gates.push({ name: metric.name, metric: 'latencyP95Ms', max: metric.max });
        problems.push({
          path: namePath,
          message: `request-duration is Flagger's p99 latency; Stagegate models the p95, so it is gated as p95 ≤ ${metric.max} ms, which trips later than Flagger would. Map it in simulation.metrics with a lower max to match.`,
        });
      } else problems.push({ path: namePath, message: 'request-duration has no thresholdRange.max; it is not simulated.' });
      continue;
    }
    const hint = measured && (metric.min !== undefined || metric.max !== undefined) ? gaugeHint(metric.name) : undefined;
    if (hint !== undefined) {
      problems.push({
        path: namePath,
        message: `Metric "${metric.name}" looks like a gauge (its name says ${hint}), not an error rate or a latency: declare its healthy value as simulation.baseline.gauges.${metric.name} in .stagegate.yaml (in the query's unit) to simulate it as gauge:${metric.name}, or map it under simulation.metrics.`,
      });
      continue;
    }
    const what = metric.hasTemplate
      ? "its MetricTemplate's query"
      : metric.hasQuery
        ? 'its query'
        : 'it is not built in and has no templateRef';
    problems.push({
      path: namePath,
      message: `Metric "${metric.name}" is opaque to Stagegate (${what}): map it under simulation.metrics in .stagegate.yaml (for example { metric: errorRate }) to simulate it as a gate.`,
    });
  }
  return gates;
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
