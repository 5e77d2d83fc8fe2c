// Every value against the format's JSON Schema (Stagegate's own, or flagd's vendored one), each problem once, at
// the narrowest node: unknown key at the key, wrong type or value at the value, missing key at the parent's key.

import { parseIsoDate } from '../../model/dates';
import { defineRule } from '../../rule-kit/rule';
import { validateFlagdDocument } from '../../schema/flagd';
import { validateDocument } from '../../schema/validate';
import { isRecord } from '../../values';

export default defineRule({
  meta: {
    id: 'schema',
    family: 'schema',
    defaultSeverity: 'error',
    summary: 'A value does not match the file format (unknown key, wrong type, missing key, out of range).',
    reads: ['release-plan', 'flag-set', 'flagd'],
    readsRepaired: true,
  },
  check(context) {
    const { kind, file, doc, report } = context;
    if (kind !== 'flagd') {
      for (const problem of validateDocument(file, doc, kind)) report(problem.range, problem.message);
      return;
    }
    for (const problem of validateFlagdDocument(file, doc)) report(problem.range, problem.message);
    // flagd's schema leaves metadata free; metadata.expires is the key Stagegate documents, and must be a date.
    const malformed = (value: unknown) => !(typeof value === 'string' && parseIsoDate(value) !== undefined);
    for (const flag of context.flags.flags) {
      if (!flag.expires || flag.expires.fromSet || !malformed(flag.expires.value)) continue;
      report(context.locate(flag.expires.path).value, `metadata.expires of flag "${flag.key}" must be a date written YYYY-MM-DD.`);
    }
    const setExpiry = isRecord(context.value.metadata) ? context.value.metadata.expires : undefined;
    if (setExpiry !== undefined && malformed(setExpiry)) {
      report(context.locate(['metadata', 'expires']).value, 'metadata.expires of the flag set must be a date written YYYY-MM-DD.');
    }
  },
});
