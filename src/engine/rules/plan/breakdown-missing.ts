// breakdown-missing

import { stageViews, isCanaryStage, trafficView } from '../../model/plan-view';
import { insertEntry } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'breakdown-missing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'The traffic has dimensions but no stage judges its gates per dimension value.',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
    const { dimensions } = trafficView(value);
    if (dimensions.length === 0) return;
    const stages = stageViews(value);
    if (stages.some((stage) => Array.isArray(stage.raw.breakdown) && stage.raw.breakdown.length > 0)) return;
    const target = stages.find(isCanaryStage);
    const edit = target ? insertEntry(context, ['stages', target.index], 'breakdown', [dimensions[0]]) : undefined;
    context.report(
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
});
