// The engine's one currency for problems: every face (CLI, editor, SARIF) converts a Finding, none re-derives it.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** 0-based line and UTF-16 character, as editors count. */
export interface Position {
  line: number;
  character: number;
}

/** End is exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

/** A text edit against the document the finding belongs to. Offsets are UTF-16 code units. */
export interface TextEdit {
  range: Range;
  newText: string;
  /**
   * The same edit as a snippet (`${1:placeholder}` tab stops, `$`, `}` and `\\` escaped), for an edit that asks the user
   * for a value: editors that insert snippets offer it with the placeholder selected, others do not offer it, and
   * `newText` (the placeholder as text) is never applied unasked.
   */
  snippet?: string;
}

/** Mechanical repair the faces can offer (quick fix, `--fix`). */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes change nothing a reviewer would need to decide; `--fix` and fix-all apply only these. */
  safe: boolean;
  /** The fix an editor should offer first. */
  preferred?: boolean;
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

/**
 * What a migration finding says its statement does to one table, in a form a real PostgreSQL can confirm: the lock
 * mode its message names and whether it says the table is rewritten. The lock-model tests compare these with what
 * `stagegate trace` observes.
 */
export interface StatementEffect {
  /** The table as the statement names it, schema-qualified unless in `public`. */
  table: string;
  /** 1 (ACCESS SHARE) to 8 (ACCESS EXCLUSIVE), as the engine's LockMode numbers them. */
  lock?: number;
  /** The statement writes a new copy of the table (and its indexes). */
  rewrite?: boolean;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Migration rules: the locks and rewrites the message states. */
  effects?: StatementEffect[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.range.end.line - b.range.end.line ||
    a.range.end.character - b.range.end.character ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

/** A finding as machines read it (`check --format json`, simulation notes): its file, 1-based positions. */
export interface PlacedFinding {
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function placeFinding(file: string, finding: Finding): PlacedFinding {
  return {
    file,
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
  };
}

/** By file, then position. */
export function comparePlaced(a: PlacedFinding, b: PlacedFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}
