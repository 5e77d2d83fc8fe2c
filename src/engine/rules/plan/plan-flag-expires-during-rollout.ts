// plan-flag-expires-during-rollout

import { addDays, daysBetween } from '../../model/dates';
import { DEFAULT_FINAL_STAGE_MINUTES } from '../../model/plan';
import { stageViews, planFlags } from '../../model/plan-view';
import { formatMinutes } from '../../model/units';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-flag-expires-during-rollout',
    family: 'cross-file',
    defaultSeverity: 'warning',
    summary: "A flag the plan exposes expires before the plan's stages could finish if started today.",
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const stages = stageViews(value);
    const minutes = stages.reduce(
      (total, stage, index) => total + (stage.durationMinutes ?? (index === stages.length - 1 ? DEFAULT_FINAL_STAGE_MINUTES : 0)),
      0,
    );
    const finish = addDays(context.config.today, Math.ceil(minutes / 1440));
    for (const { key, index } of planFlags(value)) {
      for (const definition of context.facts.flags.get(key) ?? []) {
        if (!definition.expires) continue;
        const days = daysBetween(definition.expires, finish);
        if (days === undefined || days <= 0) continue;
        context.report(
          context.locate(['flags', index]).value,
          `Flag "${key}" expires on ${definition.expires}, but the rollout takes ${formatMinutes(minutes)} and, started today, ends on ${finish}: the flag would be due for removal while the plan still depends on it.`,
          {
            related: [{ file: definition.file, range: definition.keyRange, message: `"${key}" expires ${definition.expires}` }],
          },
        );
        break;
      }
    }
  },
});
