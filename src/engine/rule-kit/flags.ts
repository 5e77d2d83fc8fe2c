// Where flag rules report and how they write a missing field, for a flag set and a flagd file alike.

import type { Range, TextEdit } from '../finding';
import type { FlagSetView, FlagView } from '../model/flag-view';
import type { DocumentContext } from './context';
import { insertEntry } from './edits';

/** The range findings about a flag as a whole go to: its key, or its `key` value in flagd's list form. */
export function flagRange(target: Pick<DocumentContext, 'locate' | 'doc'>, flag: FlagView): Range {
  const located = target.locate(flag.anchor.path);
  if (flag.anchor.on === 'value') return located.value;
  return located.key ?? target.doc.range;
}

/** Writes `field: value` into a flag, creating flagd's `metadata` mapping when the flag has none. */
export function addFlagField(
  context: DocumentContext,
  flags: FlagSetView,
  flag: FlagView,
  field: 'owner' | 'expires',
  value: string,
): TextEdit | undefined {
  const { mapPath, key, wrapIn } = flags.insertion(flag, field);
  if (!wrapIn) return insertEntry(context, mapPath, key, value);
  const edit = insertEntry(context, mapPath, wrapIn, { [key]: value });
  // Quoted in block YAML too: YAML 1.1 readers (flagd's Go loader among them) take a bare 2027-01-05 for a timestamp.
  if (edit) edit.newText = edit.newText.replace(`${key}: ${value}\n`, `${key}: ${JSON.stringify(value)}\n`);
  return edit;
}
