// Splits SQL text into statements at top-level semicolons, as psql does, so one bad statement does not hide the rest.
// Hand-written because libpg-query stops at the first syntax error and its scanner throws on an unterminated literal
// instead of returning the tokens before it; this lexer only needs to know what can hide a semicolon.

/** One statement's text, as UTF-16 offsets into the file. */
interface StatementSpan {
  /** First character of the statement, after leading whitespace and comments. */
  start: number;
  /** End of its last token: excludes the semicolon and trailing whitespace and comments. */
  end: number;
}

const enum Char {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  Dollar = 36,
  Quote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Minus = 45,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Semicolon = 59,
  Backslash = 92,
  FormFeed = 12,
  VerticalTab = 11,
}

function isSpace(c: number): boolean {
  return (
    c === Char.Space || c === Char.Tab || c === Char.LineFeed || c === Char.CarriageReturn || c === Char.FormFeed || c === Char.VerticalTab
  );
}

/** PostgreSQL identifiers start with a letter, `_` or any non-ASCII character. */
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= Char.Zero && c <= Char.Nine) || c === Char.Dollar;
}

/** Splits `text[from, to)` into statements; spans holding only comments or nothing are dropped. */
export function splitStatements(text: string, from = 0, to = text.length): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let start = -1;
  let end = -1;
  let parenDepth = 0;
  // psql's heuristic for SQL-standard function bodies (`BEGIN ATOMIC ... END`): inside CREATE [OR REPLACE]
  // FUNCTION/PROCEDURE, BEGIN and CASE open a block that END closes, and semicolons inside a block do not split.
  let blockDepth = 0;
  const leadingWords: string[] = [];
  let i = from;

  const finish = (): void => {
    if (start >= 0) spans.push({ start, end });
    start = -1;
    end = -1;
    parenDepth = 0;
    blockDepth = 0;
    leadingWords.length = 0;
  };

  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === Char.Minus && text.charCodeAt(i + 1) === Char.Minus) {
      const newline = text.indexOf('\n', i);
      i = newline < 0 || newline > to ? to : newline;
      continue;
    }
    if (c === Char.Slash && text.charCodeAt(i + 1) === Char.Star) {
      const close = skipBlockComment(text, i, to);
      if (close < 0) {
        // Unterminated: keep it in the statement so the parser reports it rather than silently dropping the rest.
        if (start < 0) start = i;
        end = to;
        i = to;
      } else i = close;
      continue;
    }
    if (c === Char.Semicolon && parenDepth === 0 && blockDepth === 0) {
      finish();
      i++;
      continue;
    }
    if (start < 0) start = i;
    let next = i + 1;
    if (c === Char.Quote) next = skipQuoted(text, i, to, Char.Quote, false);
    else if (c === Char.DoubleQuote) next = skipQuoted(text, i, to, Char.DoubleQuote, false);
    else if (c === Char.Dollar) next = skipDollarQuoted(text, i, to);
    else if (c === Char.OpenParen) parenDepth++;
    else if (c === Char.CloseParen) parenDepth = Math.max(0, parenDepth - 1);
    else if (isIdentStart(c)) {
      next = i + 1;
      while (next < to && isIdentPart(text.charCodeAt(next))) next++;
      if (next === i + 1 && (c === 69 || c === 101) && text.charCodeAt(next) === Char.Quote) {
        next = skipQuoted(text, next, to, Char.Quote, true); // E'...' strings take backslash escapes
      } else if (leadingWords.length < 4 || isRoutine(leadingWords)) {
        // Only the first words and the words of a routine matter; slicing every word would dominate the split.
        blockDepth = trackBlocks(text.slice(i, next).toLowerCase(), leadingWords, parenDepth, blockDepth);
      }
    } else if (c >= Char.Zero && c <= Char.Nine) {
      while (next < to && isIdentPart(text.charCodeAt(next))) next++;
    }
    i = next;
    end = next;
  }
  finish();
  return spans;
}

/** CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
function isRoutine([first, second, third, fourth]: string[]): boolean {
  return (
    first === 'create' &&
    (second === 'function' ||
      second === 'procedure' ||
      (second === 'or' && third === 'replace' && (fourth === 'function' || fourth === 'procedure')))
  );
}

function trackBlocks(word: string, leadingWords: string[], parenDepth: number, blockDepth: number): number {
  if (leadingWords.length < 4) leadingWords.push(word);
  if (parenDepth > 0 || !isRoutine(leadingWords)) return blockDepth;
  if (word === 'begin') return blockDepth + 1;
  if (word === 'case') return blockDepth >= 1 ? blockDepth + 1 : blockDepth; // CASE ... END only matters inside a block
  if (word === 'end') return Math.max(0, blockDepth - 1);
  return blockDepth;
}

/** Offset after a nested `/* ... *\/` comment starting at `i`, or -1 when it is not closed before `to`. */
function skipBlockComment(text: string, i: number, to: number): number {
  let depth = 0;
  while (i < to) {
    if (text.charCodeAt(i) === Char.Slash && text.charCodeAt(i + 1) === Char.Star) {
      depth++;
      i += 2;
    } else if (text.charCodeAt(i) === Char.Star && text.charCodeAt(i + 1) === Char.Slash) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return -1;
}

/** Offset after a literal opened by `quote` at `i`; a doubled quote stays inside. Unterminated runs to `to`. */
function skipQuoted(text: string, i: number, to: number, quote: number, backslashEscapes: boolean): number {
  i++;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === Char.Backslash) i += 2;
    else if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return to;
}

/** Offset after `$tag$ ... $tag$` at `i`; a `$` that opens no tag (a `$1` parameter) is one character. */
function skipDollarQuoted(text: string, i: number, to: number): number {
  let j = i + 1;
  if (j < to && isIdentStart(text.charCodeAt(j))) {
    while (j < to && isIdentPart(text.charCodeAt(j)) && text.charCodeAt(j) !== Char.Dollar) j++;
  }
  if (text.charCodeAt(j) !== Char.Dollar) return i + 1;
  const tag = text.slice(i, j + 1);
  const close = text.indexOf(tag, j + 1);
  return close < 0 || close + tag.length > to ? to : close + tag.length;
}

/** Where `text[from, to)` holds comments, string literals, quoted identifiers and dollar-quoted bodies: not SQL code. */
export function quotedRegions(text: string, from = 0, to = text.length): { start: number; end: number }[] {
  const regions: { start: number; end: number }[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === Char.Minus && text.charCodeAt(i + 1) === Char.Minus) {
      const newline = text.indexOf('\n', i);
      end = newline < 0 || newline > to ? to : newline;
    } else if (c === Char.Slash && text.charCodeAt(i + 1) === Char.Star) {
      const close = skipBlockComment(text, i, to);
      end = close < 0 ? to : close;
    } else if (c === Char.Quote || c === Char.DoubleQuote) end = skipQuoted(text, i, to, c, false);
    else if (c === Char.Dollar) {
      const next = skipDollarQuoted(text, i, to);
      if (next > i + 1) end = next;
    } else if (isIdentStart(c)) {
      let next = i + 1;
      while (next < to && isIdentPart(text.charCodeAt(next))) next++;
      if (next === i + 1 && (c === 69 || c === 101) && text.charCodeAt(next) === Char.Quote) {
        regions.push({ start: i, end: skipQuoted(text, next, to, Char.Quote, true) });
        i = regions[regions.length - 1].end;
      } else i = next;
      continue;
    }
    if (end < 0) i++;
    else {
      regions.push({ start: i, end });
      i = end;
    }
  }
  return regions;
}
