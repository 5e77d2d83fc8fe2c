// Targeting answers with a variant name; a name the flag does not define makes flagd answer with an error, and the
// application falls back to its code default for exactly the subjects the rule meant to target.

import { defineRule } from '../../rule-kit/rule';
import { list } from '../read';
import { flagdFlags, fractionalBuckets, operations, variantNames } from './flagd-view';

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
      const unknown = (name: string) => !names.includes(name);
      for (const node of operations(flag.flag.targeting, [...flag.path, 'targeting'])) {
        const results: { name: string; index: number; inner?: number }[] = [];
        if (node.operator === 'if') {
          // [condition, then, condition, then, …, else]: results sit at odd positions and at the end.
          const args = list(node.args);
          args.forEach((arg, index) => {
            if (typeof arg === 'string' && (index % 2 === 1 || index === args.length - 1)) results.push({ name: arg, index });
          });
        } else if (node.operator === 'fractional') {
          for (const bucket of fractionalBuckets(node))
            if (bucket.variant !== undefined) results.push({ name: bucket.variant, index: bucket.index, inner: 0 });
        }
        for (const result of results) {
          if (!unknown(result.name)) continue;
          const path = result.inner === undefined ? [...node.path, result.index] : [...node.path, result.index, result.inner];
          context.report(
            context.locate(path).value,
            `Targeting of flag "${flag.key}" returns "${result.name}", which is not one of its variants (${names.join(', ')}): flagd answers with an error for these subjects.`,
          );
        }
      }
    }
  },
});
