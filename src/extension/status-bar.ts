// The status bar item for the active plan: how many readiness checks pass, and its problem count. Updated after
// each round of checks the server reports, and when another editor becomes active. Items a metrics server could
// measure (a plan with metrics queries) are answered from the files only, and marked so, until the user runs
// Calibrate from Prometheus on the plan: the server then measures them too, and the next round shows it. The editor
// never asks a metrics server by itself.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CheckedNotification, ReadinessRequest } from '../shared/protocol';

export class ReadinessStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('stagegate.readiness', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'Stagegate readiness';
    this.item.command = 'stagegate.showReadiness';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      client.onNotification(CheckedNotification, () => void this.update()),
    );
    void this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') {
      this.item.hide();
      return;
    }
    const uri = editor.document.uri;
    let readiness;
    try {
      [readiness] = await this.client.sendRequest(ReadinessRequest, { uri: uri.toString() });
    } catch {
      readiness = undefined;
    }
    if (!readiness) {
      this.item.hide();
      return;
    }
    const problems = vscode.languages
      .getDiagnostics(uri)
      .filter((diagnostic) => diagnostic.source === 'stagegate' && diagnostic.severity <= vscode.DiagnosticSeverity.Warning).length;
    const allReady = readiness.readyCount === readiness.items.length;
    const unmeasured = readiness.items.filter((item) => item.measured === false).length;
    this.item.text = `${allReady ? '$(pass)' : '$(warning)'} Stagegate ${readiness.readyCount}/${readiness.items.length} ready${unmeasured > 0 ? ` (${unmeasured} not measured)` : ''} · ${problems} problem${problems === 1 ? '' : 's'}`;
    this.item.tooltip = new vscode.MarkdownString(
      readiness.items
        .map(
          (item) => `${item.ready ? '✅' : '❌'} ${item.question}${item.measured === false ? ' *(not measured)*' : ''}  \n${item.reason}`,
        )
        .join('\n\n'),
    );
    this.item.show();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
