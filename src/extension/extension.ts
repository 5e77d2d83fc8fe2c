// Extension entry: wires the engine to VS Code. Everything here is a thin face; the engine decides.

import * as vscode from 'vscode';
import { StagegateCodeActions } from './code-actions';
import { registerCommands } from './commands';
import { DiagnosticsController } from './diagnostics';
import { STAGEGATE_SELECTOR, StagegateCompletion, StagegateHover, StagegateSymbols } from './language-features';
import { ReadinessStatus } from './status-bar';
import { PlanCodeLens } from './code-lens';
import { SimulationPanels, SimulationResults, type RenderInfo } from './simulation-panel';
import { loadSimulation } from '../engine/workspace/simulation';
import { WorkspaceIndex } from './workspace-index';

/** What the extension returns from activate(), for its own tests and for other extensions. */
export interface StagegateApi {
  index: WorkspaceIndex;
  diagnostics: DiagnosticsController;
  status: ReadinessStatus;
  simulations: SimulationPanels;
  results: SimulationResults;
  /** Milliseconds from the start of activate() to the first diagnostics published. */
  activationMs: number;
}

export async function activate(context: vscode.ExtensionContext): Promise<StagegateApi> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('Stagegate');
  const index = new WorkspaceIndex(log);
  const diagnostics = new DiagnosticsController(index, log);
  const status = new ReadinessStatus(index, diagnostics);
  const sqlSelector: vscode.DocumentSelector = [
    { scheme: 'file', language: 'sql' },
    { scheme: 'file', pattern: '**/*.sql' },
  ];
  context.subscriptions.push(
    log,
    index,
    diagnostics,
    status,
    vscode.languages.registerCodeActionsProvider(
      [...(STAGEGATE_SELECTOR as vscode.DocumentFilter[]), ...(sqlSelector as vscode.DocumentFilter[])],
      new StagegateCodeActions(diagnostics),
      StagegateCodeActions.metadata,
    ),
    vscode.languages.registerHoverProvider(STAGEGATE_SELECTOR, new StagegateHover(index)),
    vscode.languages.registerCompletionItemProvider(STAGEGATE_SELECTOR, new StagegateCompletion(index), ':', ' ', '-', '['),
    vscode.languages.registerDocumentSymbolProvider(STAGEGATE_SELECTOR, new StagegateSymbols(index)),
  );
  const results = new SimulationResults();
  const simulations = new SimulationPanels(context.extensionUri, results, log, async (path, text) => {
    index.workspace.setFile(path, text);
    return loadSimulation(index.workspace, path);
  });
  const planUri = (uri?: vscode.Uri) => uri ?? vscode.window.activeTextEditor?.document.uri;
  context.subscriptions.push(
    results,
    simulations,
    vscode.languages.registerCodeLensProvider(STAGEGATE_SELECTOR, new PlanCodeLens(index, results)),
    vscode.commands.registerCommand(
      'stagegate.simulate',
      async (uri?: vscode.Uri, request?: { scenario?: string; seed?: number; runs?: number }): Promise<RenderInfo | undefined> => {
        const target = planUri(uri);
        if (!target) return void vscode.window.showInformationMessage('Stagegate: open a release plan to simulate it.');
        return simulations.show(target, { ...request, matrix: false });
      },
    ),
    vscode.commands.registerCommand(
      'stagegate.scenarioMatrix',
      async (uri?: vscode.Uri, request?: { seed?: number; runs?: number }): Promise<RenderInfo | undefined> => {
        const target = planUri(uri);
        if (!target) return void vscode.window.showInformationMessage('Stagegate: open a release plan to run its scenario matrix.');
        return simulations.show(target, { ...request, matrix: true });
      },
    ),
  );
  registerCommands(context, index, diagnostics);
  await index.initialise();
  await diagnostics.checkNow();
  const api: StagegateApi = { index, diagnostics, status, simulations, results, activationMs: Date.now() - started };
  log.appendLine(`Stagegate activated in ${api.activationMs} ms with ${index.workspace.paths().length} files.`);
  return api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
