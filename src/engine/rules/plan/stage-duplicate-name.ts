// stage-duplicate-name

import { stageViews } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'stage-duplicate-name',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'Two stages share a name, so reports and rollbacks cannot tell them apart.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const seen = new Map<string, number>();
    for (const stage of stageViews(value)) {
      if (typeof stage.raw.name !== 'string') continue;
      const first = seen.get(stage.raw.name);
      if (first === undefined) seen.set(stage.raw.name, stage.index);
      else
        context.report(
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
});
