// Extension entry: starts the language client, and adds what only VS Code has: the simulation webview, the
// readiness status bar item, the migration trace's progress and summary, the commands and the walkthrough. The engine runs in the language server.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusRequest, type ServerStatus } from '../shared/protocol';
import { createLanguageClient } from './client';
import { BacktestPanels } from './backtest-panel';
import { registerCommands } from './commands';
import { MetricsCommands, redactingChannel } from './metrics';
import { SimulationPanels, SimulationResults, type RenderInfo } from './simulation-panel';
import { ReadinessStatus } from './status-bar';
import { MigrationTrace } from './trace';

/** What the extension returns from activate(), for its own tests and for other extensions. */
export interface StagegateApi {
  client: LanguageClient;
  status: ReadinessStatus;
  simulations: SimulationPanels;
  results: SimulationResults;
  /** "Trace Migration" and its status bar summary. */
  trace: MigrationTrace;
  /** "Calibrate from Prometheus", "Backtest" and the metrics credentials; tests answer its prompts. */
  metrics: MetricsCommands;
  backtests: BacktestPanels;
  /** The file the Stagegate output channel (with the language client's message trace) is written to. */
  logFile: vscode.Uri;
  /** Milliseconds from the start of activate() to the server's first diagnostics delivered. */
  activationMs: number;
  /** Resolves once the server has checked and delivered every change it has received, with its state. */
  serverStatus(options?: { collectGarbage?: boolean }): Promise<ServerStatus>;
}

/** How long activation waits for the first round of checks before returning anyway (a huge workspace). */
const FIRST_CHECK_WAIT_MS = 60_000;

let running: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<StagegateApi> {
  const started = Date.now();
  const output = vscode.window.createOutputChannel('Stagegate', { log: true });
  // Credentials from the secret store cross to the server: the client's log and message trace never show them.
  const credentials = new Set<string>();
  const shown = redactingChannel(output, credentials);
  const client = createLanguageClient(context.extensionUri, shown, shown);
  await client.start();
  // The server answers a status request once its start-up scan is checked and delivered.
  const firstCheck = Promise.race([
    client.sendRequest(StatusRequest, {}).then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => setTimeout(resolve, FIRST_CHECK_WAIT_MS)),
  ]);
  running = client;
  const results = new SimulationResults();
  const simulations = new SimulationPanels(context.extensionUri, results, client, output);
  const status = new ReadinessStatus(client);
  const trace = new MigrationTrace(client);
  const backtests = new BacktestPanels(context.extensionUri);
  // Before the server's first request: it asks this side about any metrics address.
  const metrics = new MetricsCommands(context, client, backtests, credentials);
  context.subscriptions.push(output, results, simulations, status, trace, backtests, metrics);

  const planUri = (uri?: vscode.Uri | string) =>
    typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? vscode.window.activeTextEditor?.document.uri);
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'stagegate.simulate',
      async (uri?: vscode.Uri | string, request?: { scenario?: string; seed?: number; runs?: number }): Promise<RenderInfo | undefined> => {
        const target = planUri(uri);
        if (!target) return void vscode.window.showInformationMessage('Stagegate: open a release plan to simulate it.');
        return simulations.show(target, { ...request, matrix: false });
      },
    ),
    vscode.commands.registerCommand(
      'stagegate.scenarioMatrix',
      async (uri?: vscode.Uri | string, request?: { seed?: number; runs?: number }): Promise<RenderInfo | undefined> => {
        const target = planUri(uri);
        if (!target) return void vscode.window.showInformationMessage('Stagegate: open a release plan to run its scenario matrix.');
        return simulations.show(target, { ...request, matrix: true });
      },
    ),
    vscode.commands.registerCommand('stagegate.traceMigration', (uri?: vscode.Uri | string) =>
      trace.run(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri),
    ),
  );
  registerCommands(context, client);
  await firstCheck;
  const api: StagegateApi = {
    client,
    status,
    simulations,
    results,
    trace,
    metrics,
    backtests,
    logFile: vscode.Uri.joinPath(context.logUri, 'Stagegate.log'),
    activationMs: Date.now() - started,
    serverStatus: (options = {}) => client.sendRequest(StatusRequest, options),
  };
  output.appendLine(`Stagegate activated in ${api.activationMs} ms.`);
  return api;
}

/** Stops the language server (VS Code waits for it); the rest is disposed through context.subscriptions. */
export function deactivate(): Thenable<void> | undefined {
  const client = running;
  running = undefined;
  return client?.stop();
}
