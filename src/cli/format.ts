// Renders check results for people (stylish) and machines (json).

import { comparePlaced, placeFinding, type Finding, type PlacedFinding } from '../engine/finding';

export interface FileFindings {
  file: string;
  findings: Finding[];
}

/** One flat list, 1-based positions, sorted by file then position. */
export function toJsonFindings(results: FileFindings[]): PlacedFinding[] {
  return results.flatMap(({ file, findings }) => findings.map((finding) => placeFinding(file, finding))).sort(comparePlaced);
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
