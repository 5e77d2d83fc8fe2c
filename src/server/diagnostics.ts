// Checks the workspace after a pause in changes and delivers the findings: pushed (`publishDiagnostics`) to clients
// that do not pull, and answered to clients that pull (`textDocument/diagnostic` for open documents,
// `workspace/diagnostic` for every file, held open until something changes).

import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { compareFindings, type Finding } from '../engine/finding';
import { CheckedNotification, type CheckSummary } from '../shared/protocol';
import { toDiagnostic, toPath, toUri } from './convert';
import type { ServerWorkspace } from './server-workspace';

/** Checks wait for a pause in typing this long (yaml-language-server waits about 200 ms). */
const DEBOUNCE_MS = 200;

interface Published {
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Changes whenever the diagnostics do: what pulling clients compare. */
  resultId: string;
}

export class DiagnosticsRounds {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = true;
  private rounds = 0;
  private readonly latest = new Map<string, Published>();
  /** Diagnostics from outside the checks (a migration trace's refused statement), delivered with the file's own. */
  private readonly extra = new Map<string, Diagnostic[]>();
  private extraChanges = 0;
  private roundWaiters: (() => void)[] = [];
  lastCheck: CheckSummary = { files: 0, errors: 0, warnings: 0, ms: 0 };

  constructor(
    private readonly connection: Connection,
    private readonly files: ServerWorkspace,
    /** Push to clients that do not pull diagnostics. */
    private readonly push: boolean,
    /** Findings measured outside the checks (a plan's labels, by the Calibrate command), delivered with a file's own. */
    private readonly measured: (file: string) => Finding[] = () => [],
  ) {}

  /** Something changed: check again after a pause. */
  schedule(): void {
    this.dirty = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.settle(), DEBOUNCE_MS);
  }

  /** Resolves once every change received so far is checked and delivered. */
  async settle(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running || this.dirty) {
      this.running ??= this.round().finally(() => (this.running = undefined));
      await this.running;
    }
  }

  /** The findings last computed for a file (after `settle`, those of its current text). */
  findingsOf(file: string): Finding[] {
    return this.latest.get(file)?.findings ?? [];
  }

  private async round(): Promise<void> {
    this.dirty = false;
    const started = Date.now();
    try {
      await this.files.keepDateCurrent();
      await this.files.prepareCodeOwners();
      const reports = await this.files.engine.check();
      const seen = new Set<string>();
      let errors = 0;
      let warnings = 0;
      for (const checked of reports) {
        seen.add(checked.path);
        const extra = this.measured(checked.path);
        const report = extra.length > 0 ? { ...checked, findings: [...checked.findings, ...extra].sort(compareFindings) } : checked;
        for (const finding of report.findings) {
          if (finding.severity === 'error') errors++;
          else if (finding.severity === 'warning') warnings++;
        }
        const previous = this.latest.get(report.path);
        if (previous && previous.findings === report.findings) continue;
        const diagnostics = report.findings.map(toDiagnostic);
        const resultId = `${this.rounds}:${report.path}`;
        if (previous && JSON.stringify(previous.diagnostics) === JSON.stringify(diagnostics)) {
          this.latest.set(report.path, { ...previous, findings: report.findings });
          continue;
        }
        this.latest.set(report.path, { findings: report.findings, diagnostics, resultId });
        if (this.push)
          void this.connection.sendDiagnostics({ uri: toUri(report.path), diagnostics: this.withExtra(report.path, diagnostics) });
      }
      for (const file of [...this.latest.keys()]) {
        if (seen.has(file)) continue;
        this.latest.delete(file);
        if (this.push) void this.connection.sendDiagnostics({ uri: toUri(file), diagnostics: this.withExtra(file, []) });
      }
      this.rounds++;
      this.lastCheck = { files: reports.length, errors, warnings, ms: Date.now() - started };
    } catch (error) {
      // The engine returns findings for bad input; an exception here is a bug, logged rather than thrown at the user.
      this.connection.console.error(`Check failed: ${(error as Error).stack ?? String(error)}`);
    }
    void this.connection.sendNotification(CheckedNotification, this.lastCheck);
    for (const resolve of this.roundWaiters.splice(0)) resolve();
  }

  /**
   * Replaces the diagnostics from outside the checks of the given files (an empty list removes them), and delivers
   * them: pushed now, or pulled at the next pull (the caller asks pulling clients to pull again).
   */
  setExtra(changes: Map<string, Diagnostic[]>): void {
    this.extraChanges++;
    for (const [file, diagnostics] of changes) {
      if (diagnostics.length > 0) this.extra.set(file, diagnostics);
      else this.extra.delete(file);
      if (this.push)
        void this.connection.sendDiagnostics({
          uri: toUri(file),
          diagnostics: this.withExtra(file, this.latest.get(file)?.diagnostics ?? []),
        });
    }
    for (const resolve of this.roundWaiters.splice(0)) resolve();
  }

  private withExtra(file: string, diagnostics: Diagnostic[]): Diagnostic[] {
    const extra = this.extra.get(file);
    return extra ? [...diagnostics, ...extra] : diagnostics;
  }

  /** What a pulling client gets for a file: the findings of its last check and the extra diagnostics. */
  private delivered(file: string): { diagnostics: Diagnostic[]; resultId: string } | undefined {
    const published = this.latest.get(file);
    const extra = this.extra.get(file);
    if (!extra) return published;
    return {
      diagnostics: this.withExtra(file, published?.diagnostics ?? []),
      resultId: `${published?.resultId ?? file}+${this.extraChanges}`,
    };
  }

  /** `textDocument/diagnostic`: the findings of one file's current text. */
  async documentReport(uri: string, previousResultId: string | undefined): Promise<DocumentDiagnosticReport> {
    await this.settle();
    const published = this.delivered(toPath(uri));
    if (!published) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (previousResultId === published.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: published.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: published.resultId, items: published.diagnostics };
  }

  /**
   * `workspace/diagnostic`: every file whose diagnostics differ from what the client holds. When nothing does, the
   * request waits for the next round that changes something (or for the client to cancel it), so the client is
   * told of changes without asking again and again.
   */
  async workspaceReport(previous: { uri: string; value: string }[], token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    await this.settle();
    const known = new Map(previous.map((entry) => [toPath(entry.uri), entry.value]));
    for (;;) {
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const file of new Set([...this.latest.keys(), ...this.extra.keys()])) {
        const published = this.delivered(file)!;
        if (known.get(file) === published.resultId) continue;
        items.push({
          kind: DocumentDiagnosticReportKind.Full,
          uri: toUri(file),
          version: null,
          resultId: published.resultId,
          items: published.diagnostics,
        });
      }
      // Files the client still holds diagnostics for that are gone from the workspace.
      for (const file of known.keys()) {
        if (!this.latest.has(file) && !this.extra.has(file))
          items.push({ kind: DocumentDiagnosticReportKind.Full, uri: toUri(file), version: null, items: [] });
      }
      if (items.length > 0 || token.isCancellationRequested) return { items };
      await new Promise<void>((resolve) => {
        this.roundWaiters.push(resolve);
        token.onCancellationRequested(() => resolve());
      });
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const resolve of this.roundWaiters.splice(0)) resolve();
  }
}
