// The VS Code side of Stagegate's language server: starts the server (dist/server.js, over IPC) and tells it which
// commands VS Code runs itself. Diagnostics, fixes, hover, completion, symbols and CodeLens come from the server;
// this file only adapts what VS Code shows differently from other editors.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { COMMANDS, type InitializationOptions } from '../shared/protocol';

/** Files the server may read; it decides itself which of them are Stagegate's. */
const DOCUMENT_SELECTOR = ['yaml', 'json', 'jsonc', 'sql'].map((language) => ({ scheme: 'file', language }));

export function createLanguageClient(
  extensionUri: vscode.Uri,
  output: vscode.LogOutputChannel,
  trace?: vscode.LogOutputChannel,
): LanguageClient {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // The server asks this client before it contacts a metrics server (src/extension/metrics.ts answers).
  const initializationOptions: InitializationOptions = { clientCommands: Object.values(COMMANDS), metricsAccess: true };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    ...(trace ? { traceOutputChannel: trace } : {}),
    initializationOptions,
    synchronize: { configurationSection: 'stagegate' },
    // Set both: an option left out of a given object turns off, not to its default.
    diagnosticPullOptions: { onChange: true, onSave: true },
    middleware: {
      // VS Code draws the play icon in CodeLens titles; other editors get the plain word.
      provideCodeLenses: async (document, token, next) =>
        (await next(document, token))?.map((lens) => {
          if (lens.command?.command === COMMANDS.simulate && lens.command.title === 'Simulate') lens.command.title = '$(play) Simulate';
          return lens;
        }),
    },
  };
  return new LanguageClient('stagegate', 'Stagegate', serverOptions, clientOptions);
}
