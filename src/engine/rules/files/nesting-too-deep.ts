// Nesting beyond MAX_NESTING_DEPTH (src/engine/limits.ts): such a document is not read, so a hostile file cannot exhaust the stack.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'nesting-too-deep',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'Collections nest deeper than Stagegate reads.',
    reads: ['yaml'],
  },
  check({ file, report }) {
    for (const problem of file.problems) if (problem.kind === 'nesting-too-deep') report(problem.range, problem.message);
  },
});
