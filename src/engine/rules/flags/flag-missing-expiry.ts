// Short-lived flags (release, experiment, ops) need a removal date, or they outlive their reason.

import type { DocumentRule } from '../context';
import { addDays } from '../dates';
import { insertEntry } from '../edits';
import { DEFAULT_LIFETIME_DAYS, flagEntries, SHORT_LIVED_TYPES } from './flag-view';

export const flagMissingExpiry: DocumentRule = {
  meta: {
    id: 'flag-missing-expiry',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A release, experiment or ops flag has no expiry date.',
  },
  appliesTo: 'flag-set',
  check(context, value) {
    for (const { key, flag, type } of flagEntries(value)) {
      if (!SHORT_LIVED_TYPES.has(type) || flag.expires !== undefined) continue;
      const lifetime = DEFAULT_LIFETIME_DAYS[type] ?? 40;
      const expires = addDays(context.config.today, lifetime);
      const edit = insertEntry(context, ['flags', key], 'expires', expires);
      context.report(
        'flag-missing-expiry',
        context.locate(['flags', key]).key ?? context.doc.range,
        `${capitalise(type)} flag "${key}" has no expiry date: without one it stays in the code after its purpose is gone. Typical lifetime for this type: ${lifetime} days.`,
        {
          fixes: edit
            ? [{ title: `Add expires: ${expires} (${lifetime} days from today)`, edits: [edit], safe: true, preferred: true }]
            : undefined,
        },
      );
    }
  },
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
