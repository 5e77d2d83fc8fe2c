// Rules on the shape of the stage ladder: order, names, first exposure, gates present, timing.

import type { DocumentRule } from '../context';
import { insertEntry, replaceValue } from '../edits';
import { needsGates, stageViews, hasBound } from './plan-view';
import { formatMinutes } from '../../model/units';
import { keyOrValue } from '../../parse/source-file';

export const stageWeightsNotIncreasing: DocumentRule = {
  meta: {
    id: 'stage-weights-not-increasing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: "A stage's weight is below the previous stage's.",
  },
  appliesTo: 'release-plan',
  check(context, value) {
    let previous: { name: string; weight: number } | undefined;
    for (const stage of stageViews(value)) {
      // Internal stages draw from another cohort, so their weight is not on the same ladder.
      if (stage.internal || stage.weight === undefined) continue;
      if (previous && stage.weight < previous.weight) {
        context.report(
          'stage-weights-not-increasing',
          context.locate(['stages', stage.index, 'weight']).value,
          `Stage "${stage.name}" sends ${stage.weight}% of traffic to the new version, less than the ${previous.weight}% of "${previous.name}" before it: the ladder steps back without a rollback.`,
        );
      }
      previous = { name: stage.name, weight: stage.weight };
    }
  },
};

export const stageDuplicateName: DocumentRule = {
  meta: {
    id: 'stage-duplicate-name',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'Two stages share a name, so reports and rollbacks cannot tell them apart.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const seen = new Map<string, number>();
    for (const stage of stageViews(value)) {
      if (typeof stage.raw.name !== 'string') continue;
      const first = seen.get(stage.raw.name);
      if (first === undefined) seen.set(stage.raw.name, stage.index);
      else
        context.report(
          'stage-duplicate-name',
          context.locate(['stages', stage.index, 'name']).value,
          `Stage name "${stage.raw.name}" is already used by stage ${first + 1} of the plan.`,
          {
            related: [
              { file: context.file.path, range: context.locate(['stages', first, 'name']).value, message: 'first stage with this name' },
            ],
          },
        );
    }
  },
};

export const stageWithoutGates: DocumentRule = {
  meta: {
    id: 'stage-without-gates',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A stage that exposes traffic has no gate: rollout without pass criteria is a ritual.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    for (const stage of stageViews(value)) {
      if (!needsGates(stage) || stage.gates.length > 0) continue;
      const edit = insertEntry(context, ['stages', stage.index], 'gates', [
        { metric: 'errorRate', maxIncrease: '20%' },
        { metric: 'latencyP95Ms', maxIncrease: '15%' },
      ]);
      const where = stage.internal ? 'internal traffic' : `${stage.weight}% of traffic`;
      context.report(
        'stage-without-gates',
        context.locate(['stages', stage.index, 'name']).value,
        `Stage "${stage.name}" sends ${where} to the new version with no gate: nothing decides whether it may continue, so a bad version goes on to the next stage.`,
        {
          fixes: edit ? [{ title: 'Add gates on error rate and p95 latency', edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
    }
  },
};

export const gateWithoutBound: DocumentRule = {
  meta: {
    id: 'gate-without-bound',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A gate names a metric but no bound (max, min, maxIncrease or minRatio), so it can never fail.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        if (hasBound(gate) || ['max', 'min', 'maxIncrease', 'minRatio'].some((key) => key in gate.raw)) continue;
        const suggested = gate.metric?.startsWith('kpi:') ? { key: 'minRatio', value: 0.98 } : { key: 'maxIncrease', value: '20%' };
        const edit = insertEntry(context, ['stages', stage.index, 'gates', gate.index], suggested.key, suggested.value);
        const gatePath = ['stages', stage.index, 'gates', gate.index];
        const metric = context.locate([...gatePath, 'metric']);
        const range = metric.depth === gatePath.length + 1 ? metric.value : keyOrValue(context.locate(gatePath), context.file.lines);
        context.report(
          'gate-without-bound',
          range,
          `Gate on ${gate.metric ?? 'a metric'} in stage "${stage.name}" has no bound (max, min, maxIncrease or minRatio): it can never fail.`,
          {
            fixes: edit ? [{ title: `Add ${suggested.key}: ${suggested.value}`, edits: [edit], safe: false, preferred: true }] : undefined,
          },
        );
      }
    }
  },
};

export const gateUnknownKpi: DocumentRule = {
  meta: {
    id: 'gate-unknown-kpi',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A gate watches a KPI the baseline does not declare.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const baseline = value.baseline as { kpis?: Record<string, unknown> } | undefined;
    const known = baseline && typeof baseline.kpis === 'object' && baseline.kpis ? Object.keys(baseline.kpis) : [];
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        if (!gate.metric?.startsWith('kpi:')) continue;
        const name = gate.metric.slice(4);
        if (known.includes(name)) continue;
        context.report(
          'gate-unknown-kpi',
          context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
          `KPI "${name}" is not in baseline.kpis${known.length ? ` (${known.join(', ')})` : ''}: the gate has no healthy value to compare with and the simulator cannot replay it.`,
        );
      }
    }
  },
};

export const stageFirstWeightTooLarge: DocumentRule = {
  meta: {
    id: 'stage-first-weight-too-large',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'The first stage with external traffic exposes too much of it.',
    options: { maxWeight: { default: 5, description: 'Largest weight (percent) accepted for the first stage with external traffic.' } },
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const limit = context.option<number>('stage-first-weight-too-large', 'maxWeight');
    // A stage whose weight cannot be read may be the first exposure: judge nothing rather than the wrong stage.
    const first = stageViews(value).find((stage) => !stage.internal && (stage.weight === undefined || stage.weight > 0));
    if (!first || first.weight === undefined || first.weight <= limit) return;
    // A single 100% stage is a plain deployment or a blue-green switch: the strategy rule of thumb does not apply.
    if (first.weight === 100 && value.strategy === 'blue-green') return;
    const edit = replaceValue(context, ['stages', first.index, 'weight'], Math.min(limit, 1));
    context.report(
      'stage-first-weight-too-large',
      context.locate(['stages', first.index, 'weight']).value,
      `Stage "${first.name}" is the first to take external traffic and sends ${first.weight}% of it to the new version: a bad version hurts ${first.weight}% of users before any gate can react. Start at ${limit}% or less.`,
      {
        fixes: edit
          ? [{ title: `Lower the first stage to ${Math.min(limit, 1)}%`, edits: [edit], safe: false, preferred: true }]
          : undefined,
      },
    );
  },
};

export const stageIntervalExceedsDuration: DocumentRule = {
  meta: {
    id: 'stage-interval-exceeds-duration',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A stage ends before its first gate evaluation.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    for (const stage of stageViews(value)) {
      if (stage.durationMinutes === undefined || stage.gates.length === 0 || stage.intervalMinutes <= stage.durationMinutes) continue;
      const explicit = 'interval' in stage.raw;
      const edit = explicit ? replaceValue(context, ['stages', stage.index, 'interval'], stage.raw.duration) : undefined;
      context.report(
        'stage-interval-exceeds-duration',
        context.locate(['stages', stage.index, explicit ? 'interval' : 'duration']).value,
        `Stage "${stage.name}" lasts ${formatMinutes(stage.durationMinutes)} but evaluates its gates every ${formatMinutes(stage.intervalMinutes)}${explicit ? '' : ' (the default interval)'}: it ends before its first evaluation, so its gates never run.`,
        {
          fixes: edit
            ? [
                {
                  title: `Evaluate once, over the whole stage (interval: ${String(stage.raw.duration)})`,
                  edits: [edit],
                  safe: false,
                  preferred: true,
                },
              ]
            : undefined,
        },
      );
    }
  },
};
