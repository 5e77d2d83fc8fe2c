// A flag set beyond MAX_FLAGS (src/engine/limits.ts) is not linted flag by flag; this says so instead.

import { MAX_FLAGS } from '../../limits';
import { flagCount } from '../../model/size';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-set-too-large',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The flag set has more flags than Stagegate lints.',
    reads: ['flag-set'],
  },
  check({ value, locate, doc, report }) {
    const count = flagCount(value);
    if (count <= MAX_FLAGS) return;
    report(
      locate(['flags']).key ?? doc.range,
      `The flag set has ${count} flags; Stagegate lints flag sets of up to ${MAX_FLAGS}. Split it into several files.`,
    );
  },
});
