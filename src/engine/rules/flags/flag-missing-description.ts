// Each flag needs a reason to exist, written down where the next reader looks.

import { flagRange } from '../../rule-kit/flags';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-missing-description',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A flag has no description: no written reason to exist.',
    reads: ['flag-set'],
  },
  check(context) {
    for (const flag of context.flags.flags) {
      const description = flag.description?.value;
      if (typeof description === 'string' && description.trim() !== '') continue;
      context.report(flagRange(context, flag), `Flag "${flag.key}" has no description: say what it hides or protects and when it can go.`);
    }
  },
});
