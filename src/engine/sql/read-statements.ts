// Turns migration text into statements: split first, then parse each one, so a syntax error stays local to its statement.

import { MAX_SQL_STATEMENT_BYTES } from '../limits';
import type { LineIndex } from '../text/line-index';
import { parseSql } from './parser';
import { splitStatements } from './split';
import { MigrationStatement, SqlSource } from './statement';
import type { TemplatedText, TemplateSyntax } from './templates';
import { utf8Length } from '../text/text-facts';

/**
 * Statements of `text[from, to)`. Parsing statement by statement costs the same as one whole-file parse
 * (measured: 2,000 statements, 16 ms either way) and gives exact, independent locations. With `templates`, the
 * statements are read from the text with its templates replaced; one that PostgreSQL still cannot parse and that
 * holds template syntax, or sits in a template's conditional block, is `templated` rather than a syntax error.
 */
export function readStatements(
  text: string,
  lines: LineIndex,
  from = 0,
  to = text.length,
  templates?: TemplatedText,
): MigrationStatement[] {
  const statements: MigrationStatement[] = [];
  if (templates) text = templates.text;
  for (const span of splitStatements(text, from, to)) {
    const source = new SqlSource(text.slice(span.start, span.end), span.start);
    const bytes = utf8Length(source.text);
    const add = (
      start: number,
      end: number,
      byteStart: number,
      byteEnd: number,
      ast: MigrationStatement['ast'],
      problem?: MigrationStatement['problem'],
    ): void => {
      statements.push(new MigrationStatement(statements.length, source, start, end, byteStart, byteEnd, ast, problem, lines));
    };
    if (bytes > MAX_SQL_STATEMENT_BYTES) {
      add(span.start, span.end, 0, bytes, undefined, { kind: 'too-large', bytes });
      continue;
    }
    const outcome = parseSql(source.text);
    if (!outcome.ok) {
      const errorAt = outcome.byteOffset === undefined ? undefined : source.fileOffset(outcome.byteOffset);
      const template = templates && templateIn(templates, span.start, span.end, errorAt, lines);
      if (template) {
        add(span.start, span.end, 0, bytes, undefined, { kind: 'templated', message: outcome.message, ...template });
        continue;
      }
      add(span.start, span.end, 0, bytes, undefined, { kind: 'syntax', message: outcome.message, byteOffset: outcome.byteOffset });
      continue;
    }
    if (outcome.statements.length === 1) {
      add(span.start, span.end, 0, bytes, outcome.statements[0].ast);
      continue;
    }
    // The splitter and PostgreSQL disagree about a boundary (rare: psql's BEGIN ... END heuristic): trust PostgreSQL.
    for (const parsed of outcome.statements) {
      const byteEnd = parsed.byteLength === undefined ? bytes : parsed.byteStart + parsed.byteLength;
      add(source.fileOffset(parsed.byteStart), source.fileOffset(byteEnd), parsed.byteStart, byteEnd, parsed.ast);
    }
  }
  return statements;
}

/**
 * The template syntax a statement holds and where to show it: the template PostgreSQL stopped in; else, for a
 * statement in a conditional block (perhaps another database's branch), the statement's first line; else the last
 * template before where PostgreSQL stopped, or the first. Undefined when the statement holds none and is in no block.
 */
function templateIn(
  templates: TemplatedText,
  start: number,
  end: number,
  errorAt: number | undefined,
  lines: LineIndex,
): { syntax: TemplateSyntax | undefined; inBlock: boolean; at: { start: number; end: number } } | undefined {
  const inside = templates.spans.filter((candidate) => candidate.start < end && candidate.end > start);
  const inBlock = templates.blocks.some((candidate) => candidate.start < end && candidate.end > start);
  if (inside.length === 0 && !inBlock) return undefined;
  const syntax = inside[0]?.syntax;
  const clip = (span: { start: number; end: number }) => ({ start: Math.max(span.start, start), end: Math.min(span.end, end) });
  const stoppedIn = errorAt === undefined ? undefined : inside.find((span) => span.start <= errorAt && errorAt < span.end);
  if (stoppedIn) return { syntax, inBlock, at: clip(stoppedIn) };
  if (inBlock) return { syntax, inBlock, at: { start, end: Math.min(end, lines.lineEnd(lines.positionAt(start).line)) } };
  const before = errorAt === undefined ? [] : inside.filter((span) => span.start <= errorAt);
  return { syntax, inBlock, at: clip(before[before.length - 1] ?? inside[0]) };
}
