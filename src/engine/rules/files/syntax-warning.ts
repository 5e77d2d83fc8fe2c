// What the YAML parser accepted but warned about.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'syntax-warning',
    family: 'syntax',
    defaultSeverity: 'warning',
    summary: 'The YAML parser accepted the file but found something suspicious.',
    reads: ['yaml'],
  },
  check({ file, report }) {
    for (const problem of file.problems) if (problem.kind === 'syntax-warning') report(problem.range, problem.message);
  },
});
