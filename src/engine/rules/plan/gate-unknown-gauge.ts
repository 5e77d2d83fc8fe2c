// gate-unknown-gauge

import { stageViews } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'gate-unknown-gauge',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A gate watches a gauge the baseline does not declare.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const baseline = value.baseline as { gauges?: Record<string, unknown> } | undefined;
    const known = baseline && typeof baseline.gauges === 'object' && baseline.gauges ? Object.keys(baseline.gauges) : [];
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        if (!gate.metric?.startsWith('gauge:')) continue;
        const name = gate.metric.slice(6);
        if (known.includes(name)) continue;
        context.report(
          context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
          `Gauge "${name}" is not in baseline.gauges${known.length ? ` (${known.join(', ')})` : ''}: the gate has no healthy value to compare with and the simulator skips it.`,
        );
      }
    }
  },
});
