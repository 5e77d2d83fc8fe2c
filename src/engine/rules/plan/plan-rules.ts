// Rules on the plan as a whole: signals watched, rollback policy, per-segment evaluation.

import type { DocumentRule } from '../context';
import { insertEntry } from '../edits';
import { isRecord } from '../../values';
import { baselineView, isCanaryStage, stageViews, trafficView } from './plan-view';

export const planMissingSignal: DocumentRule = {
  meta: {
    id: 'plan-missing-signal',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'No canary gate watches one of the signals the plan declares (error rate, p95 latency, each baseline KPI).',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const canaries = stageViews(value).filter(isCanaryStage);
    if (canaries.length === 0) return;
    const watched = new Set(canaries.flatMap((stage) => stage.gates.map((gate) => gate.metric)));
    const baseline = baselineView(value);
    const signals: { metric: string; label: string; gate: Record<string, unknown> }[] = [
      { metric: 'errorRate', label: 'error rate', gate: { metric: 'errorRate', maxIncrease: '20%' } },
      { metric: 'latencyP95Ms', label: 'p95 latency', gate: { metric: 'latencyP95Ms', maxIncrease: '15%' } },
      ...Object.keys(baseline.kpis).map((name) => ({
        metric: `kpi:${name}`,
        label: `KPI "${name}"`,
        gate: { metric: `kpi:${name}`, minRatio: 0.98 },
      })),
    ];
    const target = canaries[canaries.length - 1];
    for (const signal of signals) {
      if (watched.has(signal.metric)) continue;
      const gatesPath = ['stages', target.index, 'gates'];
      const edit =
        target.gates.length > 0
          ? appendGate(context, gatesPath, signal.gate)
          : insertEntry(context, ['stages', target.index], 'gates', [signal.gate]);
      context.report(
        'plan-missing-signal',
        context.locate(['stages']).key ?? context.doc.range,
        `No canary stage has a gate on ${signal.label}: a regression in it passes every stage unseen.`,
        {
          fixes: edit
            ? [{ title: `Add a ${signal.label} gate to stage "${target.name}"`, edits: [edit], safe: false, preferred: true }]
            : undefined,
        },
      );
    }
  },
};

/** Adds an item at the end of a block or flow sequence. */
function appendGate(context: Parameters<DocumentRule['check']>[0], path: (string | number)[], gate: Record<string, unknown>) {
  const located = context.locate(path);
  if (located.depth !== path.length) return undefined;
  const { file } = context;
  const end = file.lines.offsetAt(located.value.end);
  if (file.text[end - 1] === ']') {
    return { range: file.lines.range(end - 1, end - 1), newText: `, ${JSON.stringify(gate)}` };
  }
  const indent = ' '.repeat(located.value.start.character);
  const lines = Object.entries(gate).map(
    ([key, item], index) => `${index === 0 ? `${indent}- ` : `${indent}  `}${key}: ${JSON.stringify(item)}`,
  );
  const insertAt = file.lines.lineStart(located.value.end.line + 1);
  const atEnd = insertAt <= file.lines.offsetAt(located.value.end);
  return {
    range: file.lines.range(atEnd ? file.text.length : insertAt, atEnd ? file.text.length : insertAt),
    newText: (atEnd ? '\n' : '') + lines.join('\n') + '\n',
  };
}

export const rollbackNotAutomatic: DocumentRule = {
  meta: {
    id: 'rollback-not-automatic',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A failing gate does not stop the rollout automatically.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const rollback = value.rollback;
    if (isRecord(rollback) && rollback.automatic === true) return;
    if (!isRecord(rollback)) {
      const edit = insertEntry(context, [], 'rollback', { automatic: true, action: 'rollback', delay: '2m' });
      context.report(
        'rollback-not-automatic',
        context.locate(['stages']).key ?? context.doc.range,
        'The plan has no rollback section: when a gate fails, nothing restores traffic until a human notices.',
        {
          fixes: edit ? [{ title: 'Add automatic rollback', edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
      return;
    }
    const located = context.locate(['rollback', 'automatic']);
    const edit = located.depth === 2 ? { range: located.value, newText: 'true' } : insertEntry(context, ['rollback'], 'automatic', true);
    context.report(
      'rollback-not-automatic',
      located.depth === 2 ? located.value : (context.locate(['rollback']).key ?? context.doc.range),
      'Rollback is not automatic: when a gate fails, traffic stays on the bad version until a human acts.',
      {
        fixes: edit ? [{ title: 'Make rollback automatic', edits: [edit], safe: false, preferred: true }] : undefined,
      },
    );
  },
};

export const breakdownMissing: DocumentRule = {
  meta: {
    id: 'breakdown-missing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'The traffic has dimensions but no stage judges its gates per dimension value.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const { dimensions } = trafficView(value);
    if (dimensions.length === 0) return;
    const stages = stageViews(value);
    if (stages.some((stage) => Array.isArray(stage.raw.breakdown) && stage.raw.breakdown.length > 0)) return;
    const target = stages.find(isCanaryStage);
    const edit = target ? insertEntry(context, ['stages', target.index], 'breakdown', [dimensions[0]]) : undefined;
    context.report(
      'breakdown-missing',
      context.locate(['traffic', 'dimensions']).key ?? context.doc.range,
      `Traffic splits by ${dimensions.join(', ')}, but no stage evaluates its gates per ${dimensions.length === 1 ? 'value' : 'dimension value'}: a breakage isolated to one ${dimensions[0]} is averaged away.`,
      {
        fixes:
          edit && target
            ? [{ title: `Judge stage "${target.name}" per ${dimensions[0]}`, edits: [edit], safe: false, preferred: true }]
            : undefined,
      },
    );
  },
};

export const breakdownUnknownDimension: DocumentRule = {
  meta: {
    id: 'breakdown-unknown-dimension',
    family: 'plan',
    defaultSeverity: 'error',
    summary: '`breakdown` names a dimension the traffic model does not have.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const { dimensions } = trafficView(value);
    for (const stage of stageViews(value)) {
      if (!Array.isArray(stage.raw.breakdown)) continue;
      stage.raw.breakdown.forEach((name, index) => {
        if (typeof name !== 'string' || dimensions.includes(name)) return;
        context.report(
          'breakdown-unknown-dimension',
          context.locate(['stages', stage.index, 'breakdown', index]).value,
          `Stage "${stage.name}" breaks down by "${name}", which traffic.dimensions does not define${dimensions.length ? ` (${dimensions.join(', ')})` : ''}.`,
        );
      });
    }
  },
};

export const baselineMissing: DocumentRule = {
  meta: {
    id: 'baseline-missing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary:
      'Gates watch a signal whose healthy value the baseline does not give, so their power and false-rollback risk cannot be judged.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const baseline = baselineView(value);
    const used = new Set(stageViews(value).flatMap((stage) => stage.gates.map((gate) => gate.metric)));
    const missing = [
      used.has('errorRate') && baseline.errorRate === undefined ? { key: 'errorRate', label: 'error rate', example: 0.002 } : undefined,
      used.has('latencyP95Ms') && baseline.latencyP95Ms === undefined
        ? { key: 'latencyP95Ms', label: 'p95 latency', example: 200 }
        : undefined,
    ].filter((item): item is { key: string; label: string; example: number } => item !== undefined);
    if (missing.length === 0) return;
    const hasSection = isRecord(value.baseline);
    const edits = hasSection
      ? missing.map((item) => insertEntry(context, ['baseline'], item.key, item.example))
      : [insertEntry(context, [], 'baseline', Object.fromEntries(missing.map((item) => [item.key, item.example])))];
    const complete = edits.every((edit) => edit !== undefined);
    context.report(
      'baseline-missing',
      hasSection ? (context.locate(['baseline']).key ?? context.doc.range) : (context.locate(['stages']).key ?? context.doc.range),
      `Gates watch ${missing.map((item) => item.label).join(' and ')}, but the baseline gives no healthy value for ${missing.length === 1 ? 'it' : 'them'}: relative bounds, gate power and false-rollback risk cannot be judged, and the simulator assumes 0.1% errors and a 200 ms p95. Declare the current version's values.`,
      {
        fixes: complete
          ? [
              {
                title: `Add baseline ${missing.map((item) => item.key).join(', ')} (example values to replace)`,
                edits: edits as NonNullable<(typeof edits)[number]>[],
                safe: false,
                preferred: true,
              },
            ]
          : undefined,
      },
    );
  },
};
