// The status bar item for the active plan: how many readiness checks pass, and its problem count.

import * as vscode from 'vscode';
import type { DiagnosticsController } from './diagnostics';
import type { WorkspaceIndex } from './workspace-index';
import { documentKind } from '../engine/formats/recognise';

export class ReadinessStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('stagegate.readiness', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly diagnostics: DiagnosticsController,
  ) {
    this.item.name = 'Stagegate readiness';
    this.item.command = 'stagegate.showReadiness';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      diagnostics.onDidCheck(() => void this.update()),
    );
    void this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const path = editor?.document.uri.fsPath;
    const source = path ? this.index.workspace.source(path) : undefined;
    if (!path || !source || !source.documents.some((doc) => documentKind(doc.value, path) === 'release-plan')) {
      this.item.hide();
      return;
    }
    const readiness = (await this.index.workspace.readiness(path))[0];
    const problems = this.diagnostics
      .findingsFor(editor!.document.uri)
      .filter((finding) => finding.severity === 'error' || finding.severity === 'warning').length;
    if (!readiness) return;
    const allReady = readiness.readyCount === readiness.items.length;
    this.item.text = `${allReady ? '$(pass)' : '$(warning)'} Stagegate ${readiness.readyCount}/${readiness.items.length} ready · ${problems} problem${problems === 1 ? '' : 's'}`;
    this.item.tooltip = new vscode.MarkdownString(
      readiness.items.map((item) => `${item.ready ? '✅' : '❌'} ${item.question}  \n${item.reason}`).join('\n\n'),
    );
    this.item.show();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
