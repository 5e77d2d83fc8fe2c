// Short-lived flags (release, experiment, ops) need a removal date, or they outlive their reason.

import { addDays } from '../../model/dates';
import { DEFAULT_LIFETIME_DAYS, SHORT_LIVED_TYPES } from '../../model/flag-view';
import { addFlagField, flagRange } from '../../rule-kit/flags';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-missing-expiry',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A release, experiment or ops flag has no expiry date.',
    reads: ['flag-set', 'flagd'],
    fix: 'safe',
  },
  check(context) {
    const { flags } = context;
    const field = flags.fieldName('expires');
    for (const flag of flags.flags) {
      if (!SHORT_LIVED_TYPES.has(flag.type) || flag.expires !== undefined) continue;
      const lifetime = DEFAULT_LIFETIME_DAYS[flag.type] ?? 40;
      const expires = addDays(context.config.today, lifetime);
      const edit = addFlagField(context, flags, flag, 'expires', expires);
      const stays =
        flags.format === 'flagd' ? `; set ${flags.fieldName('type')} to permission or kill-switch for a flag meant to stay` : '';
      context.report(
        flagRange(context, flag),
        `${capitalise(flag.type)} flag "${flag.key}" has no expiry date (${field}): without one it stays in the code after its purpose is gone. Typical lifetime for this type: ${lifetime} days${stays}.`,
        {
          fixes: edit
            ? [{ title: `Add ${field}: ${expires} (${lifetime} days from today)`, edits: [edit], safe: true, preferred: true }]
            : undefined,
        },
      );
    }
  },
});

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
