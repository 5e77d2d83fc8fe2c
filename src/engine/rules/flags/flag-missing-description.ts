// Each flag needs a reason to exist, written down where the next reader looks.

import type { DocumentRule } from '../context';
import { flagEntries } from './flag-view';

export const flagMissingDescription: DocumentRule = {
  meta: {
    id: 'flag-missing-description',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A flag has no description: no written reason to exist.',
  },
  appliesTo: 'flag-set',
  check(context, value) {
    for (const { key, flag } of flagEntries(value)) {
      if (typeof flag.description === 'string' && flag.description.trim() !== '') continue;
      context.report(
        'flag-missing-description',
        context.locate(['flags', key]).key ?? context.doc.range,
        `Flag "${key}" has no description: say what it hides or protects and when it can go.`,
      );
    }
  },
};
