// Stagegate's language server: the engine behind the Language Server Protocol, for VS Code (through its client in
// src/extension) and any other editor (`stagegate lsp --stdio`). Diagnostics are pushed, or pulled where the client
// supports it; code actions, hover, completion, symbols and CodeLens are answered from the engine; simulations run
// here, off the editor's thread, with progress and cancellation.

import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import {
  CancellationToken,
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeWatchedFilesNotification,
  InlayHintRefreshRequest,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleMetas } from '../engine/catalogue';
import { documentKind } from '../engine/formats/recognise';
import { buildReport, DEFAULT_SCENARIO, DEFAULT_SEED } from '../engine/simulate';
import type { SimulationReport } from '../engine/simulate/result';
import { ruleDocUrl } from '../engine/rule-kit/rule';
import { newFlagEdit } from '../engine/assist/new-flag';
import { flagSetTemplate } from '../engine/templates';
import { VERSION } from '../shared/version';
import { loadSimulation } from '../engine/workspace/simulation';
import { describeRun, formatMatrixText } from '../report/text';
import {
  BacktestRequest,
  CalibrateRequest,
  COMMANDS,
  NewFlagRequest,
  ReadinessRequest,
  RulesRequest,
  SimulateRequest,
  StatusRequest,
  TraceMigrationRequest,
  type InitializationOptions,
  type ServerStatus,
} from '../shared/protocol';
import { FIX_ALL_KIND, toLspRange, toPath, toUri } from './convert';
import { DiagnosticsRounds } from './diagnostics';
import { codeActions, codeLenses, completion, documentSymbols, hover, takesSnippetEdits } from './features';
import { ServerWorkspace, type EditorSettings } from './server-workspace';
import { simulate } from './simulation';
import { scanFolder } from '../node/files';
import { MetricsRuns } from './metrics';
import { MigrationTraces, readFromDisk } from './trace';

/** Runs per scenario when an editor without the simulation view asks for the scenario matrix. */
const MATRIX_RUNS_WITHOUT_VIEW = 200;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const files = new ServerWorkspace();
  const reports = new Map<string, SimulationReport>();
  let capabilities: ClientCapabilities = {};
  let rounds: DiagnosticsRounds | undefined;
  let folders: string[] = [];
  let clientCommands = new Set<string>();
  let clientAnswersAccess = false;
  let ready: Promise<void> = Promise.resolve();

  const pulls = () => capabilities.textDocument?.diagnostic !== undefined;
  const changed = () => rounds?.schedule();
  const traces = new MigrationTraces(
    {
      sqlFiles: async (folder, nested, limit) => {
        const isSql = (file: string) => /\.sql$/i.test(file);
        if (!nested) {
          const names = await fs.readdir(folder).catch(() => [] as string[]);
          const files = names.filter(isSql).map((name) => path.join(folder, name));
          return { files: files.slice(0, limit), truncated: files.length > limit };
        }
        const scan = await scanFolder(folder, limit);
        return { files: scan.files.filter(isSql), truncated: scan.truncated };
      },
      textOf: async (file) => documents.get(toUri(file))?.getText() ?? files.engine.textOf(file) ?? (await readFromDisk(file)),
      relative: (file) => files.relative(file),
    },
    (changes) => {
      rounds?.setExtra(changes);
      if (pulls() && capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    },
    () => {
      if (capabilities.workspace?.inlayHint?.refreshSupport) void connection.sendRequest(InlayHintRefreshRequest.type);
    },
  );

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    folders = (params.workspaceFolders ?? []).map((folder) => toPath(folder.uri));
    if (folders.length === 0 && params.rootUri) folders = [toPath(params.rootUri)];
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    clientCommands = new Set(options.clientCommands ?? []);
    clientAnswersAccess = options.metricsAccess === true;
    rounds = new DiagnosticsRounds(connection, files, !pulls(), (file) => metrics.labelFindings(file));
    // Commands the client does not run itself are the server's: listing them makes other editors route them here.
    const serverCommands = Object.values(COMMANDS).filter((command) => !clientCommands.has(command));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '-', '['] },
        documentSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        // A traced migration's observed locks and rewrites, at the end of each statement's line.
        inlayHintProvider: { resolveProvider: false },
        executeCommandProvider: serverCommands.length > 0 ? { commands: serverCommands } : undefined,
        ...(pulls() ? { diagnosticProvider: { identifier: 'stagegate', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
      },
      serverInfo: { name: 'stagegate', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    ready = (async () => {
      await files.initialise(folders, await editorSettings());
      for (const problem of files.configurationProblems) connection.console.warn(`Configuration: ${problem}`);
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.{yaml,yml,json,sql}' },
            { globPattern: '**/{.stagegate.yaml,CODEOWNERS}' },
            // Folders: a deleted folder fires one event for itself, and a created one may arrive already full.
            { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
          ],
        });
      }
      changed();
    })();
  });

  async function editorSettings(): Promise<EditorSettings> {
    if (!capabilities.workspace?.configuration) return {};
    const settings = (await connection.workspace.getConfiguration({ section: 'stagegate' })) as unknown;
    return typeof settings === 'object' && settings !== null ? (settings as EditorSettings) : {};
  }

  /** Everything received so far is read, checked and delivered. */
  async function settled(): Promise<void> {
    await ready;
    await rounds?.settle();
  }

  connection.onDidChangeConfiguration(async () => {
    await ready;
    await files.setSettings(await editorSettings());
    changed();
  });

  documents.onDidChangeContent((event) => {
    files.setOpen(toPath(event.document.uri), event.document.getText());
    traces.changed(toPath(event.document.uri), event.document.getText());
    changed();
  });
  documents.onDidClose(async (event) => {
    await files.setClosed(toPath(event.document.uri));
    changed();
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await ready;
    for (const change of changes) {
      const file = toPath(change.uri);
      if (change.type === FileChangeType.Deleted) await files.deletedOnDisk(file);
      else await files.changedOnDisk(file);
      // An open document's trace follows its editor text; a closed file's, the disk.
      if (!documents.get(change.uri)) traces.changed(file, change.type === FileChangeType.Deleted ? undefined : await readFromDisk(file));
    }
    changed();
    // Files not open may have changed what open documents report: ask pulling clients to pull again.
    if (pulls() && capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
  });

  connection.languages.diagnostics.on(async (params) => {
    await ready;
    return rounds!.documentReport(params.textDocument.uri, params.previousResultId);
  });
  connection.languages.diagnostics.onWorkspace(async (params, token) => {
    await ready;
    return rounds!.workspaceReport(params.previousResultIds, token);
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    // Fixes carry positions: take them from a check of exactly this text.
    await settled();
    return codeActions(document, params, rounds!.findingsOf(toPath(document.uri)), takesSnippetEdits(capabilities));
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? hover(files, document, params) : null;
  });

  connection.onCompletion(async (params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? completion(files, document, params) : [];
  });

  connection.onDocumentSymbol((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? documentSymbols(files, document) : [];
  });

  connection.onCodeLens((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? codeLenses(files, document, reports) : [];
  });

  connection.onRequest(SimulateRequest, async (params, token) => {
    await settled();
    const result = await simulate(connection, files, params, token);
    if ('report' in result) {
      reports.set(toPath(params.uri), result.report);
      if (capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
    }
    return result;
  });

  // Calibrate and backtest: every query to a metrics server goes through MetricsRuns' address check.
  // A measurement of a plan's labels (inside Calibrate) changes its findings and readiness: check and deliver again.
  const metrics = new MetricsRuns(
    connection,
    files,
    () => clientAnswersAccess,
    process.env,
    () => {
      changed();
      if (pulls() && capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    },
  );
  connection.onRequest(CalibrateRequest, async (params) => {
    await settled();
    return metrics.calibrate(params);
  });
  connection.onRequest(BacktestRequest, async (params) => {
    await settled();
    return metrics.backtest(params);
  });

  connection.languages.inlayHint.on((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? traces.hints(toPath(document.uri), document.getText()) : [];
  });

  connection.onRequest(TraceMigrationRequest, async (params, token) => {
    await settled();
    return traces.trace(toPath(params.uri), connection.window.attachWorkDoneProgress(params.workDoneToken), token);
  });

  connection.onRequest(ReadinessRequest, async ({ uri }) => {
    await settled();
    return files.engine.readiness(toPath(uri), metrics.measuredLabels(toPath(uri)));
  });

  connection.onRequest(RulesRequest, () => ruleMetas());

  connection.onRequest(NewFlagRequest, async ({ uri, key }) => {
    await settled();
    const { defaultOwner, today } = files.engine.config;
    const file = uri ? toPath(uri) : undefined;
    // The owner the add-owner fix would write (flags.defaultOwner, CODEOWNERS, defaultOwner); else a placeholder,
    // which flag-missing-owner reports until someone replaces it.
    const facts = file ? await files.engine.facts() : undefined;
    const owner = (file && (facts!.defaultOwner(file) ?? facts!.suggestOwner(file)?.owner)) || defaultOwner || 'your-team';
    const source = file ? files.engine.source(file) : undefined;
    const flagSet = source?.documents.find((doc) => documentKind(doc.value, file!, source.declared) === 'flag-set');
    const edit = source && flagSet ? newFlagEdit(source, flagSet, key, owner, today) : undefined;
    return edit ? { edit: { range: toLspRange(edit.range), newText: edit.newText } } : { fileText: flagSetTemplate(key, owner, today) };
  });

  connection.onRequest(StatusRequest, async (params?: { collectGarbage?: boolean }): Promise<ServerStatus> => {
    await settled();
    if (params?.collectGarbage) collectGarbage();
    return {
      pid: process.pid,
      files: files.engine.paths(),
      unscanned: files.unscanned,
      heapUsedBytes: process.memoryUsage().heapUsed,
      diagnostics: pulls() ? 'pull' : 'push',
      configurationProblems: files.configurationProblems,
      lastCheck: rounds!.lastCheck,
    };
  });

  // Commands for editors without Stagegate's own view: a simulation summed up in a message, a rule page by address.
  connection.onExecuteCommand(async ({ command, arguments: args = [] }) => {
    if (command === COMMANDS.showRuleDocumentation && typeof args[0] === 'string') {
      const uri = ruleDocUrl(args[0]);
      if (capabilities.window?.showDocument?.support) await connection.window.showDocument({ uri, external: true });
      else tell(MessageType.Info, `${args[0]}: ${uri}`);
      return uri;
    }
    if (command === COMMANDS.traceMigration && typeof args[0] === 'string') {
      await settled();
      // Server-initiated progress where the client shows it, with its own Cancel button.
      const progress = capabilities.window?.workDoneProgress ? await connection.window.createWorkDoneProgress() : undefined;
      const result = await traces.trace(
        toPath(args[0]),
        progress ?? connection.window.attachWorkDoneProgress(undefined),
        progress?.token ?? CancellationToken.None,
      );
      if ('error' in result) tell(MessageType.Error, `Stagegate: ${result.error}`);
      else tell(result.failed ? MessageType.Warning : MessageType.Info, `Stagegate: ${result.summary}`);
      return result;
    }
    if (command === COMMANDS.calibrate && typeof args[0] === 'string') {
      await settled();
      const result = await metrics.calibrate({ uri: args[0] });
      if ('refused' in result) tell(MessageType.Warning, `Stagegate: ${result.refused}`);
      else if ('error' in result) tell(MessageType.Error, `Stagegate: ${result.error}`);
      else {
        tell(MessageType.Info, `Stagegate:${os.EOL}${result.summary}`);
        // Written only when the user says so, as one edit the editor can undo.
        const write = `Write into ${path.basename(toPath(result.target))}`;
        const answer = capabilities.workspace?.applyEdit
          ? await connection.window.showInformationMessage(`Stagegate: calibrated from ${result.server}.`, { title: write })
          : undefined;
        if (answer?.title === write)
          await connection.workspace.applyEdit({
            label: 'Stagegate: calibrate',
            edit: result.targetExists
              ? { changes: { [result.target]: [result.edit] } }
              : {
                  documentChanges: [
                    { kind: 'create', uri: result.target },
                    { textDocument: { uri: result.target, version: null }, edits: [result.edit] },
                  ],
                },
          });
      }
      return result;
    }
    if (command === COMMANDS.backtest && typeof args[0] === 'string') {
      await settled();
      const answer = await metrics.backtest({ uri: args[0] });
      if ('refused' in answer) tell(MessageType.Warning, `Stagegate: ${answer.refused}`);
      else if ('error' in answer) tell(MessageType.Error, `Stagegate: ${answer.error}`);
      else
        tell(
          MessageType.Info,
          `Stagegate: backtested ${answer.replays} rollouts on ${answer.source.server}, ${answer.window.from} to ${answer.window.to}: ` +
            `${(answer.falseRollbackRate * 100).toFixed(1)}% stopped outside incidents.`,
        );
      return answer;
    }
    if ((command === COMMANDS.simulate || command === COMMANDS.scenarioMatrix) && typeof args[0] === 'string') {
      await settled();
      const loaded = await loadSimulation(files.engine, toPath(args[0]));
      if (!loaded.simulator) {
        tell(MessageType.Error, `Stagegate: ${loaded.findings[0]?.message ?? 'this file cannot be simulated.'}`);
        return undefined;
      }
      const simulator = loaded.simulator;
      const scenario = simulator.scenario(DEFAULT_SCENARIO) ? DEFAULT_SCENARIO : simulator.scenarios[0].name;
      if (command === COMMANDS.simulate) {
        const run = simulator.run(scenario, DEFAULT_SEED);
        tell(MessageType.Info, `Stagegate: ${describeRun(run)}`);
        return run;
      }
      const report = await buildReport(simulator, {
        scenario,
        seed: DEFAULT_SEED,
        runs: MATRIX_RUNS_WITHOUT_VIEW,
        matrixRuns: MATRIX_RUNS_WITHOUT_VIEW,
      });
      reports.set(toPath(args[0]), report);
      tell(MessageType.Info, `Stagegate:${os.EOL}${formatMatrixText(report.matrix!)}`);
      return report.matrix;
    }
    return undefined;
  });

  /** A message to show, with no answer awaited (every client shows `window/showMessage`). */
  function tell(type: MessageType, message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  connection.onShutdown(() => rounds?.dispose());
  documents.listen(connection);
  connection.listen();
}

/** A full garbage collection, so a heap figure counts what is retained rather than what is not collected yet. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
