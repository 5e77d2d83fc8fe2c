// What the YAML parser could not read: each error where the parser stopped, or where an unclosed quote opened.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'syntax-error',
    family: 'syntax',
    defaultSeverity: 'error',
    summary: 'The file is not valid YAML or JSON.',
    reads: ['yaml'],
  },
  check({ file, report }) {
    for (const problem of file.problems) if (problem.kind === 'syntax-error') report(problem.range, problem.message);
  },
});
