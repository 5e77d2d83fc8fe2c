// Converts engine findings into VS Code diagnostics; the only place that knows both shapes.

import * as vscode from 'vscode';
import type { Finding, Range, Severity } from '../engine/finding';
import { ruleDocUrl } from '../engine/rule-kit/rule';

export const DIAGNOSTIC_SOURCE = 'stagegate';

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function fromRange(range: vscode.Range): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** A diagnostic that remembers its finding, so code actions read fixes from it instead of parsing messages. */
export class StagegateDiagnostic extends vscode.Diagnostic {
  constructor(readonly finding: Finding) {
    super(toRange(finding.range), finding.message, SEVERITIES[finding.severity]);
  }
}

export function toDiagnostic(finding: Finding): StagegateDiagnostic {
  const diagnostic = new StagegateDiagnostic(finding);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.ruleId, target: vscode.Uri.parse(ruleDocUrl(finding.ruleId)) };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map(
      (related) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(vscode.Uri.file(related.file), toRange(related.range)),
          related.message,
        ),
    );
  }
  return diagnostic;
}
