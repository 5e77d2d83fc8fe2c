// Code actions, hover, completion, document symbols and CodeLens over LSP: each asks the engine and converts its
// answer. Fixes come from the findings' own fix data, never parsed out of messages.

import {
  CodeAction,
  CodeActionKind,
  CompletionItemKind,
  SymbolKind,
  type CodeActionParams,
  type CodeLens,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type TextDocumentPositionParams,
  type ClientCapabilities,
  type SnippetTextEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readCalibrationStamp, type WrittenStamp } from '../engine/calibrate/write';
import { completionsAt, type CompletionItem as EngineCompletion } from '../engine/assist/completion';
import { hoverAt } from '../engine/assist/hover';
import { outline, type OutlineNode } from '../engine/assist/outline';
import type { Finding, Fix } from '../engine/finding';
import { migrationPlace } from '../engine/formats/migration-roles';
import { documentKind } from '../engine/formats/recognise';
import { locate } from '../engine/parse/source-file';
import type { SimulationReport } from '../engine/simulate/result';
import { disableCommentFor } from '../engine/suppression';
import { isSimulable } from '../engine/workspace/simulation';
import { stageSummary } from '../report/text';
import { COMMANDS } from '../shared/protocol';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, sameRange, toLspRange, toPath } from './convert';
import type { ServerWorkspace } from './server-workspace';

/**
 * Quick fixes, "disable for this line", the rule's page and fix-all for a range. A fix that asks the user for a value
 * (a snippet edit) is offered only to clients that take snippet edits (`workspace.workspaceEdit.snippetEditSupport`,
 * LSP 3.18: VS Code's client among them); others get no such action, rather than a placeholder written as text.
 */
export function codeActions(document: TextDocument, params: CodeActionParams, findings: Finding[], snippets = false): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  if (only && only.every((requested) => FIX_ALL_KIND === requested || FIX_ALL_KIND.startsWith(`${requested}.`)))
    return fixAll(document, findings);
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const ruleId = String(diagnostic.code);
      const finding = findings.find(
        (candidate) =>
          candidate.ruleId === ruleId && sameRange(candidate.range, diagnostic.range) && candidate.message === diagnostic.message,
      );
      for (const fix of finding?.fixes ?? []) {
        const asSnippet = fix.edits.some((edit) => edit.snippet !== undefined);
        if (asSnippet && !snippets) continue;
        const action = CodeAction.create(
          fix.title,
          asSnippet ? snippetEdit(document, fix) : { changes: { [document.uri]: edits(fix) } },
          CodeActionKind.QuickFix,
        );
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        actions.push(action);
      }
      if (acceptsComments(document)) {
        const line = diagnostic.range.start.line;
        const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
        const insert: TextEdit = {
          range: { start: { line, character: 0 }, end: { line, character: 0 } },
          newText: disableCommentFor(lineText, ruleId, isSql(document) ? '--' : '#'),
        };
        const action = CodeAction.create(
          `Disable ${ruleId} for this line`,
          { changes: { [document.uri]: [insert] } },
          CodeActionKind.QuickFix,
        );
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
      const docs = CodeAction.create(
        `Show documentation for ${ruleId}`,
        { title: 'Show documentation', command: COMMANDS.showRuleDocumentation, arguments: [ruleId] },
        CodeActionKind.QuickFix,
      );
      actions.push(docs);
    }
  }
  if (!only || only.some((requested) => FIX_ALL_KIND.startsWith(requested))) actions.push(...fixAll(document, findings));
  return actions;
}

/** One action applying the safe fix of every finding, skipping fixes whose edits overlap an earlier one. */
function fixAll(document: TextDocument, findings: Finding[]): CodeAction[] {
  const chosen: TextEdit[] = [];
  // Edits that overlap or touch would land in an order the client chooses: keep the first fix only.
  const touches = (a: TextEdit, b: TextEdit) =>
    document.offsetAt(a.range.start) <= document.offsetAt(b.range.end) &&
    document.offsetAt(b.range.start) <= document.offsetAt(a.range.end);
  for (const finding of findings) {
    const fix = finding.fixes?.find((candidate) => candidate.safe && candidate.edits.every((edit) => edit.snippet === undefined));
    if (!fix) continue;
    const fixEdits = edits(fix);
    if (fixEdits.some((edit) => chosen.some((other) => touches(edit, other)))) continue;
    chosen.push(...fixEdits);
  }
  if (chosen.length === 0) return [];
  return [CodeAction.create('Fix all safe Stagegate problems', { changes: { [document.uri]: chosen } }, FIX_ALL_KIND)];
}

function edits(fix: Fix): TextEdit[] {
  return fix.edits.map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText }));
}

/** A fix with a tab stop, as LSP 3.18 snippet text edits (in `documentChanges`, where they may appear). */
function snippetEdit(document: TextDocument, fix: Fix): WorkspaceEdit {
  const changes: (TextEdit | SnippetTextEdit)[] = fix.edits.map((edit) =>
    edit.snippet === undefined
      ? { range: toLspRange(edit.range), newText: edit.newText }
      : { range: toLspRange(edit.range), snippet: { kind: 'snippet', value: edit.snippet } },
  );
  return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: changes }] };
}

/** Whether the client applies snippet text edits from a workspace edit. */
export function takesSnippetEdits(capabilities: ClientCapabilities): boolean {
  const workspaceEdit = capabilities.workspace?.workspaceEdit;
  return workspaceEdit?.snippetEditSupport === true && workspaceEdit.documentChanges === true;
}

function isSql(document: TextDocument): boolean {
  return document.languageId === 'sql' || /\.sql$/i.test(toPath(document.uri));
}

/** JSON has no comments, so it gets no suppression comment. */
function acceptsComments(document: TextDocument): boolean {
  return isSql(document) || !/\.json$/i.test(toPath(document.uri));
}

export async function hover(files: ServerWorkspace, document: TextDocument, params: TextDocumentPositionParams): Promise<Hover | null> {
  const source = files.engine.source(toPath(document.uri));
  if (!source || source.text !== document.getText()) return null;
  const engine = files.engine;
  const target = engine.config.rules['gate-underpowered']?.options?.targetPower;
  const markdown = hoverAt(
    source,
    document.offsetAt(params.position),
    await engine.facts(),
    engine.config.today,
    typeof target === 'number' ? target : 0.8,
  );
  return markdown ? { contents: { kind: 'markdown', value: markdown } } : null;
}

const COMPLETION_KINDS: Record<EngineCompletion['kind'], CompletionItemKind> = {
  flag: CompletionItemKind.Constant,
  metric: CompletionItemKind.Field,
  'scenario-kind': CompletionItemKind.EnumMember,
};

export async function completion(
  files: ServerWorkspace,
  document: TextDocument,
  params: TextDocumentPositionParams,
): Promise<CompletionItem[]> {
  const source = files.engine.source(toPath(document.uri));
  if (!source || source.text !== document.getText()) return [];
  return completionsAt(source, document.offsetAt(params.position), await files.engine.facts()).map((item) => ({
    label: item.label,
    kind: COMPLETION_KINDS[item.kind],
    detail: item.detail,
  }));
}

const SYMBOL_KINDS: Record<OutlineNode['kind'], SymbolKind> = {
  plan: SymbolKind.Module,
  stage: SymbolKind.Event,
  gate: SymbolKind.Boolean,
  'flag-set': SymbolKind.Namespace,
  flag: SymbolKind.Constant,
  scenario: SymbolKind.Function,
};

export function documentSymbols(files: ServerWorkspace, document: TextDocument): DocumentSymbol[] {
  const source = files.engine.source(toPath(document.uri));
  return source ? outline(source).map(toSymbol) : [];
}

function toSymbol(node: OutlineNode): DocumentSymbol {
  const range = toLspRange(node.range);
  const inside =
    (node.selectionRange.start.line > range.start.line ||
      (node.selectionRange.start.line === range.start.line && node.selectionRange.start.character >= range.start.character)) &&
    (node.selectionRange.end.line < range.end.line ||
      (node.selectionRange.end.line === range.end.line && node.selectionRange.end.character <= range.end.character));
  return {
    name: node.name || '(unnamed)',
    detail: node.detail,
    kind: SYMBOL_KINDS[node.kind],
    range,
    selectionRange: inside ? toLspRange(node.selectionRange) : { start: range.start, end: range.start },
    children: node.children.map(toSymbol),
  };
}

/**
 * "Simulate" and "Scenario matrix" on each plan, Rollout and Canary, "Calibrate from Prometheus" and "Backtest" on a plan
 * with a `metrics` section; after a simulation, what each stage caught.
 */
export function codeLenses(files: ServerWorkspace, document: TextDocument, reports: Map<string, SimulationReport>): CodeLens[] {
  const path = toPath(document.uri);
  // An up migration: trace it (after the earlier ones of its folder) on an embedded PostgreSQL.
  if (files.engine.kindsOf(path).includes('sql-migration') && migrationPlace(path).role === 'up')
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        command: { title: 'Trace migration', command: COMMANDS.traceMigration, arguments: [document.uri] },
      },
    ];
  const source = files.engine.source(path);
  if (!source) return [];
  const lenses: CodeLens[] = [];
  const report = reports.get(path);
  for (const doc of source.documents) {
    if (!isSimulable(doc, path, source.declared)) continue;
    const head = toLspRange(locate(source, doc, ['kind']).value);
    lenses.push(
      { range: head, command: { title: 'Simulate', command: COMMANDS.simulate, arguments: [document.uri] } },
      { range: head, command: { title: 'Scenario matrix', command: COMMANDS.scenarioMatrix, arguments: [document.uri] } },
    );
    // A plan that names its metrics can be calibrated from them and backtested on them.
    const metrics = (doc.value as { metrics?: unknown } | null)?.metrics;
    if (documentKind(doc.value, path, source.declared) === 'release-plan' && typeof metrics === 'object' && metrics !== null)
      lenses.push(
        { range: head, command: { title: 'Calibrate from Prometheus', command: COMMANDS.calibrate, arguments: [document.uri] } },
        { range: head, command: { title: 'Backtest', command: COMMANDS.backtest, arguments: [document.uri] } },
      );
    // When the plan's traffic and baseline were last calibrated, read from the comment calibrate writes.
    const stamp = documentKind(doc.value, path, source.declared) === 'release-plan' ? readCalibrationStamp(source.text) : undefined;
    const inDocument =
      stamp !== undefined &&
      (source.documents.length === 1 ||
        (stamp.offset >= source.lines.offsetAt(doc.range.start) && stamp.offset <= source.lines.offsetAt(doc.range.end)));
    if (stamp && inDocument) {
      const start = source.lines.positionAt(stamp.offset);
      lenses.push({
        range: { start, end: start },
        // A label, not a button: there is nothing to run from it.
        command: { title: calibratedTitle(stamp), command: '' },
      });
    }
    const stages = (doc.value as { stages?: unknown[] } | null)?.stages;
    if (!report || documentKind(doc.value, path, source.declared) !== 'release-plan' || !Array.isArray(stages)) continue;
    stages.forEach((stage, index) => {
      const name = (stage as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      const title = stageSummary(report, name);
      if (title)
        lenses.push({
          range: toLspRange(locate(source, doc, ['stages', index, 'name']).value),
          command: { title, command: COMMANDS.simulate, arguments: [document.uri] },
        });
    });
  }
  return lenses;
}

/** `Calibrated 2026-11-30 00:20 UTC from 2025-11-03 00:00 to 2025-11-10 00:00 (30m windows, http://prometheus:9090)`. */
function calibratedTitle(stamp: WrittenStamp): string {
  const short = (iso: string) => iso.replace('T', ' ').replace(/:00(\.\d+)?Z$|Z$/, '');
  return `Calibrated ${short(stamp.at)} UTC from ${short(stamp.from)} to ${short(stamp.to)} (${stamp.window} windows, ${stamp.server})`;
}
