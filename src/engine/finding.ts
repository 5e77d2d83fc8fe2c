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

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes?: Fix[];
  related?: RelatedLocation[];
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
