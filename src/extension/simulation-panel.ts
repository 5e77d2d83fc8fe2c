// The simulation webview: one panel per plan, beside it. The simulation runs in the language server, off the
// extension host's thread, reporting progress and stopping on Cancel; the page gets data only after it says `ready`.

import { randomBytes, randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { DEFAULT_SCENARIO } from '../engine/model/scenario-kinds';
import type { SimulationReport } from '../engine/simulate/result';
import { SimulateRequest, type SimulateResult } from '../shared/protocol';
import { parseWebviewMessage, type HostMessage, type RunRequest } from '../../webview/messages';
import { simulationHtml } from './webview-html';

const VIEW_TYPE = 'stagegate.simulation';

export interface RenderInfo {
  charts: number;
  blankCanvases: number;
  matrixScenarios: string[];
}

interface PanelState {
  planPath?: string;
  request?: RunRequest;
}

/** Reports of the last simulation per plan (the server keeps its own copy for the stages' CodeLens). */
export class SimulationResults {
  private readonly reports = new Map<string, SimulationReport>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  set(planPath: string, report: SimulationReport): void {
    this.reports.set(planPath, report);
    this.changed.fire();
  }

  get(planPath: string): SimulationReport | undefined {
    return this.reports.get(planPath);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class SimulationPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<PanelState> {
  private readonly panels = new Map<string, SimulationPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly results: SimulationResults,
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, this),
      // Re-run when the plan is saved, with the panel's current controls.
      vscode.workspace.onDidSaveTextDocument((document) => this.panels.get(document.uri.fsPath)?.rerun()),
    );
  }

  /** Opens (or reveals) the plan's panel and runs; resolves when the page reports its charts drew, or with
   *  undefined when the run ends without a chart (the plan cannot be simulated, a cancel, the panel closed). */
  async show(planUri: vscode.Uri, request: Partial<RunRequest> & { matrix?: boolean } = {}): Promise<RenderInfo | undefined> {
    let panel = this.panels.get(planUri.fsPath);
    if (!panel) {
      const webviewPanel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        titleFor(planUri),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        this.options(),
      );
      panel = this.adopt(webviewPanel, planUri.fsPath, undefined);
    } else panel.reveal();
    return panel.start(request);
  }

  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    if (!state?.planPath) {
      webviewPanel.dispose();
      return;
    }
    webviewPanel.webview.options = this.options();
    this.adopt(webviewPanel, state.planPath, state.request);
  }

  private adopt(webviewPanel: vscode.WebviewPanel, planPath: string, request: RunRequest | undefined): SimulationPanel {
    const panel = new SimulationPanel(webviewPanel, planPath, this.extensionUri, this.results, this.client, this.log, request);
    this.panels.set(planPath, panel);
    webviewPanel.onDidDispose(() => {
      if (this.panels.get(planPath) === panel) this.panels.delete(planPath);
      panel.dispose();
    });
    return panel;
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
  }

  /** Open panels, for tests. */
  get openCount(): number {
    return this.panels.size;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.webviewPanel.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

class SimulationPanel {
  private ready = false;
  private pending: { request: RunRequest; matrix: boolean } | undefined;
  private cancellation: vscode.CancellationTokenSource | undefined;
  private renderWaiters: ((info: RenderInfo | undefined) => void)[] = [];
  private disposed = false;
  /** Counts runs, so a run replaced by a newer one ends quietly. */
  private runs = 0;
  /** The last report sent: sent again when a hidden page comes back and asks with `ready`. */
  private lastReport: HostMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private request: RunRequest;
  private matrix = false;

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly planPath: string,
    private readonly extensionUri: vscode.Uri,
    private readonly results: SimulationResults,
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
    restored: RunRequest | undefined,
  ) {
    const settings = vscode.workspace.getConfiguration('stagegate.simulation');
    this.request = restored ?? {
      scenario: DEFAULT_SCENARIO,
      seed: settings.get<number>('seed') ?? 1,
      runs: settings.get<number>('runs') ?? 200,
    };
    webviewPanel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.disposables.push(webviewPanel.webview.onDidReceiveMessage((message) => this.onMessage(message)));
    webviewPanel.webview.html = this.html();
  }

  reveal(): void {
    this.webviewPanel.reveal(vscode.ViewColumn.Beside, true);
  }

  start(request: Partial<RunRequest> & { matrix?: boolean }): Promise<RenderInfo | undefined> {
    this.request = { ...this.request, ...withoutUndefined(request) } as RunRequest;
    this.matrix = request.matrix ?? this.matrix;
    const rendered = new Promise<RenderInfo | undefined>((resolve) => this.renderWaiters.push(resolve));
    this.schedule(this.request, this.matrix);
    return rendered;
  }

  rerun(): void {
    this.schedule(this.request, this.matrix);
  }

  private schedule(request: RunRequest, matrix: boolean): void {
    if (!this.ready) {
      this.pending = { request, matrix };
      return;
    }
    void this.run(request, matrix);
  }

  private async run(request: RunRequest, matrix: boolean): Promise<void> {
    this.cancellation?.cancel();
    const cancellation = new vscode.CancellationTokenSource();
    this.cancellation = cancellation;
    const runId = ++this.runs;
    const workDoneToken = `stagegate-simulation-${randomUUID()}`;
    let reported = 0;
    try {
      const result = await vscode.window.withProgress(
        // The status bar, not a notification: the panel shows progress and has its own Cancel button.
        { location: vscode.ProgressLocation.Window, title: `Simulating ${vscode.Uri.file(this.planPath).path.split('/').pop()}` },
        async (progress) => {
          const subscription = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind === 'end' || value.percentage === undefined) return;
            progress.report({ message: value.message, increment: value.percentage - reported });
            reported = value.percentage;
            this.post({ type: 'progress', done: value.percentage, total: 100, label: value.message ?? '' });
          });
          try {
            const uri = vscode.Uri.file(this.planPath).toString();
            return await this.client.sendRequest(SimulateRequest, { uri, request, matrix, workDoneToken }, cancellation.token);
          } finally {
            subscription.dispose();
          }
        },
      );
      if (this.disposed || runId !== this.runs) return;
      this.show(result, runId);
    } catch (error) {
      // A run replaced by a newer one says nothing; the newer run speaks for the panel.
      if (runId !== this.runs) return;
      if (cancellation.token.isCancellationRequested) this.post({ type: 'error', message: 'Simulation cancelled.' });
      else {
        this.log.appendLine(`Simulation failed: ${(error as Error).stack ?? String(error)}`);
        this.post({ type: 'error', message: `Simulation failed: ${(error as Error).message}` });
      }
    } finally {
      if (this.cancellation === cancellation) this.cancellation = undefined;
      cancellation.dispose();
    }
  }

  private show(result: SimulateResult, runId: number): void {
    if ('error' in result) {
      this.post({ type: 'error', message: result.error });
      return;
    }
    for (const note of result.notes)
      this.log.appendLine(`Simulation of ${this.planPath}, line ${note.line}, column ${note.column}: ${note.message}`);
    if (runId !== this.runs) return;
    this.request = result.request;
    this.results.set(this.planPath, result.report);
    this.lastReport = {
      type: 'report',
      report: result.report,
      scenarios: result.scenarios,
      request: result.request,
      planName: result.report.plan.name,
      planPath: this.planPath,
    };
    this.post(this.lastReport);
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      // Never act on what the page sends unless it has the expected shape.
      this.log.appendLine(`Ignored a malformed message from the simulation view: ${safeJson(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.pending) {
          const { request, matrix } = this.pending;
          this.pending = undefined;
          void this.run(request, matrix);
        } else if (this.lastReport) this.post(this.lastReport);
        break;
      case 'run':
        this.request = message.request;
        this.matrix = message.matrix;
        void this.run(message.request, message.matrix);
        break;
      case 'cancel':
        this.cancellation?.cancel();
        break;
      case 'rendered':
        this.settle({ charts: message.charts, blankCanvases: message.blankCanvases, matrixScenarios: message.matrixScenarios });
        break;
      case 'log':
        this.log.appendLine(`Simulation view: ${message.message}`);
        break;
    }
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    if (message.type === 'error') this.settle(undefined);
    void this.webviewPanel.webview.postMessage(message);
  }

  private settle(info: RenderInfo | undefined): void {
    const waiters = this.renderWaiters;
    this.renderWaiters = [];
    for (const resolve of waiters) resolve(info);
  }

  private html(): string {
    const webview = this.webviewPanel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    return simulationHtml({
      cspSource: webview.cspSource,
      chartJs: asset('chart.umd.min.js'),
      page: asset('webview.js'),
      nonce: randomBytes(16).toString('base64'),
    });
  }

  dispose(): void {
    this.disposed = true;
    this.cancellation?.cancel();
    this.settle(undefined);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function titleFor(uri: vscode.Uri): string {
  return `Simulation: ${uri.path.split('/').pop()}`;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 300);
  } catch {
    return String(value);
  }
}
