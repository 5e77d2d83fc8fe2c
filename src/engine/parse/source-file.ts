// Parses YAML (multi-document) and JSON text into plain values that keep their source ranges.

import {
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  visit,
  type Alias,
  type Document,
  type Node,
  type ParsedNode,
  type YAMLMap,
} from 'yaml';
import type { Range } from '../finding';
import type { DocumentKind } from '../formats/recognise';
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING_DEPTH } from '../limits';
import { utf8Length } from '../text/text-facts';
import { LineIndex } from '../text/line-index';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface ParsedDocument {
  /** Position of the document in a multi-document file. */
  index: number;
  /** Plain value (as JSON would give it); undefined when the document is empty or could not be built. */
  value: unknown;
  root: ParsedNode | null;
  /** Where the document's content lies, for findings about the whole document. */
  range: Range;
  /** Keys that appear twice in one mapping; the later one wins in `value`. */
  duplicateKeys: DuplicateKey[];
}

interface DuplicateKey {
  /** Path of the mapping holding the key. */
  parent: Path;
  key: string;
  firstRange: Range;
  duplicateRange: Range;
}

export interface SourceFile {
  path: string;
  text: string;
  lines: LineIndex;
  documents: ParsedDocument[];
  /** What the parser found wrong; empty for a well-formed file. The rule named by each problem's kind reports it. */
  problems: ParseProblem[];
  /** The kind the whole file declares (the `files:` map, or a modeline naming a known schema); set by the file cache. */
  declared?: DocumentKind;
  /** The schema a yaml-language-server modeline at the top of the file names. */
  modelineSchema?: string;
}

/** A problem of the text as YAML or JSON, named after the rule that reports it. */
interface ParseProblem {
  kind: 'syntax-error' | 'syntax-warning' | 'nesting-too-deep' | 'yaml-alias-limit';
  message: string;
  range: Range;
}

/** Problems that keep a document's value from being trusted: syntax errors and the parser's limits. */
export function isBlocking(problem: ParseProblem): boolean {
  return problem.kind !== 'syntax-warning';
}

export function parseSourceFile(path: string, text: string): SourceFile {
  const lines = new LineIndex(text);
  const file: SourceFile = { path, text, lines, documents: [], problems: [] };
  // A file above the size limit is not parsed at all; file-too-large says so.
  if (utf8Length(text) > MAX_FILE_BYTES) return file;
  const depth = maxFlowOrIndentDepth(text);
  if (depth > MAX_NESTING_DEPTH) {
    file.problems.push(nestingTooDeep(lines, depth, 0));
    return file;
  }

  // uniqueKeys: false keeps parsing linear on large maps; duplicates are found below in one pass. logLevel 'error'
  // keeps the yaml package from writing warnings to the console (as process warnings, in the extension host).
  const yamlDocs = parseAllDocuments(text, {
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
    merge: true,
    logLevel: 'error',
  });
  const docs: Document.Parsed[] = Array.isArray(yamlDocs) ? yamlDocs : [];
  docs.forEach((doc, index) => {
    for (const error of doc.errors) {
      if (error.code !== 'RESOURCE_EXHAUSTION') file.problems.push(syntaxProblem(text, lines, error.code, error.message, error.pos));
    }
    // The estimate above cannot see every nesting (after an anchor or `? `, past what looks like an open quote, or
    // built by the parser's repair of a syntax error on every line). The parser catches its own stack overflow; the
    // tree's exact depth, measured without recursion, catches the rest. Such a document gets no value and no rules.
    const overflow = doc.errors.find((error) => error.code === 'RESOURCE_EXHAUSTION');
    const nesting = overflow ? { depth: undefined, offset: overflow.pos[0] } : measureNesting(doc.contents, text);
    if (nesting.depth === undefined || nesting.depth > MAX_NESTING_DEPTH) {
      file.problems.push(nestingTooDeep(lines, nesting.depth, nesting.offset));
      file.documents.push({ index, value: undefined, root: null, range: lines.range(doc.range[0], doc.range[1]), duplicateKeys: [] });
      return;
    }
    for (const warning of doc.warnings) {
      file.problems.push({
        kind: 'syntax-warning',
        message: cleanYamlMessage(warning.message),
        range: lines.range(warning.pos[0], warning.pos[1]),
      });
    }
    const root = (doc.contents ?? null) as ParsedNode | null;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      value = undefined;
      const unresolved = unresolvedAlias(doc);
      // An alias to no anchor (a typo) also fails here; it is a syntax error at the alias, not an alias bomb.
      if (unresolved)
        file.problems.push({
          kind: 'syntax-error',
          message: `Alias *${unresolved.source} refers to no anchor &${unresolved.source} before it.`,
          range: nodeRange(lines, unresolved),
        });
      else {
        file.problems.push({
          kind: 'yaml-alias-limit',
          message: `Document expands more than ${MAX_ALIAS_COUNT} aliases; Stagegate stops there to stay responsive (${String((error as Error).message)}).`,
          range: root ? nodeRange(lines, root) : lines.range(0, 0),
        });
      }
    }
    const range = root ? nodeRange(lines, root) : lines.range(doc.range[0], doc.range[1]);
    file.documents.push({ index, value, root, range, duplicateKeys: findDuplicateKeys(root, lines) });
  });
  return file;
}

/** At `offset` to the end of its line; `depth` undefined when the parser itself gave up. */
function nestingTooDeep(lines: LineIndex, depth: number | undefined, offset: number): ParseProblem {
  const line = lines.positionAt(offset).line;
  return {
    kind: 'nesting-too-deep',
    message: `Collections nest ${depth === undefined ? 'deeper than the YAML parser can follow' : `${depth} levels deep`}; Stagegate reads at most ${MAX_NESTING_DEPTH}.`,
    range: lines.range(Math.min(offset, lines.lineEnd(line)), lines.lineEnd(line)),
  };
}

/**
 * Depth of the deepest collection and where it starts, walked with a stack rather than recursion. On the way,
 * collection keys (`? [a, b]`), which no format Stagegate reads uses, become text keys: building values, the yaml
 * package stringifies such keys, at a cost that grows with the square of their nesting.
 */
function measureNesting(root: unknown, text: string): { depth: number | undefined; offset: number } {
  let deepest = { depth: 0, offset: 0 };
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, outer] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    const depth = outer + 1;
    if (depth > deepest.depth) deepest = { depth, offset: node.range?.[0] ?? 0 };
    for (const item of node.items as unknown[]) {
      if (!isPair(item)) {
        stack.push([item, depth]);
        continue;
      }
      if (isCollection(item.key)) item.key = textKey(item.key, text);
      stack.push([item.value, depth]);
    }
  }
  return deepest;
}

/** The first alias whose anchor is not defined before it. The tree is at most MAX_NESTING_DEPTH deep here. */
function unresolvedAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

function textKey(key: Node, text: string): Scalar<string> {
  const [start, valueEnd, end] = key.range ?? [0, 0, 0];
  const scalar = new Scalar(text.slice(start, Math.min(valueEnd, start + 80)));
  scalar.range = [start, valueEnd, end];
  return scalar;
}

/** Range of a node's value, without trailing comments or whitespace. */
function nodeRange(lines: LineIndex, node: Node): Range {
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  // Block collections end after their last newline; findings should not spill onto the next line.
  let end = valueEnd;
  while (end > start && isSpace(lines.text, end - 1)) end--;
  return lines.range(start, end);
}

/** `\s`, with the common ASCII cases first: every located range passes here. */
function isSpace(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(text[at]);
}

export interface Located {
  /** The key of the last path segment, when it is a mapping entry. */
  key?: Range;
  /** The value at the path; for an empty value (`weight:`), the key. */
  value: Range;
  /** How many segments of the path were found; less than the path's length when it leads nowhere. */
  depth: number;
}

/** Finds the narrowest source range for a path into the document; stops at the deepest node that exists. */
export function locate(file: SourceFile, doc: ParsedDocument, path: Path): Located {
  let node: Node | null = doc.root;
  let keyRange: Range | undefined;
  let located: Located = { value: doc.range, depth: 0 };
  for (let i = 0; i < path.length && node; i++) {
    const segment = path[i];
    let next: Node | null = null;
    let nextKey: Range | undefined;
    if (isMap(node)) {
      const pair = entriesByKey(node).get(String(segment));
      if (pair) {
        nextKey = pair.key && isNodeLike(pair.key) ? nodeRange(file.lines, pair.key) : undefined;
        next = isNodeLike(pair.value) ? pair.value : null;
        if (!next && nextKey) {
          located = { key: nextKey, value: nextKey, depth: i + 1 };
          return located;
        }
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      next = isNodeLike(item) ? item : null;
    }
    if (!next) break;
    node = next;
    keyRange = nextKey;
    let value = nodeRange(file.lines, next);
    if (isEmptyRange(value) && keyRange) value = keyRange;
    located = { key: keyRange, value, depth: i + 1 };
  }
  return located;
}

type Entry = { key: unknown; value: unknown };
const entryIndexes = new WeakMap<YAMLMap, Map<string, Entry>>();

/** A mapping's entries by key, built once per mapping: rules locate every flag and stage, so a scan per lookup is quadratic. */
function entriesByKey(map: YAMLMap): Map<string, Entry> {
  let index = entryIndexes.get(map);
  if (!index) {
    index = new Map();
    // The last entry with the key wins, as in the built value.
    for (const pair of map.items) {
      const key = isPair(pair) ? keyString(pair.key) : undefined;
      if (key !== undefined) index.set(key, pair);
    }
    entryIndexes.set(map, index);
  }
  return index;
}

/**
 * The narrowest range for a problem about a path: a one-line value itself; a block (a dimension's shares), or a path
 * that leads nowhere (a missing `traffic:`), at the key of the deepest entry that exists; the whole document's first
 * line for the empty path.
 */
export function rangeForPath(file: SourceFile, doc: ParsedDocument, path: Path): Range {
  if (path.length === 0) return file.lines.range(file.lines.lineStart(doc.range.start.line), file.lines.lineEnd(doc.range.start.line));
  const located = locate(file, doc, path);
  const singleLine = located.value.start.line === located.value.end.line;
  return located.depth === path.length && singleLine ? located.value : keyOrValue(located, file.lines);
}

/** The key range when there is one, else the value: where findings about an entry as a whole go. */
export function keyOrValue(located: Located, lines?: LineIndex): Range {
  if (located.key) return located.key;
  const { start, end } = located.value;
  // A keyless multi-line value (a list item's mapping) is marked on its first line only.
  if (lines && end.line > start.line)
    return { start, end: { line: start.line, character: lines.lineEnd(start.line) - lines.lineStart(start.line) } };
  return located.value;
}

function isEmptyRange(range: Range): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character;
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in (value as object);
}

export function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
}

function findDuplicateKeys(root: Node | null, lines: LineIndex): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // One path array, pushed and popped: copying it at every node costs nodes × depth in time and memory.
  const path: PathSegment[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = keyString(pair.key);
        if (key !== undefined && key !== '<<' && isNodeLike(pair.key)) {
          const first = seen.get(key);
          if (first) {
            found.push({ parent: [...path], key, firstRange: nodeRange(lines, first), duplicateRange: nodeRange(lines, pair.key) });
          } else seen.set(key, pair.key);
        }
        if (key !== undefined && (isMap(pair.value) || isSeq(pair.value))) {
          path.push(key);
          visit(pair.value);
          path.pop();
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (!isMap(item) && !isSeq(item)) return;
        path.push(index);
        visit(item);
        path.pop();
      });
    }
  };
  visit(root);
  return found;
}

/**
 * Cheap upper bound of nesting depth, read before parsing so that hostile nesting cannot exhaust the stack:
 * counts open flow brackets, and indentation steps of block lines.
 */
function maxFlowOrIndentDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inQuote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\' && inQuote === '"') i++;
      else if (c === inQuote) inQuote = null;
      continue;
    }
    if (c === '"' || (c === "'" && (i === 0 || /[\s[{,:]/.test(text[i - 1])))) inQuote = c;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) max = depth;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    }
  }
  // Block nesting: one level needs at least one column of indentation (plus "- " for sequences).
  let indentMax = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let col = 0;
    while (text[lineStart + col] === ' ' || text[lineStart + col] === '-') col++;
    if (col > indentMax) indentMax = col;
    const next = text.indexOf('\n', lineStart);
    if (next < 0) break;
    lineStart = next + 1;
  }
  return Math.max(max, Math.floor(indentMax / 2));
}

function syntaxProblem(text: string, lines: LineIndex, code: string, message: string, pos: [number, number]): ParseProblem {
  if (code === 'MISSING_CHAR' && /quote/.test(message)) {
    // The parser notices an unclosed quote where the text ends; the mistake is where the string opens.
    const quote = message.includes("'") && !message.includes('"') ? "'" : '"';
    const open = findOpeningQuote(text, pos[0], quote);
    if (open >= 0) {
      const line = lines.positionAt(open).line;
      return {
        kind: 'syntax-error',
        message: `This ${quote === '"' ? 'double' : 'single'}-quoted string is never closed.`,
        range: lines.range(open, lines.lineEnd(line)),
      };
    }
  }
  return {
    kind: 'syntax-error',
    message: cleanYamlMessage(message),
    range: lines.range(pos[0], Math.max(pos[1], pos[0] + 1)),
  };
}

/** The last quote before `end` that opens a value (after `: `, `- `, `[`, `{` or `,`). */
function findOpeningQuote(text: string, end: number, quote: string): number {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    const before = text.slice(Math.max(0, i - 2), i);
    if (/(:\s|-\s|[[{,]\s?)$/.test(before) || i === 0 || text[i - 1] === '\n') return i;
  }
  return -1;
}

function cleanYamlMessage(message: string): string {
  // The yaml package appends " at line N, column M" and a code frame; editors show the position themselves.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
