// A file above MAX_FILE_BYTES is not parsed (src/engine/limits.ts): say so, rather than check nothing in silence.

import { MAX_FILE_BYTES } from '../../limits';
import { defineRule } from '../../rule-kit/rule';
import { formatBytes } from '../../text/text-facts';

export default defineRule({
  meta: {
    id: 'file-too-large',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The file is larger than Stagegate reads.',
    reads: ['text'],
  },
  check({ textFacts, lines, report }) {
    if (!textFacts.tooLarge) return;
    report(
      lines.range(0, lines.lineEnd(0)),
      `File is ${formatBytes(textFacts.byteLength)}; Stagegate checks files up to ${formatBytes(MAX_FILE_BYTES)}. Split it into smaller files.`,
    );
  },
});
