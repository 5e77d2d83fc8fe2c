// Migrations written as templates: Go templates (`{{ .Options.Namespace }}`, `{{ if … }} … {{ end }}`), Jinja and
// dbt (`{{ ref('x') }}`, `{% if %}`, `{# … #}`) and Flyway or goose placeholders (`${schema}`). PostgreSQL cannot
// parse them, so each is replaced, character for character, by something it can: an expression by a quoted
// identifier holding its own text (`"{ .Options.Namespace }"`, a name wherever a name or a value may stand), a
// block tag or a comment by spaces (every branch of a conditional is then read, as if all of them ran). Offsets
// stay the file's, so every range reported on the replaced text is right in the file as written.

import { utf8Length } from '../text/text-facts';
import { quotedRegions } from './split';

/** The template syntax seen, as messages name it. */
export type TemplateSyntax = '{{ }}' | '{% %}' | '{# #}' | '${ }';

export interface TemplateSpan {
  start: number;
  end: number;
  syntax: TemplateSyntax;
}

export interface TemplatedText {
  /** The text with each template replaced, UTF-16 unit for unit: same length, same line breaks. */
  text: string;
  spans: TemplateSpan[];
  /** Conditional and loop blocks (`{{ if }} … {{ end }}`, `{% for %} … {% endfor %}`): one branch may be another dialect's. */
  blocks: { start: number; end: number }[];
  /** The name PostgreSQL reads in place of each expression, and the text as written. */
  names: Map<string, string>;
}

/** `{{ … }}` whose content starts like a template action, not like a two-dimensional array literal (`'{{1,2},{3,4}}'`). */
const DOUBLE_BRACE = /\{\{-?\s*(?:[.$A-Za-z_(!]|\/\*)[^{}]*?\}\}/g;
/** How a Jinja statement tag's content starts (`{% if`, `{%- endfor`), read where the tag opens; a comment's may be anything. */
const JINJA_TAG_START = /-?\s*[A-Za-z]/y;
const PLACEHOLDER = /\$\{[A-Za-z_][^{}\n]*\}/g;
const GO_COMMENT = /^\{\{-?\s*\/\*/;

/** Go actions and Jinja tags that open a block, and the words that close one. */
const GO_OPENERS = new Set(['if', 'range', 'with', 'block', 'define']);
const JINJA_OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'with', 'raw', 'autoescape', 'snapshot', 'test']);

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80;
}

const TAG_WORD = /\{[{%]-?\s*([A-Za-z_]\w*)/y;

/** The first word of the tag at `at`: `{{- if .X }}` gives `if`, `{% endif %}` gives `endif`. */
function tagWord(text: string, at: number): string {
  TAG_WORD.lastIndex = at;
  return TAG_WORD.exec(text)?.[1].toLowerCase() ?? '';
}

/** Whether a `{{ }}` is a control action or comment (replaced by spaces) rather than an expression (a value in place). */
function isGoControl(span: string): boolean {
  if (GO_COMMENT.test(span)) return true;
  const word = tagWord(span, 0);
  return GO_OPENERS.has(word) || word === 'else' || word === 'end' || word === 'break' || word === 'continue';
}

/** Template syntax in `text[from, to)`, replaced; undefined when there is none (the text is read as it is). */
export function maskTemplates(text: string, from = 0, to = text.length): TemplatedText | undefined {
  if (!/\{\{|\{%|\{#|\$\{/.test(text.slice(from, to))) return undefined;
  const found: (TemplateSpan & { blank: boolean; word: string })[] = [];
  const scan = (pattern: RegExp, syntax: TemplateSyntax): void => {
    pattern.lastIndex = from;
    for (let match = pattern.exec(text); match && match.index < to; match = pattern.exec(text)) {
      const end = match.index + match[0].length;
      if (end > to) break;
      const blank = syntax === '{{ }}' && isGoControl(match[0]);
      found.push({ start: match.index, end, syntax, blank, word: syntax === '${ }' ? '' : tagWord(text, match.index) });
    }
  };
  // Jinja tags may span lines: found by their delimiters, each closing delimiter looked for once (a lazy pattern
  // would scan to the end of the file for every unclosed `{%`).
  const delimited = (open: string, close: string, syntax: TemplateSyntax, starts?: RegExp): void => {
    let closeAt = -1;
    for (let i = text.indexOf(open, from); i >= 0 && i < to;) {
      if (closeAt < i + open.length) closeAt = text.indexOf(close, i + open.length);
      if (closeAt < 0 || closeAt + close.length > to) break;
      if (starts) starts.lastIndex = i + open.length;
      if (starts && !starts.test(text)) {
        i = text.indexOf(open, i + 1);
        continue;
      }
      const end = closeAt + close.length;
      found.push({ start: i, end, syntax, blank: true, word: tagWord(text, i) });
      i = text.indexOf(open, end);
    }
  };
  scan(DOUBLE_BRACE, '{{ }}');
  delimited('{%', '%}', '{% %}', JINJA_TAG_START);
  delimited('{#', '#}', '{# #}');
  scan(PLACEHOLDER, '${ }');
  // Overlaps (a `${x}` inside `{{ }}`, a `{{ }}` inside a Jinja comment): the outermost wins.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: typeof found = [];
  for (const span of found) if (spans.length === 0 || span.start >= spans[spans.length - 1].end) spans.push(span);
  if (spans.length === 0) return undefined;

  // Which spans sit in a literal, a quoted name or a comment: read with every template replaced by a neutral word.
  const chars = text.split('');
  for (const span of spans) for (let i = span.start; i < span.end; i++) if (!isLineBreak(chars[i])) chars[i] = '_';
  const quoted = quotedRegions(chars.join(''), from, to);
  let region = 0;
  const inQuotes = (span: TemplateSpan): boolean => {
    while (region < quoted.length && quoted[region].end <= span.start) region++;
    return region < quoted.length && quoted[region].start <= span.start;
  };

  const names = new Map<string, string>();
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s];
    if (span.blank) {
      for (let i = span.start; i < span.end; i++) if (!isLineBreak(text[i])) chars[i] = ' ';
      continue;
    }
    if (inQuotes(span)) continue; // the neutral word already stands there: harmless inside quotes
    // An expression in code becomes one quoted identifier, with the name characters glued to it (`{{ .Prefix }}users`):
    // the run without its first opening and last closing delimiter, between double quotes.
    let start = span.start;
    let end = span.end;
    let lastSpanEnd = span.end;
    while (start > from && isIdentChar(text.charCodeAt(start - 1))) start--;
    for (;;) {
      while (end < to && isIdentChar(text.charCodeAt(end))) end++;
      const next = spans[s + 1];
      if (!next || next.start !== end || next.blank) break;
      end = lastSpanEnd = next.end; // `{{ .A }}{{ .B }}`: one name
      s++;
    }
    const dropped = new Set([span.start, lastSpanEnd - 1]);
    const inner: string[] = [];
    for (let i = start; i < end; i++) if (!dropped.has(i)) inner.push(text[i] === '"' || text[i] === "'" ? '`' : text[i]);
    chars.splice(start, end - start, '"', ...inner, '"');
    names.set(inner.join(''), text.slice(start, end));
  }
  return {
    text: chars.join(''),
    spans: spans.map(({ start, end, syntax }) => ({ start, end, syntax })),
    blocks: blocks(spans),
    names,
  };
}

/** PostgreSQL keeps the first 63 bytes of a longer name. */
const MAX_NAME_BYTES = 63;

/** A message that names what PostgreSQL read in place of templates, with the templates as written put back. */
export function restoreTemplates(message: string, templates: TemplatedText): string {
  if (templates.names.size === 0) return message;
  let restorer = restorers.get(templates);
  if (!restorer) {
    restorer = restorerOf(templates);
    restorers.set(templates, restorer);
  }
  const { pattern, originals } = restorer;
  return message.replace(pattern, (key) => originals.get(key) ?? key);
}

/** One pattern per templated file, not one per message: a generated file may hold thousands of templated names. */
const restorers = new WeakMap<TemplatedText, { pattern: RegExp; originals: Map<string, string> }>();

function restorerOf(templates: TemplatedText): { pattern: RegExp; originals: Map<string, string> } {
  const originals = new Map<string, string>();
  for (const [masked, original] of templates.names) {
    originals.set(`"${masked}"`, original);
    originals.set(masked, original);
    const truncated = truncateName(masked);
    if (truncated !== masked) originals.set(truncated, original);
  }
  const keys = [...originals.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return { pattern, originals };
}

function truncateName(name: string): string {
  let bytes = 0;
  let i = 0;
  for (const char of name) {
    const size = utf8Length(char);
    if (bytes + size > MAX_NAME_BYTES) break;
    bytes += size;
    i += char.length;
  }
  return name.slice(0, i);
}

function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** The outermost conditional and loop blocks, from the opening tag to its closing one (or the end, when unclosed). */
function blocks(spans: { start: number; end: number; syntax: TemplateSyntax; word: string }[]): { start: number; end: number }[] {
  const result: { start: number; end: number }[] = [];
  const open: { start: number; go: boolean }[] = [];
  for (const span of spans) {
    const go = span.syntax === '{{ }}';
    if (span.syntax !== '{{ }}' && span.syntax !== '{% %}') continue;
    const opens = go ? GO_OPENERS.has(span.word) : JINJA_OPENERS.has(span.word);
    const closes = go ? span.word === 'end' : span.word.startsWith('end');
    if (opens) open.push({ start: span.start, go });
    else if (closes) {
      const index = open.map((block) => block.go).lastIndexOf(go);
      if (index < 0) continue;
      const [outer] = open.splice(index);
      if (open.length === 0) result.push({ start: outer.start, end: span.end });
    }
  }
  if (open.length > 0) result.push({ start: open[0].start, end: Number.MAX_SAFE_INTEGER });
  return result;
}
