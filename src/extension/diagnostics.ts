// Keeps diagnostics in step with open documents: debounced per document, cleared on close.

import * as vscode from 'vscode';
import type { Workspace } from '../engine/check/workspace';
import { recognise } from '../engine/formats/recognise';
import { toDiagnostic } from './convert';

/** Validation waits for a pause in typing this long, per document (yaml-language-server uses about 200 ms). */
export const DEBOUNCE_MS = 200;

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('stagegate');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Per document, incremented per check so a slow, older check never overwrites a newer one's results. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly workspace: Workspace) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((document) => this.close(document)),
    );
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled' && document.uri.scheme !== 'vscode-remote') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(document);
      }, delayMs),
    );
  }

  private async validate(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const path = document.uri.fsPath;
    const text = document.getText();
    if (!recognise(path, text) || !this.workspace.setFile(path, text)) return;
    const key = document.uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    const reports = await this.workspace.check([path]);
    if (this.generations.get(key) !== generation || document.isClosed) return;
    for (const report of reports) this.collection.set(document.uri, report.findings.map(toDiagnostic));
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    this.collection.delete(document.uri);
    this.workspace.removeFile(document.uri.fsPath);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
