// YAML keeps the last of two equal keys without a word; the first one's value silently disappears.

import { DOCUMENT_KINDS } from '../../formats/recognise';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'duplicate-key',
    family: 'syntax',
    defaultSeverity: 'error',
    summary: 'A key appears twice in one mapping; YAML silently keeps only the last one.',
    reads: DOCUMENT_KINDS,
    readsRepaired: true,
  },
  check({ kind, path, doc, report }) {
    const flagKinds = kind === 'flag-set' || kind === 'flagd';
    for (const duplicate of doc.duplicateKeys) {
      // A flag defined twice is flag-duplicate-key's.
      if (flagKinds && duplicate.parent.length === 1 && duplicate.parent[0] === 'flags') continue;
      report(duplicate.duplicateRange, `Key "${duplicate.key}" appears twice; YAML keeps only the last one.`, {
        related: [{ file: path, range: duplicate.firstRange, message: 'first definition' }],
      });
    }
  },
});
