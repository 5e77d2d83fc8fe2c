// Where a new flag goes in a flag set: at the end of its `flags` mapping (block YAML) or where it opens (JSON, flow).

import type { TextEdit } from '../finding';
import { locate, type ParsedDocument, type SourceFile } from '../parse/source-file';
import { flagTemplate, newFlag } from '../templates';

/** Adds a flag to a flag set's `flags` mapping where it ends (block YAML) or where it opens (JSON, flow). */
export function newFlagEdit(file: SourceFile, doc: ParsedDocument, key: string, owner: string, today: string): TextEdit | undefined {
  const located = locate(file, doc, ['flags']);
  if (located.depth !== 1) return undefined;
  const start = file.lines.offsetAt(located.value.start);
  if (file.text[start] === '{') {
    const empty = /^\{\s*\}/.test(file.text.slice(start));
    const at = file.lines.positionAt(start + 1);
    return {
      range: { start: at, end: at },
      newText: `${JSON.stringify(key)}: ${JSON.stringify(newFlag(owner, today))}${empty ? '' : ', '}`,
    };
  }
  if (located.key && located.value === located.key) return undefined;
  const entry = flagTemplate(key, owner, today, ' '.repeat(located.value.start.character));
  const endLine = located.value.end.line;
  const atEnd = endLine + 1 >= file.lines.lineCount;
  const offset = atEnd ? file.text.length : file.lines.lineStart(endLine + 1);
  const at = file.lines.positionAt(offset);
  return { range: { start: at, end: at }, newText: `${atEnd && !file.text.endsWith('\n') ? '\n' : ''}${entry}` };
}
