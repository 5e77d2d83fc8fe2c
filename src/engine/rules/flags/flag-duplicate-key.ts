// A flag key written twice in one file: YAML keeps the last definition, so the first one's settings vanish.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-duplicate-key',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'The same flag key is defined twice in one file; YAML silently keeps only the last definition.',
    reads: ['flag-set', 'flagd'],
    readsRepaired: true,
  },
  check({ path, doc, report }) {
    for (const duplicate of doc.duplicateKeys) {
      if (duplicate.parent.length !== 1 || duplicate.parent[0] !== 'flags') continue;
      report(duplicate.duplicateRange, `Flag "${duplicate.key}" is defined twice in this file; YAML keeps only the last definition.`, {
        related: [{ file: path, range: duplicate.firstRange, message: 'first definition' }],
      });
    }
  },
});
