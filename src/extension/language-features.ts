// Hover, completion and document symbols: each asks the engine and converts its answer.

import * as vscode from 'vscode';
import { hoverAt } from '../engine/assist/hover';
import { completionsAt } from '../engine/assist/completion';
import { outline, type OutlineNode } from '../engine/assist/outline';
import { toRange } from './convert';
import type { WorkspaceIndex } from './workspace-index';

export const STAGEGATE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
];

export class StagegateHover implements vscode.HoverProvider {
  constructor(private readonly index: WorkspaceIndex) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const source = this.index.workspace.source(document.uri.fsPath);
    if (!source || source.text !== document.getText()) return undefined;
    const target = this.index.workspace.config.rules['gate-underpowered']?.options?.targetPower;
    const markdown = hoverAt(
      source,
      document.offsetAt(position),
      await this.index.workspace.facts(),
      this.index.workspace.config.today,
      typeof target === 'number' ? target : 0.8,
    );
    return markdown ? new vscode.Hover(new vscode.MarkdownString(markdown)) : undefined;
  }
}

const COMPLETION_KINDS = {
  flag: vscode.CompletionItemKind.Constant,
  metric: vscode.CompletionItemKind.Field,
  'scenario-kind': vscode.CompletionItemKind.EnumMember,
};

export class StagegateCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly index: WorkspaceIndex) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const path = document.uri.fsPath;
    // Completion runs between debounced checks: bring the workspace up to the document's text first.
    if (!this.index.workspace.setFile(path, document.getText())) return [];
    const source = this.index.workspace.source(path);
    if (!source) return [];
    const items = completionsAt(source, document.offsetAt(position), await this.index.workspace.facts());
    return items.map((item) => {
      const completion = new vscode.CompletionItem(item.label, COMPLETION_KINDS[item.kind]);
      completion.detail = item.detail;
      return completion;
    });
  }
}

const SYMBOL_KINDS: Record<OutlineNode['kind'], vscode.SymbolKind> = {
  plan: vscode.SymbolKind.Module,
  stage: vscode.SymbolKind.Event,
  gate: vscode.SymbolKind.Boolean,
  'flag-set': vscode.SymbolKind.Namespace,
  flag: vscode.SymbolKind.Constant,
  scenario: vscode.SymbolKind.Function,
};

export class StagegateSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly index: WorkspaceIndex) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const path = document.uri.fsPath;
    if (!this.index.accepts(document.uri, document.getText())) return [];
    this.index.workspace.setFile(path, document.getText());
    const source = this.index.workspace.source(path);
    return source ? outline(source).map(toSymbol) : [];
  }
}

function toSymbol(node: OutlineNode): vscode.DocumentSymbol {
  const range = toRange(node.range);
  const selection = toRange(node.selectionRange);
  const symbol = new vscode.DocumentSymbol(
    node.name || '(unnamed)',
    node.detail,
    SYMBOL_KINDS[node.kind],
    range,
    range.contains(selection) ? selection : new vscode.Range(range.start, range.start),
  );
  symbol.children = node.children.map(toSymbol);
  return symbol;
}
