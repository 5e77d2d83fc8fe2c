// Publishes findings as diagnostics for every file the index holds: after a pause in typing, after a
// file changes on disk, after settings change. Cross-file findings stay right because every check
// sees the whole workspace; parses are cached, so unchanged files are not re-parsed.

import * as vscode from 'vscode';
import type { Finding } from '../engine/finding';
import { toDiagnostic } from './convert';
import type { WorkspaceIndex } from './workspace-index';

/** Validation waits for a pause in typing this long (yaml-language-server uses about 200 ms). */
export const DEBOUNCE_MS = 200;
/** A check slower than this is reported in the output channel, with the file count. */
export const SLOW_CHECK_MS = 1000;

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('stagegate');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private published = new Set<string>();
  private readonly findings = new Map<string, Finding[]>();
  /** The text each file had when its published findings were computed. */
  private readonly checkedTexts = new Map<string, string | undefined>();
  private readonly checked = new vscode.EventEmitter<void>();
  /** Fires after each round of diagnostics is published. */
  readonly onDidCheck = this.checked.event;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      this.checked,
      index.onDidChange(() => this.schedule()),
    );
  }

  private disposed = false;

  /** Findings of one file as last published. */
  findingsFor(uri: vscode.Uri): Finding[] {
    return this.findings.get(uri.fsPath) ?? [];
  }

  /** The published findings when they were computed from the document's current text, else undefined. */
  publishedFindingsIfCurrent(document: vscode.TextDocument): Finding[] | undefined {
    const path = document.uri.fsPath;
    const text = document.getText();
    return this.index.workspace.textOf(path) === text && this.checkedTexts.get(path) === text ? this.findingsFor(document.uri) : undefined;
  }

  /** Findings for the document's current text: the published ones when they match it, else a fresh check. */
  async currentFindings(document: vscode.TextDocument): Promise<Finding[]> {
    const current = this.publishedFindingsIfCurrent(document);
    if (current) return current;
    const path = document.uri.fsPath;
    const workspace = this.index.workspace;
    if (!workspace.setFile(path, document.getText())) return [];
    const [report] = await workspace.check([path]);
    return report?.findings ?? [];
  }

  schedule(delayMs = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.checkNow(), delayMs);
  }

  /** Checks everything now; concurrent requests collapse into one follow-up run. */
  async checkNow(): Promise<void> {
    clearTimeout(this.timer);
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.run();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.rerun) {
      this.rerun = false;
      await this.checkNow();
    }
  }

  private async run(): Promise<void> {
    const started = Date.now();
    try {
      const texts = new Map(this.index.workspace.paths().map((path) => [path, this.index.workspace.textOf(path)]));
      const reports = await this.index.workspace.check();
      if (this.disposed) return;
      const next = new Set<string>();
      this.findings.clear();
      this.checkedTexts.clear();
      for (const report of reports) {
        this.checkedTexts.set(report.path, texts.get(report.path));
        const uri = vscode.Uri.file(report.path);
        next.add(uri.toString());
        this.findings.set(report.path, report.findings);
        this.collection.set(uri, report.findings.map(toDiagnostic));
      }
      for (const stale of this.published) if (!next.has(stale)) this.collection.delete(vscode.Uri.parse(stale));
      this.published = next;
      const elapsed = Date.now() - started;
      if (elapsed > SLOW_CHECK_MS) this.log.appendLine(`Checking ${reports.length} files took ${elapsed} ms.`);
    } catch (error) {
      // The engine returns findings for bad input; an exception here is a bug, logged rather than thrown at the user.
      if (!this.disposed) this.log.appendLine(`Check failed: ${(error as Error).stack ?? String(error)}`);
    }
    if (!this.disposed) this.checked.fire();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
