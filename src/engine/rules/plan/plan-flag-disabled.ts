// A DISABLED flagd flag is treated as if it did not exist: a plan that exposes it ships nothing behind it.

import { planFlags } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-flag-disabled',
    family: 'cross-file',
    defaultSeverity: 'warning',
    summary: 'The plan exposes a flagd flag whose `state` is DISABLED, so the release exposes nothing through it.',
    reads: ['release-plan'],
  },
  check({ value, facts, locate, report }) {
    for (const { key, index } of planFlags(value)) {
      const definitions = facts.flags.get(key) ?? [];
      if (definitions.length === 0 || !definitions.every((definition) => definition.disabled)) continue;
      report(
        locate(['flags', index]).value,
        `Flag "${key}" is DISABLED in flagd: flagd treats it as if it did not exist, so every user gets the code default and the stages watch no change. Set its state to ENABLED, or drop it from the plan.`,
        {
          related: definitions.map((definition) => ({
            file: definition.file,
            range: definition.keyRange,
            message: `"${key}" is DISABLED`,
          })),
        },
      );
    }
  },
});
