// The default must be a value the flag can serve; otherwise the application falls back to whatever its code says.

import { variantNames } from '../../model/flag-view';
import { replaceValue } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

/** Variant names that usually mean "the old behaviour", preferred as the replacement default. */
const SAFE_DEFAULT_NAMES = ['off', 'control', 'disabled', 'false', 'old', 'baseline'];

export default defineRule({
  meta: {
    id: 'flag-default-not-a-variant',
    family: 'flags',
    defaultSeverity: 'error',
    summary: "A flag's default names no variant of the flag.",
    reads: ['flag-set', 'flagd'],
    fix: 'not safe',
  },
  check(context) {
    const field = context.flags.fieldName('default');
    for (const flag of context.flags.flags) {
      if (!flag.default) continue;
      const value = flag.default.value;
      const range = context.locate(flag.default.path).value;
      const names = variantNames(flag);
      if (names === undefined) {
        // A flag set's flag without variants is a boolean; a flagd flag must have variants, which the schema reports.
        if (typeof value === 'boolean' || context.flags.format === 'flagd') continue;
        context.report(
          range,
          `Flag "${flag.key}" has no variants, so it is a boolean: its ${field} must be true or false, not ${JSON.stringify(value)}.`,
        );
        continue;
      }
      if (names.length === 0 || (typeof value === 'string' && names.includes(value))) continue;
      const variants = flag.variants ?? {};
      const replacement =
        names.find((name) => SAFE_DEFAULT_NAMES.includes(name.toLowerCase())) ?? names.find((name) => variants[name] === false) ?? names[0];
      const edit = replaceValue(context, flag.default.path, replacement);
      context.report(
        range,
        `The ${field} ${JSON.stringify(value)} of flag "${flag.key}" is not one of its variants (${names.join(', ')}): the flag cannot serve it, so applications fall back to their code default.`,
        {
          fixes: edit ? [{ title: `Use variant "${replacement}" as the default`, edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
    }
  },
});
