// gate-unknown-kpi

import { stageViews } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'gate-unknown-kpi',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A gate watches a KPI the baseline does not declare.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const baseline = value.baseline as { kpis?: Record<string, unknown> } | undefined;
    const known = baseline && typeof baseline.kpis === 'object' && baseline.kpis ? Object.keys(baseline.kpis) : [];
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        if (!gate.metric?.startsWith('kpi:')) continue;
        const name = gate.metric.slice(4);
        if (known.includes(name)) continue;
        context.report(
          context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
          `KPI "${name}" is not in baseline.kpis${known.length ? ` (${known.join(', ')})` : ''}: the gate has no healthy value to compare with and the simulator cannot replay it.`,
        );
      }
    }
  },
});
