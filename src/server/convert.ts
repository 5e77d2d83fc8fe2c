// Converts engine values into LSP ones: the only place that knows both shapes. Ranges already count as LSP does
// (0-based lines, UTF-16 characters), so they pass as they are.

import { URI } from 'vscode-uri';
import {
  CodeActionKind,
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  Location,
  type Range as LspRange,
} from 'vscode-languageserver/node';
import type { Finding, Range, Severity } from '../engine/finding';
import { ruleDocUrl } from '../engine/rule-kit/rule';

export const DIAGNOSTIC_SOURCE = 'stagegate';

/** The code action kind of "fix every safe problem of this file". */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.stagegate`;

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export function toUri(path: string): string {
  return URI.file(path).toString();
}

export function toLspRange(range: Range): LspRange {
  return { start: { ...range.start }, end: { ...range.end } };
}

export function sameRange(a: Range, b: LspRange): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export function toDiagnostic(finding: Finding): Diagnostic {
  const diagnostic = Diagnostic.create(
    toLspRange(finding.range),
    finding.message,
    SEVERITIES[finding.severity],
    finding.ruleId,
    DIAGNOSTIC_SOURCE,
  );
  diagnostic.codeDescription = { href: ruleDocUrl(finding.ruleId) };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((related) =>
      DiagnosticRelatedInformation.create(Location.create(toUri(related.file), toLspRange(related.range)), related.message),
    );
  }
  return diagnostic;
}
