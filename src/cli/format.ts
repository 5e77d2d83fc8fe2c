// Renders check results for people (stylish) and machines (json).

import type { Finding } from '../engine/finding';

export interface FileFindings {
  file: string;
  findings: Finding[];
}

interface JsonFinding {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One flat list, 1-based positions, sorted by file then position. */
export function toJsonFindings(results: FileFindings[]): JsonFinding[] {
  const rows: JsonFinding[] = [];
  for (const { file, findings } of results) {
    for (const finding of findings) {
      rows.push({
        file,
        ruleId: finding.ruleId,
        severity: finding.severity,
        message: finding.message,
        line: finding.range.start.line + 1,
        column: finding.range.start.character + 1,
        endLine: finding.range.end.line + 1,
        endColumn: finding.range.end.character + 1,
      });
    }
  }
  return rows.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn,
  );
}

export function formatStylish(results: FileFindings[]): string {
  const rows = toJsonFindings(results);
  if (rows.length === 0) return '';
  const lines = rows.map((row) => `${row.file}:${row.line}:${row.column}  ${row.severity}  ${row.message}  ${row.ruleId}`);
  const count = (severity: string) => rows.filter((row) => row.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const others = rows.length - errors - warnings;
  lines.push(
    '',
    `${rows.length} problem${rows.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${others ? `, ${others} info` : ''})`,
  );
  return lines.join('\n') + '\n';
}
