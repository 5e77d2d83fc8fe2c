// Targeting answers with a variant name; a name the flag does not define makes flagd answer with an error, and the
// application falls back to its code default for exactly the subjects the rule meant to target.

import { defineRule } from '../../rule-kit/rule';
import { flagdFlags, targetingResults, variantNames } from './flagd-view';

export default defineRule({
  meta: {
    id: 'flagd-targeting-unknown-variant',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'Targeting returns a variant name the flag does not define (an `if` result or a `fractional` bucket).',
    reads: ['flagd'],
  },
  check(context) {
    const { value } = context;
    for (const flag of flagdFlags(value)) {
      const names = variantNames(flag.flag);
      if (!names || names.length === 0) continue;
      for (const result of targetingResults(flag.flag.targeting, [...flag.path, 'targeting'])) {
        if (names.includes(result.name)) continue;
        context.report(
          context.locate(result.path).value,
          `Targeting of flag "${flag.key}" returns "${result.name}", which is not one of its variants (${names.join(', ')}): flagd answers with an error for these subjects.`,
        );
      }
    }
  },
});
