// Builds the text edits behind fixes, keeping the file's own layout: block YAML gets a new indented line,
// flow mappings and JSON get a `"key": value` entry.

import { stringify } from 'yaml';
import type { Range, TextEdit } from '../finding';
import type { Located, Path, SourceFile } from '../parse/source-file';

/** What an edit needs of a rule's context: the file and where paths into the document are. */
interface EditTarget {
  file: SourceFile;
  locate(path: Path): Located;
}

/** Inserts `key: value` into the mapping at `mapPath` (which must exist). `value` is JSON, valid YAML too. */
export function insertEntry(context: EditTarget, mapPath: Path, key: string, value: unknown): TextEdit | undefined {
  const { file } = context;
  const located = context.locate(mapPath);
  if (located.depth !== mapPath.length) return undefined;
  const start = file.lines.offsetAt(located.value.start);
  const valueText = JSON.stringify(value);
  if (file.text[start] === '{') {
    const empty = /^\{\s*\}/.test(file.text.slice(start));
    const json = /\.json$/i.test(file.path);
    const entry = `${json ? JSON.stringify(key) : key}: ${valueText}${empty ? '' : ', '}`;
    return { range: point(file.lines.range(start + 1, start + 1)), newText: empty ? entry : entry };
  }
  // Block mapping: new lines before the first entry, at the entries' indentation. A new top-level section
  // goes at the end of the document instead, where readers expect it.
  const indent = ' '.repeat(located.value.start.character);
  const block = blockEntry(key, value, indent);
  if (mapPath.length === 0) {
    const end = file.lines.offsetAt(located.value.end);
    const lineEnd = file.text.indexOf('\n', end);
    const at = lineEnd < 0 ? file.text.length : lineEnd + 1;
    return { range: point(file.lines.range(at, at)), newText: (lineEnd < 0 ? '\n' : '') + block };
  }
  const lineStart = file.lines.lineStart(located.value.start.line);
  const firstLine = file.lines.lineText(located.value.start.line);
  if (/^\s*-\s/.test(firstLine) && located.key === undefined) {
    // A mapping that starts on a list item's line ("- name: a"): insert after that line instead; on the file's
    // last line (no newline after it), after the end of the text.
    if (located.value.start.line + 1 >= file.lines.lineCount) {
      const end = file.text.length;
      return { range: point(file.lines.range(end, end)), newText: (file.text.endsWith('\n') ? '' : '\n') + block.replace(/\n$/, '') };
    }
    const next = file.lines.lineStart(located.value.start.line + 1);
    return { range: point(file.lines.range(next, next)), newText: block };
  }
  return { range: point(file.lines.range(lineStart, lineStart)), newText: block };
}

/** `key: value` as block YAML lines at `indent`; scalars stay JSON-quoted so they keep their type. */
function blockEntry(key: string, value: unknown, indent: string): string {
  if (typeof value !== 'object' || value === null) return `${indent}${key}: ${JSON.stringify(value)}\n`;
  const text = stringify({ [key]: value }, { indent: 2 });
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => indent + line + '\n')
    .join('');
}

/** Replaces the value at `path`. */
export function replaceValue(context: EditTarget, path: Path, value: unknown): TextEdit | undefined {
  const located = context.locate(path);
  if (located.depth !== path.length || (located.key && located.value === located.key)) return undefined;
  return { range: located.value, newText: JSON.stringify(value) };
}

function point(range: Range): Range {
  return { start: range.start, end: range.start };
}

/** Adds an item at the end of the block or flow sequence at `path`. */
export function appendItem(context: EditTarget, path: Path, item: Record<string, unknown>): TextEdit | undefined {
  const located = context.locate(path);
  if (located.depth !== path.length) return undefined;
  const { file } = context;
  const end = file.lines.offsetAt(located.value.end);
  if (file.text[end - 1] === ']') {
    return { range: file.lines.range(end - 1, end - 1), newText: `, ${JSON.stringify(item)}` };
  }
  const indent = ' '.repeat(located.value.start.character);
  const lines = Object.entries(item).map(
    ([key, value], index) => `${index === 0 ? `${indent}- ` : `${indent}  `}${key}: ${JSON.stringify(value)}`,
  );
  const insertAt = file.lines.lineStart(located.value.end.line + 1);
  const atEnd = insertAt <= file.lines.offsetAt(located.value.end);
  return {
    range: file.lines.range(atEnd ? file.text.length : insertAt, atEnd ? file.text.length : insertAt),
    newText: (atEnd ? '\n' : '') + lines.join('\n') + '\n',
  };
}
