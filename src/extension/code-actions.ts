// Quick fixes from the findings' own fix data (never parsed out of messages), plus "disable for this line"
// and "show documentation"; `source.fixAll.stagegate` applies the safe fixes of a whole file.

import * as vscode from 'vscode';
import type { Finding, Fix } from '../engine/finding';
import { ruleDocUrl } from '../engine/rule-kit/rule';
import { disableCommentFor } from '../engine/suppression';
import { DIAGNOSTIC_SOURCE, toRange } from './convert';
import type { DiagnosticsController } from './diagnostics';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('stagegate');

export class StagegateCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND] };

  constructor(private readonly diagnostics: DiagnosticsController) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.ProviderResult<vscode.CodeAction[]> {
    // Fixes carry positions: take them from a check of exactly this text, never from an older one. The published
    // findings usually are (answered at once); right after an edit, check first.
    const current = this.diagnostics.publishedFindingsIfCurrent(document);
    if (current) return this.actions(document, context, current);
    return this.diagnostics.currentFindings(document).then((findings) => this.actions(document, context, findings));
  }

  private actions(document: vscode.TextDocument, context: vscode.CodeActionContext, findings: Finding[]): vscode.CodeAction[] {
    if (context.only && FIX_ALL_KIND.contains(context.only)) return this.fixAll(document, findings);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const ruleId = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const finding = findings.find(
        (candidate) =>
          candidate.ruleId === ruleId && toRange(candidate.range).isEqual(diagnostic.range) && candidate.message === diagnostic.message,
      );
      for (const fix of finding?.fixes ?? []) actions.push(this.quickFix(document, fix, diagnostic));
      if (acceptsComments(document)) actions.push(this.disableForLine(document, diagnostic, ruleId));
      actions.push(this.showDocs(ruleId));
    }
    if (context.only === undefined || context.only.contains(FIX_ALL_KIND)) {
      const all = this.fixAll(document, findings);
      if (all.length && all[0].edit && all[0].edit.size > 0) actions.push(...all);
    }
    return actions;
  }

  private quickFix(document: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit.range), edit.newText);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.preferred === true;
    return action;
  }

  private disableForLine(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, ruleId: string): vscode.CodeAction {
    const line = diagnostic.range.start.line;
    const action = new vscode.CodeAction(`Disable ${ruleId} for this line`, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.insert(
      document.uri,
      new vscode.Position(line, 0),
      disableCommentFor(document.lineAt(line).text, ruleId, isSql(document) ? '--' : '#'),
    );
    action.diagnostics = [diagnostic];
    return action;
  }

  private showDocs(ruleId: string): vscode.CodeAction {
    const action = new vscode.CodeAction(`Show documentation for ${ruleId}`, vscode.CodeActionKind.QuickFix);
    action.command = { command: 'stagegate.showRuleDocumentation', title: 'Show documentation', arguments: [ruleId] };
    return action;
  }

  private fixAll(document: vscode.TextDocument, findings: Finding[]): vscode.CodeAction[] {
    const action = new vscode.CodeAction('Fix all safe Stagegate problems', FIX_ALL_KIND);
    action.edit = new vscode.WorkspaceEdit();
    const taken: vscode.Range[] = [];
    for (const finding of findings) {
      const fix = finding.fixes?.find((candidate) => candidate.safe);
      if (!fix) continue;
      const ranges = fix.edits.map((edit) => toRange(edit.range));
      if (ranges.some((range) => taken.some((other) => range.intersection(other) !== undefined))) continue;
      taken.push(...ranges);
      for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit.range), edit.newText);
    }
    return action.edit.size > 0 ? [action] : [];
  }
}

function isSql(document: vscode.TextDocument): boolean {
  return document.languageId === 'sql' || /\.sql$/i.test(document.uri.fsPath);
}

/** JSON has no comments, so it gets no suppression comment. */
function acceptsComments(document: vscode.TextDocument): boolean {
  return isSql(document) || !/\.json$/i.test(document.uri.fsPath);
}

export function ruleDocUri(ruleId: string): vscode.Uri {
  return vscode.Uri.parse(ruleDocUrl(ruleId));
}
