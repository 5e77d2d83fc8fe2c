// baseline-missing

import { stageViews, baselineView } from '../../model/plan-view';
import { insertEntry } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';
import { isRecord } from '../../values';

export default defineRule({
  meta: {
    id: 'baseline-missing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary:
      'Gates watch a signal whose healthy value the baseline does not give, so their power and false-rollback risk cannot be judged.',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
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
});
