// Builds the text edits behind fixes, keeping the file's own layout: block YAML gets a new indented line, pretty-printed
// JSON a new line indented like its siblings, one-line JSON and flow mappings an inline entry spaced like theirs.

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
  if (file.text[start] === '{') return insertIntoFlowMapping(file, start, key, value);
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

/**
 * A new first entry of the JSON object or YAML flow mapping opening at `open`, in the file's own layout: on its own
 * line, indented like the entries below it, when the first entry sits on a line of its own (pretty-printed JSON);
 * inline, spaced like the braces, when the mapping is written on one line.
 */
function insertIntoFlowMapping(file: SourceFile, open: number, key: string, value: unknown): TextEdit {
  const json = /\.json$/i.test(file.path);
  const name = json || !/^[A-Za-z_][\w.-]*$/.test(key) ? JSON.stringify(key) : key;
  const first = firstNonSpace(file.text, open + 1);
  const openLine = file.lines.positionAt(open).line;
  const firstLine = file.lines.positionAt(first).line;
  if (firstLine === openLine) {
    const empty = file.text[first] === '}';
    const spaced = /^[ \t]/.test(file.text.slice(open + 1));
    const entry = `${name}: ${flowValue(value, json, spaced)}`;
    const at = empty ? open + 1 : first;
    return { range: point(file.lines.range(at, at)), newText: empty ? entry : `${entry}, ` };
  }
  const braceIndent = leadingSpace(file.lines.lineText(openLine));
  const lineStart = file.lines.lineStart(firstLine);
  const beforeFirst = file.text.slice(lineStart, first);
  // The first entry's indentation when only spaces precede it; for a closing brace (an empty mapping), one level more.
  const closing = file.text[first] === '}';
  const siblingIndent = /^[ \t]*$/.test(beforeFirst) && !closing ? beforeFirst : braceIndent + indentUnit(braceIndent, beforeFirst);
  const unit = indentUnit(braceIndent, siblingIndent);
  const valueText = JSON.stringify(value, null, unit).split('\n').join(`\n${siblingIndent}`);
  return { range: point(file.lines.range(lineStart, lineStart)), newText: `${siblingIndent}${name}: ${valueText}${closing ? '' : ','}\n` };
}

/** One level of indentation: what the entries add to their brace's line, else two spaces (a tab in a tab-indented file). */
function indentUnit(outer: string, inner: string): string {
  if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
  return inner.startsWith('\t') || outer.startsWith('\t') ? '\t' : '  ';
}

function leadingSpace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function firstNonSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && /\s/.test(text[at])) at++;
  return at;
}

/** A value written inline: JSON, with keys unquoted in YAML where they may be, and `{ a: 1 }` spacing when the file uses it. */
function flowValue(value: unknown, json: boolean, spaced: boolean): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowValue(item, json, spaced)).join(', ')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).map(
    ([key, item]) => `${json || !/^[A-Za-z_][\w.-]*$/.test(key) ? JSON.stringify(key) : key}: ${flowValue(item, json, spaced)}`,
  );
  if (entries.length === 0) return '{}';
  return spaced ? `{ ${entries.join(', ')} }` : `{${entries.join(', ')}}`;
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
  if (file.text[end - 1] === ']') return appendToFlowSequence(file, end - 1, item);
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

/** A new last item of the JSON array or YAML flow sequence closing at `close`: on its own line in a list of one item per line. */
function appendToFlowSequence(file: SourceFile, close: number, item: Record<string, unknown>): TextEdit {
  const json = /\.json$/i.test(file.path);
  let last = close - 1;
  while (last >= 0 && /\s/.test(file.text[last])) last--;
  const empty = file.text[last] === '[';
  const lastLine = file.lines.positionAt(last).line;
  const closeLine = file.lines.positionAt(close).line;
  if (empty || lastLine === closeLine) {
    const spaced = /^[ \t]/.test(file.text.slice(firstOpening(file.text, close) + 1));
    const text = flowValue(item, json, spaced);
    return { range: point(file.lines.range(last + 1, last + 1)), newText: empty ? text : `, ${text}` };
  }
  const siblingIndent = leadingSpace(file.lines.lineText(lastLine));
  const unit = indentUnit(leadingSpace(file.lines.lineText(closeLine)), siblingIndent);
  const text = JSON.stringify(item, null, unit).split('\n').join(`\n${siblingIndent}`);
  return { range: point(file.lines.range(last + 1, last + 1)), newText: `,\n${siblingIndent}${text}` };
}

/** The `[` that opens the sequence closing at `close`, for its spacing; the start of the text when unbalanced. */
function firstOpening(text: string, close: number): number {
  let depth = 0;
  for (let at = close; at >= 0; at--) {
    if (text[at] === ']') depth++;
    else if (text[at] === '[' && --depth === 0) return at;
  }
  return 0;
}

/**
 * `edit` as a snippet whose tab stop selects `placeholder`, written in `edit.newText` as a JSON string: the editor
 * puts the cursor on it so the user types the value; `newText` keeps the placeholder as plain text.
 */
export function withTabStop(edit: TextEdit, placeholder: string): TextEdit {
  const quoted = JSON.stringify(placeholder);
  const at = edit.newText.lastIndexOf(quoted);
  if (at < 0) return edit;
  const before = edit.newText.slice(0, at);
  const after = edit.newText.slice(at + quoted.length);
  return { ...edit, snippet: `${escapeSnippet(before)}"\${1:${escapeSnippet(quoted.slice(1, -1))}}"${escapeSnippet(after)}` };
}

/** Text taken literally in a snippet. */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (character) => `\\${character}`);
}
