// A file that is not UTF-8 text: reported once, at the first bad character, with the count (a file can hold millions).

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'invalid-encoding',
    family: 'syntax',
    defaultSeverity: 'warning',
    summary: 'The file is not UTF-8 text: bytes that are not UTF-8 (read as U+FFFD), or NUL characters of binary content.',
    reads: ['text'],
  },
  check({ textFacts, lines, report }) {
    const problem = textFacts.encoding;
    if (!problem) return;
    const many = problem.count > 1 ? ` (${problem.count.toLocaleString('en-US')} in the file)` : '';
    report(
      lines.range(problem.first, problem.first + 1),
      problem.kind === 'binary'
        ? `The file holds NUL characters${many}: it looks like binary content, not text. Stagegate reads YAML, JSON and SQL as UTF-8 text.`
        : `Bytes here are not valid UTF-8 and were read as the replacement character U+FFFD${many}. Save the file as UTF-8.`,
    );
  },
});
