// More alias expansions than MAX_ALIAS_COUNT (src/engine/limits.ts), the guard against "billion laughs": the document is not read.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'yaml-alias-limit',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The document expands more YAML aliases than Stagegate allows.',
    reads: ['yaml'],
  },
  check({ file, report }) {
    for (const problem of file.problems) if (problem.kind === 'yaml-alias-limit') report(problem.range, problem.message);
  },
});
