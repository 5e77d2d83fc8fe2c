// A minimal LSP client for the server's tests: starts `node bin/stagegate.js lsp --stdio` and talks JSON-RPC over its
// standard streams, recording what the server publishes so tests can await it.

import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import {
  createMessageConnection,
  NotificationType,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { ClientCapabilities, Diagnostic, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { REPO_ROOT } from '../helpers';

export const BIN = path.join(REPO_ROOT, 'bin', 'stagegate.js');

/** What VS Code 1.100's client does not matter here: the capabilities of a client that only takes pushed diagnostics. */
export const PUSH_CLIENT: ClientCapabilities = {
  textDocument: {
    publishDiagnostics: { relatedInformation: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
  },
  workspace: { configuration: false },
};

/** A client that pulls diagnostics, for documents and for the whole workspace. */
export const PULL_CLIENT: ClientCapabilities = {
  ...PUSH_CLIENT,
  textDocument: { ...PUSH_CLIENT.textDocument, diagnostic: { relatedDocumentSupport: false } },
  workspace: { ...PUSH_CLIENT.workspace, diagnostics: { refreshSupport: true } },
};

export class LspSession {
  readonly connection: MessageConnection;
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  readonly messages: string[] = [];
  private exitCode: Promise<number | null>;

  private constructor(readonly process: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.set(params.uri, params.diagnostics);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    const record = (params: { message: string }) => void this.messages.push(params.message);
    this.connection.onNotification(new NotificationType<{ message: string }>('window/logMessage'), record);
    this.connection.onNotification(new NotificationType<{ message: string }>('window/showMessage'), record);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
    this.exitCode = new Promise((resolve) => process.on('exit', (code) => resolve(code)));
  }

  /** Starts the server as a user's editor would, with the command the docs give. */
  static start(args: string[] = ['lsp', '--stdio']): LspSession {
    return new LspSession(spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  initialize(rootPath: string, capabilities: ClientCapabilities, initializationOptions?: unknown): Promise<InitializeResult> {
    return this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: `file://${rootPath}`,
      workspaceFolders: [{ uri: `file://${rootPath}`, name: path.basename(rootPath) }],
      capabilities,
      initializationOptions,
    });
  }

  async initialized(): Promise<void> {
    await this.connection.sendNotification('initialized', {});
  }

  /** Resolves once the server has checked everything it was told and delivered it, with its state. */
  status(): Promise<{ files: string[]; diagnostics: string }> {
    return this.connection.sendRequest('stagegate/status', {});
  }

  diagnosticsOf(uri: string): Diagnostic[] | undefined {
    return this.published.get(uri);
  }

  publishedUris(): string[] {
    return [...this.published.keys()];
  }

  /** Resolves when `accept` holds for what has been published, awaiting each publication. */
  async waitFor(accept: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!accept()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for diagnostics; published: ${JSON.stringify([...this.published])}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** `shutdown`, then `exit`: resolves with the process's exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await this.exitCode;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    this.process.kill();
  }
}
