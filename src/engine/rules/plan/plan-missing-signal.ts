// plan-missing-signal

import { stageViews, isCanaryStage, baselineView } from '../../model/plan-view';
import { insertEntry, appendItem } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-missing-signal',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'No canary gate watches one of the signals the plan declares (error rate, p95 latency, each baseline KPI).',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
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
          ? appendItem(context, gatesPath, signal.gate)
          : insertEntry(context, ['stages', target.index], 'gates', [signal.gate]);
      context.report(
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
});
