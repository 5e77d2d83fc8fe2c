// A flag nobody owns is a flag nobody removes.

import type { DocumentRule } from '../context';
import { insertEntry } from '../edits';
import { isRecord } from '../../values';
import { flagEntries } from './flag-view';

export const flagMissingOwner: DocumentRule = {
  meta: {
    id: 'flag-missing-owner',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A flag has no owner, so nobody is accountable for its state or its removal.',
  },
  appliesTo: 'flag-set',
  check(context, value) {
    const setOwner = isRecord(value.metadata) && typeof value.metadata.owner === 'string' && value.metadata.owner.trim() !== '';
    if (setOwner) return;
    for (const { key, flag } of flagEntries(value)) {
      if (typeof flag.owner === 'string' && flag.owner.trim() !== '') continue;
      const suggestion = context.facts.suggestOwner(context.file.path);
      const edit = insertEntry(context, ['flags', key], 'owner', suggestion ?? 'TODO-owner');
      context.report(
        'flag-missing-owner',
        context.locate(['flags', key]).key ?? context.doc.range,
        `Flag "${key}" has no owner: nobody is accountable for its state or its removal.${suggestion ? ` CODEOWNERS suggests ${suggestion}.` : ''}`,
        {
          fixes: edit
            ? [
                {
                  title: suggestion ? `Set owner to ${suggestion} (from CODEOWNERS)` : 'Add an owner',
                  edits: [edit],
                  safe: suggestion !== undefined,
                  preferred: true,
                },
              ]
            : undefined,
        },
      );
    }
  },
};
