// What counts as an owner: a name someone answers to. A placeholder (`TODO`, `TBD`, `unknown`, `none`, an empty value,
// the `TODO-owner` an earlier add-owner fix wrote, the `your-team` of Stagegate's templates) names nobody.

const PLACEHOLDERS = new Set(['todo', 'tbd', 'unknown', 'none', 'your-team']);

/** Whether a written owner names nobody: empty, blank, or a placeholder word (any case, with or without `-owner`). */
export function isPlaceholderOwner(value: string): boolean {
  const word = value.trim().replace(/^@/, '').toLowerCase();
  return word === '' || PLACEHOLDERS.has(word) || PLACEHOLDERS.has(word.replace(/[-_ ]owner$/, ''));
}

/** An owner value that names someone: non-empty text that is no placeholder. */
export function isOwner(value: unknown): value is string {
  return typeof value === 'string' && !isPlaceholderOwner(value);
}

/** The placeholder the editor's add-owner snippet selects; the rule reports it until it is replaced. */
export const OWNER_PLACEHOLDER = 'TODO-owner';

/** An owner to write into a flag file, and which setting names it. */
export interface OwnerSuggestion {
  owner: string;
  from: 'flags.defaultOwner' | 'CODEOWNERS' | 'defaultOwner';
}
