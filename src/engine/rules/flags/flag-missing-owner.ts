// A flag nobody owns is a flag nobody removes, and a placeholder (`TODO`, `TBD`, the `TODO-owner` of an earlier fix)
// owns nothing: it only hides that nobody was named.

import type { Fix, TextEdit } from '../../finding';
import type { FlagView } from '../../model/flag-view';
import { isOwner, OWNER_PLACEHOLDER, type OwnerSuggestion } from '../../model/owner';
import type { DocumentContext } from '../../rule-kit/context';
import { replaceValue, withTabStop } from '../../rule-kit/edits';
import { addFlagField, flagRange } from '../../rule-kit/flags';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-missing-owner',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A flag has no owner, or a placeholder (`TODO`, `TBD`, …) for one, so nobody is accountable for its state or its removal.',
    reads: ['flag-set', 'flagd'],
    fix: 'safe when `flags.defaultOwner`, CODEOWNERS or `defaultOwner` names an owner',
  },
  check(context) {
    const { flags } = context;
    const field = flags.fieldName('owner');
    const configured = context.facts.defaultOwner(context.path);
    const suggestion: OwnerSuggestion | undefined = configured
      ? { owner: configured, from: 'flags.defaultOwner' }
      : context.facts.suggestOwner(context.path);
    const suggests = suggestion
      ? ` ${suggestion.from === 'CODEOWNERS' ? 'CODEOWNERS' : `\`${suggestion.from}\``} suggests ${suggestion.owner}.`
      : '';
    // A flag set's placeholder is reported once, for every flag that inherits it.
    const inheriting: FlagView[] = [];
    for (const flag of flags.flags) {
      const owner = flag.owner;
      if (owner === undefined) {
        // `flags.defaultOwner` owns the flags of the files it matches that name no owner of their own.
        if (configured) continue;
        const edit = addFlagField(context, flags, flag, 'owner', suggestion?.owner ?? OWNER_PLACEHOLDER);
        const inherited = flags.format === 'flagd' ? ' (on the flag or the flag set)' : '';
        context.report(
          flagRange(context, flag),
          `Flag "${flag.key}" has no ${field}${inherited}: nobody is accountable for its state or its removal.${suggests}`,
          { fixes: edit ? [ownerFix(edit, suggestion, field, field === 'owner' ? 'Add an owner' : `Add ${field}`)] : undefined },
        );
        continue;
      }
      if (isOwner(owner.value)) continue;
      if (owner.fromSet) {
        inheriting.push(flag);
        continue;
      }
      context.report(
        context.locate(owner.path).value,
        `Flag "${flag.key}" has ${ownerWords(field, owner.value).flag}: nobody is accountable for its state or its removal.${suggests}`,
        { fixes: replacement(context, owner.path, owner.value, suggestion, field) },
      );
    }
    const setOwner = inheriting[0]?.owner;
    if (setOwner) {
      const keys = inheriting.map((flag) => flag.key);
      const shown = keys.length > 5 ? `${keys.slice(0, 5).join(', ')}, …` : keys.join(', ');
      context.report(
        context.locate(setOwner.path).value,
        `The flag set's ${ownerWords(field, setOwner.value).set}, for ${keys.length} flag${keys.length === 1 ? '' : 's'} (${shown}): nobody is accountable for their state or their removal.${suggests}`,
        { fixes: replacement(context, setOwner.path, setOwner.value, suggestion, field) },
      );
    }
  },
});

/** An owner value that names nobody, in words: as a flag's (`has …`) and as the flag set's (`… is …`). */
function ownerWords(field: string, value: unknown): { flag: string; set: string } {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return { flag: `an empty ${field}`, set: `${field} is empty` };
  if (typeof value === 'string')
    return { flag: `${field} "${value}", a placeholder, not an owner`, set: `${field} "${value}" is a placeholder, not an owner` };
  return { flag: `${field} ${JSON.stringify(value)}, which names nobody`, set: `${field} ${JSON.stringify(value)} names nobody` };
}

/** With a suggested owner, a safe fix that writes it; without, a snippet whose tab stop waits for the user's owner. */
function ownerFix(edit: TextEdit, suggestion: OwnerSuggestion | undefined, field: string, title: string): Fix {
  if (suggestion)
    return { title: `Set ${field} to ${suggestion.owner} (from ${suggestion.from})`, edits: [edit], safe: true, preferred: true };
  return { title, edits: [withTabStop(edit, OWNER_PLACEHOLDER)], safe: false, preferred: true };
}

/** Replaces a placeholder owner: with the suggested owner, or with a tab stop on the placeholder. */
function replacement(
  context: DocumentContext,
  path: FlagView['path'],
  value: unknown,
  suggestion: OwnerSuggestion | undefined,
  field: string,
): Fix[] | undefined {
  const placeholder = typeof value === 'string' && value.trim() !== '' ? value.trim() : OWNER_PLACEHOLDER;
  const edit = replaceValue(context, path, suggestion?.owner ?? placeholder);
  if (!edit) return undefined;
  return [ownerFix(edit, suggestion, field, `Write the ${field}`)];
}
