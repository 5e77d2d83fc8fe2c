// "Stagegate: Trace Migration": asks the language server to trace the migration (after the earlier ones of its folder)
// on an embedded PostgreSQL. The server answers the inlay hints (each statement's observed locks and rewrites at the
// end of its line) and the diagnostic of a refused statement; this adds what only VS Code shows: a cancellable
// notification while PostgreSQL starts and the statements run, and the run summed up in the status bar until a traced
// file changes.

import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { TraceMigrationRequest, type TraceMigrationResult } from '../shared/protocol';

export class MigrationTrace implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('stagegate.trace', vscode.StatusBarAlignment.Left, 49);
  private readonly disposables: vscode.Disposable[] = [this.item];
  /** The files of the last run, whose edits make it stale. */
  private traced = new Set<string>();

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'Stagegate migration trace';
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.traced.has(event.document.uri.toString())) this.clear();
      }),
    );
  }

  /** The status bar text while a trace is shown ('' when none), for tests. */
  get text(): string {
    return this.traced.size > 0 ? this.item.text : '';
  }

  /** Traces `target` (default: the active editor's SQL file); resolves with the server's answer, undefined when cancelled. */
  async run(target?: vscode.Uri): Promise<TraceMigrationResult | undefined> {
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || !/\.sql$/i.test(uri.path)) {
      void vscode.window.showInformationMessage('Stagegate: open a SQL migration to trace it.');
      return undefined;
    }
    const name = uri.path.split('/').pop();
    const workDoneToken = `stagegate-trace-${randomUUID()}`;
    let result: TraceMigrationResult;
    try {
      result = await vscode.window.withProgress(
        // A notification: PostgreSQL takes seconds to start, and the user may cancel.
        { location: vscode.ProgressLocation.Notification, title: `Stagegate: tracing ${name}`, cancellable: true },
        async (progress, token) => {
          const subscription = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
          });
          try {
            return await this.client.sendRequest(TraceMigrationRequest, { uri: uri.toString(), workDoneToken }, token);
          } finally {
            subscription.dispose();
          }
        },
      );
    } catch (error) {
      if ((error as { code?: number }).code === -32800 || (error as Error).name === 'Canceled') {
        vscode.window.setStatusBarMessage('Stagegate: trace cancelled.', 5000);
        return undefined;
      }
      void vscode.window.showErrorMessage(`Stagegate: the trace failed: ${(error as Error).message}`);
      return undefined;
    }
    if ('error' in result) {
      void vscode.window.showErrorMessage(`Stagegate: ${result.error}`);
      return result;
    }
    this.show(uri, result);
    return result;
  }

  private show(uri: vscode.Uri, result: Exclude<TraceMigrationResult, { error: string }>): void {
    this.traced = new Set([uri.toString(), ...result.statements.map((row) => row.uri)]);
    const failure = result.statements.find((row) => row.status === 'failed');
    const lock = result.strongestLock;
    this.item.text = failure
      ? `$(error) Trace: failed at line ${failure.range.start.line + 1}`
      : `$(database) Trace: ${lock ? `${lock.mode} on ${lock.relation}` : 'no lock on an existing table'}`;
    this.item.tooltip = result.summary;
    this.item.command = failure ? 'workbench.actions.view.problems' : undefined;
    this.item.show();
    if (failure) void vscode.window.showWarningMessage(`Stagegate: ${result.summary}`);
  }

  private clear(): void {
    this.traced.clear();
    this.item.hide();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
