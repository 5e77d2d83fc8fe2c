// breakdown-unknown-dimension

import { stageViews, trafficView } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'breakdown-unknown-dimension',
    family: 'plan',
    defaultSeverity: 'error',
    summary: '`breakdown` names a dimension the traffic model does not have.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const { dimensions } = trafficView(value);
    for (const stage of stageViews(value)) {
      if (!Array.isArray(stage.raw.breakdown)) continue;
      stage.raw.breakdown.forEach((name, index) => {
        if (typeof name !== 'string' || dimensions.includes(name)) return;
        context.report(
          context.locate(['stages', stage.index, 'breakdown', index]).value,
          `Stage "${stage.name}" breaks down by "${name}", which traffic.dimensions does not define${dimensions.length ? ` (${dimensions.join(', ')})` : ''}.`,
        );
      });
    }
  },
});
