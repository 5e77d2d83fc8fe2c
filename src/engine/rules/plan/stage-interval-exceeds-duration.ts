// stage-interval-exceeds-duration

import { stageViews } from '../../model/plan-view';
import { formatMinutes } from '../../model/units';
import { replaceValue } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'stage-interval-exceeds-duration',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A stage ends before its first gate evaluation.',
    reads: ['release-plan'],
    fix: 'not safe, when `interval` is written',
  },
  check(context) {
    const { value } = context;
    for (const stage of stageViews(value)) {
      if (stage.durationMinutes === undefined || stage.gates.length === 0 || stage.intervalMinutes <= stage.durationMinutes) continue;
      const explicit = 'interval' in stage.raw;
      const edit = explicit ? replaceValue(context, ['stages', stage.index, 'interval'], stage.raw.duration) : undefined;
      context.report(
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
});
