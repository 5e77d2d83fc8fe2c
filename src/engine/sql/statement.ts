// One SQL statement of a migration: its AST, where it sits in the file, and the narrower ranges rules report at.

import type { WrapReason } from '../formats/migration-tools';
import type { Node, ScanToken } from 'libpg-query';
import type { Range } from '../finding';
import { LineIndex, utf8ToUtf16Offsets } from '../text/line-index';
import { nodeKind, type NodeKind, type NodeOf, nodeAs, type TableName } from './ast';
import { scanSql } from './parser';
import type { TemplateSyntax } from './templates';

/** Text handed to the parser in one call; AST and token locations are UTF-8 byte offsets into it. */
export class SqlSource {
  private toUtf16: ((byteOffset: number) => number) | undefined;

  constructor(
    readonly text: string,
    /** UTF-16 offset of `text` in the file. */
    readonly offset: number,
  ) {}

  fileOffset(byteOffset: number): number {
    this.toUtf16 ??= utf8ToUtf16Offsets(this.text);
    return this.offset + this.toUtf16(byteOffset);
  }
}

type StatementProblem =
  | { kind: 'syntax'; message: string; byteOffset: number | undefined }
  | { kind: 'too-large'; bytes: number }
  /**
   * Not parsed even with its templates replaced: `syntax` is the template syntax it holds (undefined when it only
   * sits in a conditional block), `inBlock` whether it sits in one, `at` where to show it (UTF-16 offsets in the file).
   */
  | {
      kind: 'templated';
      message: string;
      syntax: TemplateSyntax | undefined;
      inBlock: boolean;
      at: { start: number; end: number };
    };

/** ACCESS SHARE (1) to ACCESS EXCLUSIVE (8), as PostgreSQL numbers them. */
export type LockMode = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
export const LOCK_NAMES: Record<LockMode, string> = {
  1: 'ACCESS SHARE',
  2: 'ROW SHARE',
  3: 'ROW EXCLUSIVE',
  4: 'SHARE UPDATE EXCLUSIVE',
  5: 'SHARE',
  6: 'SHARE ROW EXCLUSIVE',
  7: 'EXCLUSIVE',
  8: 'ACCESS EXCLUSIVE',
};
/** "an ACCESS EXCLUSIVE lock", "a SHARE lock". */
export function lockPhrase(mode: LockMode): string {
  const name = LOCK_NAMES[mode];
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} lock`;
}

/** SHARE and above conflict with ROW EXCLUSIVE: while held or queued, inserts, updates and deletes wait. */
export const BLOCKS_WRITES: LockMode = 5;

export interface TableLock {
  table: TableName;
  mode: LockMode;
}

interface TransactionScope {
  id: number;
  /** `explicit`: inside BEGIN ... COMMIT written in the file; `file`: the one transaction the tool wraps the file in; `statement`: autocommit. */
  kind: 'explicit' | 'file' | 'statement';
  /** For `file`: the tool known to wrap it, and how to run a statement outside its transaction (for messages). */
  by?: WrapReason;
}

export class MigrationStatement {
  readonly kind: NodeKind | undefined;
  /** Set by the model: which transaction the statement runs in. */
  transaction: TransactionScope = { id: -1, kind: 'statement' };
  /** Set by the model: whether a lock_timeout is in effect when the statement runs. */
  lockTimeoutSet = false;
  /** Set by the model: the locks it takes on tables that existed before the migration. */
  locks: TableLock[] = [];

  constructor(
    readonly index: number,
    readonly source: SqlSource,
    /** UTF-16 offsets in the file; `end` excludes the semicolon. */
    readonly start: number,
    readonly end: number,
    /** The same span as UTF-8 byte offsets into `source.text`. */
    readonly byteStart: number,
    readonly byteEnd: number,
    readonly ast: Node | undefined,
    readonly problem: StatementProblem | undefined,
    private readonly lines: LineIndex,
  ) {
    this.kind = ast ? nodeKind(ast) : undefined;
  }

  as<K extends NodeKind>(kind: K): NodeOf<K> | undefined {
    return nodeAs(this.ast, kind);
  }

  /** 1-based, for messages. */
  get line(): number {
    return this.lines.positionAt(this.start).line + 1;
  }

  range(): Range {
    return this.lines.range(this.start, this.end);
  }

  rangeOfBytes(byteStart: number, byteEnd: number): Range {
    return this.lines.range(this.source.fileOffset(byteStart), this.source.fileOffset(byteEnd));
  }

  /** From a byte offset to the end of its line, within the statement. */
  rangeToLineEnd(byteOffset: number): Range {
    const start = this.source.fileOffset(byteOffset);
    const lineEnd = this.lines.lineEnd(this.lines.positionAt(start).line);
    return this.lines.range(start, Math.min(lineEnd, this.end));
  }

  private scanned: ScanToken[] | null | undefined;

  /**
   * The statement's own tokens, comments excluded, at byte offsets into `source.text`. Scanned only when a rule needs
   * a range narrower than the statement (scanning costs more than parsing), and only this statement's text: a rule
   * that reports a few statements of a long file does not pay for scanning all of it.
   */
  tokens(): ScanToken[] | undefined {
    if (this.scanned === undefined) {
      const text = this.source.text.slice(this.start - this.source.offset, this.end - this.source.offset);
      this.scanned =
        scanSql(text)
          ?.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT')
          .map((t) => ({ ...t, start: t.start + this.byteStart, end: t.end + this.byteStart })) ?? null;
    }
    return this.scanned ?? undefined;
  }

  /** The first token spelling `word` (a keyword such as CONCURRENTLY), or undefined. */
  keywordRange(word: string): Range | undefined {
    const token = this.tokens()?.find((t) => t.text.toLowerCase() === word);
    return token ? this.rangeOfBytes(token.start, token.end) : undefined;
  }

  /**
   * The range of the `index`th subcommand of `ALTER TABLE name cmd, cmd, ...` (AlterTableCmd nodes carry no
   * location): subcommands are the comma-separated pieces after the table name, commas inside brackets aside.
   * Falls back to the whole statement when the tokens do not line up with the AST.
   */
  subcommandRange(index: number): Range {
    const pieces = this.subcommandPieces();
    const piece = pieces?.[index];
    return piece ? this.rangeOfBytes(piece.start, piece.end) : this.range();
  }

  /** The tokens of the `index`th subcommand (see `subcommandRange`), or undefined when they do not line up with the AST. */
  subcommandTokens(index: number): ScanToken[] | undefined {
    const piece = this.subcommandPieces()?.[index];
    return piece ? this.tokens()?.filter((t) => t.start >= piece.start && t.end <= piece.end) : undefined;
  }

  private pieceCache: { start: number; end: number }[] | null | undefined;

  private subcommandPieces(): { start: number; end: number }[] | undefined {
    if (this.pieceCache !== undefined) return this.pieceCache ?? undefined;
    this.pieceCache = null;
    const alter = this.as('AlterTableStmt');
    const tokens = this.tokens();
    const nameLocation = alter?.relation?.location;
    if (!alter || !tokens || nameLocation === undefined) return undefined;
    let at = tokens.findIndex((t) => t.start === nameLocation);
    if (at < 0) return undefined;
    while (tokens[at + 1]?.text === '.' && tokens[at + 2]) at += 2;
    if (tokens[at + 1]?.text === '*') at++;
    const pieces: { start: number; end: number }[] = [];
    let depth = 0;
    let first = -1;
    for (let i = at + 1; i < tokens.length; i++) {
      const text = tokens[i].text;
      if (text === ',' && depth === 0) {
        if (first >= 0) pieces.push({ start: tokens[first].start, end: tokens[i - 1].end });
        first = -1;
        continue;
      }
      if (text === '(' || text === '[') depth++;
      else if (text === ')' || text === ']') depth = Math.max(0, depth - 1);
      if (first < 0) first = i;
    }
    if (first >= 0) pieces.push({ start: tokens[first].start, end: tokens[tokens.length - 1].end });
    if (pieces.length !== (alter.cmds ?? []).length) return undefined;
    this.pieceCache = pieces;
    return pieces;
  }
}
