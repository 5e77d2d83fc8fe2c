// gate-without-bound

import { stageViews, hasBound } from '../../model/plan-view';
import { keyOrValue } from '../../parse/source-file';
import { insertEntry } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'gate-without-bound',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A gate names a metric but no bound (max, min, maxIncrease or minRatio), so it can never fail.',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        if (hasBound(gate) || ['max', 'min', 'maxIncrease', 'minRatio'].some((key) => key in gate.raw)) continue;
        const suggested = gate.metric?.startsWith('kpi:') ? { key: 'minRatio', value: 0.98 } : { key: 'maxIncrease', value: '20%' };
        const edit = insertEntry(context, ['stages', stage.index, 'gates', gate.index], suggested.key, suggested.value);
        const gatePath = ['stages', stage.index, 'gates', gate.index];
        const metric = context.locate([...gatePath, 'metric']);
        const range = metric.depth === gatePath.length + 1 ? metric.value : keyOrValue(context.locate(gatePath), context.file.lines);
        context.report(
          range,
          `Gate on ${gate.metric ?? 'a metric'} in stage "${stage.name}" has no bound (max, min, maxIncrease or minRatio): it can never fail.`,
          {
            fixes: edit ? [{ title: `Add ${suggested.key}: ${suggested.value}`, edits: [edit], safe: false, preferred: true }] : undefined,
          },
        );
      }
    }
  },
});
