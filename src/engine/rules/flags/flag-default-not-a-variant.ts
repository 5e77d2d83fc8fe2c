// The default must be a value the flag can serve; otherwise the SDK falls back to whatever the code says.

import type { DocumentRule } from '../context';
import { replaceValue } from '../edits';
import { flagEntries, variantNames } from './flag-view';

/** Variant names that usually mean "the old behaviour", preferred as the replacement default. */
const SAFE_DEFAULT_NAMES = ['off', 'control', 'disabled', 'false', 'old', 'baseline'];

export const flagDefaultNotAVariant: DocumentRule = {
  meta: {
    id: 'flag-default-not-a-variant',
    family: 'flags',
    defaultSeverity: 'error',
    summary: "A flag's default names no variant of the flag.",
  },
  appliesTo: 'flag-set',
  check(context, value) {
    for (const { key, flag } of flagEntries(value)) {
      if (flag.default === undefined) continue;
      const names = variantNames(flag);
      if (names === undefined) {
        if (typeof flag.default === 'boolean') continue;
        context.report(
          'flag-default-not-a-variant',
          context.locate(['flags', key, 'default']).value,
          `Flag "${key}" has no variants, so it is a boolean: its default must be true or false, not ${JSON.stringify(flag.default)}.`,
        );
        continue;
      }
      if (typeof flag.default === 'string' && names.includes(flag.default)) continue;
      const variants = flag.variants as Record<string, unknown>;
      const replacement =
        names.find((name) => SAFE_DEFAULT_NAMES.includes(name.toLowerCase())) ?? names.find((name) => variants[name] === false) ?? names[0];
      const edit = replaceValue(context, ['flags', key, 'default'], replacement);
      context.report(
        'flag-default-not-a-variant',
        context.locate(['flags', key, 'default']).value,
        `Default ${JSON.stringify(flag.default)} of flag "${key}" is not one of its variants (${names.join(', ')}).`,
        {
          fixes: edit ? [{ title: `Use variant "${replacement}" as the default`, edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
    }
  },
};
