// A flag nobody owns is a flag nobody removes.

import { defineRule } from '../../rule-kit/rule';
import { addFlagField, flagRange } from '../../rule-kit/flags';

export default defineRule({
  meta: {
    id: 'flag-missing-owner',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A flag has no owner, so nobody is accountable for its state or its removal.',
    reads: ['flag-set', 'flagd'],
    fix: 'safe when CODEOWNERS or `defaultOwner` names an owner',
  },
  check(context) {
    const { flags } = context;
    const field = flags.fieldName('owner');
    for (const flag of flags.flags) {
      const owner = flag.owner?.value;
      if (typeof owner === 'string' && owner.trim() !== '') continue;
      const suggestion = context.facts.suggestOwner(context.path);
      const edit = addFlagField(context, flags, flag, 'owner', suggestion ?? 'TODO-owner');
      const inherited = flags.format === 'flagd' ? ' (on the flag or the flag set)' : '';
      context.report(
        flagRange(context, flag),
        `Flag "${flag.key}" has no ${field}${inherited}: nobody is accountable for its state or its removal.${suggestion ? ` CODEOWNERS suggests ${suggestion}.` : ''}`,
        {
          fixes: edit
            ? [
                {
                  title: suggestion
                    ? `Set ${field} to ${suggestion} (from CODEOWNERS)`
                    : field === 'owner'
                      ? 'Add an owner'
                      : `Add ${field}`,
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
});
