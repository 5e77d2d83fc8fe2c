// "Stagegate: Calibrate from Prometheus", "Stagegate: Backtest" and the metrics credentials. The queries run in the
// language server, which asks this side before it contacts any address (`stagegate/metricsAccess`): here the
// workspace's trust, the user's answer for the address (asked once, in a modal naming the address and the file that
// named it, remembered in the workspace's state) and the headers kept for it in VS Code's secret store are what
// decide. In an untrusted workspace neither command sends the server anything.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { BacktestReport } from '../engine/backtest/replay';
import { accessDecision, redact, serverAddress, UNTRUSTED_WORKSPACE, type RememberedAccess } from '../node/metrics-access';
import {
  BacktestRequest,
  CalibrateRequest,
  MetricsAccessRequest,
  type BacktestParams,
  type CalibrateResult,
  type HistoryParams,
  type MetricsAccessParams,
  type MetricsAccessResult,
  type MetricsFailure,
} from '../shared/protocol';
import type { BacktestPanels } from './backtest-panel';

/** Where the answers per address are kept, in the workspace's state. */
const ACCESS_KEY = 'stagegate.metrics.access';
/** The secret store's key of an address's headers (a JSON object of header name → value). */
const secretKey = (address: string) => `stagegate.metrics.headers:${address}`;

/** What the user is asked; tests answer in the user's place and count the questions. */
export interface MetricsPrompts {
  /** Whether to contact a new address: true allows, false refuses (both remembered), undefined dismisses. */
  allowAddress(params: MetricsAccessParams): Thenable<boolean | undefined>;
  /** Whether to write the calibration into its target. */
  writeCalibration(result: CalibrateResult, targetName: string): Thenable<boolean>;
}

const ALLOW = 'Allow';
const DO_NOT_ALLOW = 'Do Not Allow';

export const MODAL_PROMPTS: MetricsPrompts = {
  async allowAddress({ address, namedBy }) {
    const answer = await vscode.window.showWarningMessage(
      `Allow Stagegate to query the metrics server ${address}?`,
      {
        modal: true,
        detail: `${namedBy} names this address. Stagegate sends it the PromQL queries of the plan, with the headers the plan reads from the environment or that are stored for this address. Your answer is remembered for this workspace.`,
      },
      ALLOW,
      DO_NOT_ALLOW,
    );
    return answer === ALLOW ? true : answer === DO_NOT_ALLOW ? false : undefined;
  },
  async writeCalibration(result, targetName) {
    const write = `Write into ${targetName}`;
    const answer = await vscode.window.showInformationMessage(
      `Stagegate calibrated from ${result.server}.`,
      { modal: true, detail: [result.summary.trimEnd(), ...result.notes].join('\n') },
      write,
    );
    return answer === write;
  },
};

/**
 * The channel with every credential handed to the server taken out of what is written to it: the language client
 * writes its message trace (`stagegate.trace.server`: verbose shows each request's parameters and answers) there.
 */
export function redactingChannel<T extends vscode.OutputChannel>(channel: T, secrets: ReadonlySet<string>): T {
  const clean = (arg: unknown) =>
    typeof arg === 'string' ? redact(arg, secrets) : arg instanceof Error ? new Error(redact(arg.message, secrets)) : arg;
  return new Proxy(channel, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (value as (...inner: unknown[]) => unknown).apply(target, args.map(clean));
    },
  });
}

export type CalibrateOutcome = (CalibrateResult & { written: boolean }) | MetricsFailure | undefined;

export class MetricsCommands implements vscode.Disposable {
  /** Replaced by tests; the modal dialogs otherwise. */
  prompts: MetricsPrompts = MODAL_PROMPTS;
  private readonly disposables: vscode.Disposable[] = [];
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly panels: BacktestPanels,
    /** Secret values handed to the server in this session: scrubbed from anything shown, the client's channels included. */
    private readonly secrets: Set<string>,
  ) {
    this.disposables.push(
      client.onRequest(MetricsAccessRequest, (params) => this.access(params)),
      vscode.commands.registerCommand('stagegate.calibrate', (uri?: vscode.Uri | string, history?: Omit<HistoryParams, 'uri'>) =>
        this.calibrate(target(uri), history),
      ),
      vscode.commands.registerCommand('stagegate.backtest', (uri?: vscode.Uri | string, history?: Omit<BacktestParams, 'uri'>) =>
        this.backtest(target(uri), history),
      ),
      vscode.commands.registerCommand('stagegate.setMetricsCredentials', (address?: string, header?: string, value?: string) =>
        this.setCredentials(address, header, value),
      ),
      vscode.commands.registerCommand('stagegate.forgetMetricsServers', () => this.context.workspaceState.update(ACCESS_KEY, undefined)),
    );
  }

  async calibrate(uri: vscode.Uri | undefined, history: Omit<HistoryParams, 'uri'> = {}): Promise<CalibrateOutcome> {
    if (!uri) return void vscode.window.showInformationMessage('Stagegate: open a release plan, Rollout or Canary to calibrate it.');
    if (!vscode.workspace.isTrusted) return this.untrusted();
    const name = baseName(uri);
    const result = await this.withProgress(`Stagegate: calibrating ${name} from Prometheus`, () =>
      this.client.sendRequest(CalibrateRequest, { ...history, uri: uri.toString() }),
    );
    if (!result || this.failed(result)) return result;
    const targetUri = vscode.Uri.parse(result.target);
    if (!(await this.prompts.writeCalibration(result, baseName(targetUri)))) return { ...result, written: false };
    // Written as an edit of the open document (undoable, saved by the user), and only into the text it was made for.
    const edit = new vscode.WorkspaceEdit();
    const range = new vscode.Range(
      result.edit.range.start.line,
      result.edit.range.start.character,
      result.edit.range.end.line,
      result.edit.range.end.character,
    );
    if (result.targetExists) {
      const document = await vscode.workspace.openTextDocument(targetUri);
      if (document.getText() !== result.baseText) {
        void vscode.window.showWarningMessage(
          `Stagegate: ${baseName(targetUri)} changed while calibrating: nothing was written. Run it again.`,
        );
        return { ...result, written: false };
      }
      edit.replace(targetUri, range, result.edit.newText);
    } else {
      edit.createFile(targetUri, { ignoreIfExists: false });
      edit.insert(targetUri, new vscode.Position(0, 0), result.edit.newText);
    }
    const written = await vscode.workspace.applyEdit(edit);
    if (written) await vscode.window.showTextDocument(targetUri, { preview: false });
    else void vscode.window.showErrorMessage(`Stagegate: the calibration could not be written into ${baseName(targetUri)}.`);
    return { ...result, written };
  }

  async backtest(
    uri: vscode.Uri | undefined,
    history: Omit<BacktestParams, 'uri'> = {},
  ): Promise<BacktestReport | MetricsFailure | undefined> {
    if (!uri) return void vscode.window.showInformationMessage('Stagegate: open a release plan with a metrics section to backtest it.');
    if (!vscode.workspace.isTrusted) return this.untrusted();
    const answer = await this.withProgress(`Stagegate: backtesting ${baseName(uri)}`, () =>
      this.client.sendRequest(BacktestRequest, { ...history, uri: uri.toString() }),
    );
    if (!answer || this.failed(answer)) return answer;
    this.panels.show(uri, answer);
    return answer;
  }

  /** Answers the server: no address in an untrusted workspace, each new one asked once, refusals remembered. */
  async access(params: MetricsAccessParams): Promise<MetricsAccessResult> {
    const remembered = this.context.workspaceState.get<Record<string, RememberedAccess>>(ACCESS_KEY) ?? {};
    let decision = accessDecision(vscode.workspace.isTrusted, remembered[params.address]);
    if (decision === 'untrusted') return { allowed: false, reason: UNTRUSTED_WORKSPACE };
    if (decision === 'ask') {
      const answer = await this.prompts.allowAddress(params);
      if (answer === undefined) return { allowed: false, reason: `${params.address} was not allowed: no query was sent.` };
      decision = answer ? 'allowed' : 'refused';
      await this.context.workspaceState.update(ACCESS_KEY, { ...remembered, [params.address]: decision });
    }
    if (decision === 'refused')
      return {
        allowed: false,
        reason: `${params.address} is not allowed in this workspace: no query was sent ("Stagegate: Forget Metrics Server Answers" asks again).`,
      };
    const headers = await this.storedHeaders(params.address);
    for (const value of Object.values(headers)) this.secrets.add(value);
    return { allowed: true, headers };
  }

  /** "Stagegate: Set Metrics Credentials": a header value for an address, kept in VS Code's secret store; empty removes it. */
  async setCredentials(address?: string, header?: string, value?: string): Promise<boolean> {
    const url =
      address ??
      (await vscode.window.showInputBox({
        prompt: 'Address of the metrics server (as in metrics.prometheus.url)',
        placeHolder: 'https://prometheus.example.com',
        validateInput: (text) => (serverAddress(text) ? undefined : 'An http:// or https:// address'),
      }));
    const key = url === undefined ? undefined : serverAddress(url);
    if (!key) return false;
    const name =
      header ??
      (await vscode.window.showInputBox({
        prompt: `Header sent to ${key}`,
        value: 'Authorization',
        validateInput: (text) => (/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(text) ? undefined : 'A header name'),
      }));
    if (!name) return false;
    const secret =
      value ??
      (await vscode.window.showInputBox({
        prompt: `Value of ${name} for ${key} (empty removes it)`,
        password: true,
        ignoreFocusOut: true,
      }));
    if (secret === undefined) return false;
    const headers = await this.storedHeaders(key);
    if (secret === '') delete headers[name];
    else headers[name] = secret;
    if (Object.keys(headers).length === 0) await this.context.secrets.delete(secretKey(key));
    else await this.context.secrets.store(secretKey(key), JSON.stringify(headers));
    vscode.window.setStatusBarMessage(`Stagegate: ${name} ${secret === '' ? 'removed' : 'stored'} for ${key}.`, 5000);
    return true;
  }

  private async storedHeaders(address: string): Promise<Record<string, string>> {
    const stored = await this.context.secrets.get(secretKey(address));
    if (!stored) return {};
    try {
      const parsed = JSON.parse(stored) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    } catch {
      // A value that is not ours is ignored, never shown.
    }
    return {};
  }

  private untrusted(): MetricsFailure {
    void vscode.window.showWarningMessage(UNTRUSTED_WORKSPACE, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return { refused: UNTRUSTED_WORKSPACE };
  }

  /** Shows a refusal or an error (credentials scrubbed) and says whether there was one. */
  private failed<T extends object>(answer: T | MetricsFailure): answer is MetricsFailure {
    if ('refused' in answer) {
      void vscode.window.showWarningMessage(`Stagegate: ${redact(answer.refused, this.secrets)}`);
      return true;
    }
    if ('error' in answer) {
      void vscode.window.showErrorMessage(`Stagegate: ${redact(answer.error, this.secrets)}`);
      return true;
    }
    return false;
  }

  private async withProgress<T>(title: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, run);
    } catch (error) {
      void vscode.window.showErrorMessage(`Stagegate: ${redact((error as Error).message, this.secrets)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function target(uri?: vscode.Uri | string): vscode.Uri | undefined {
  return typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? vscode.window.activeTextEditor?.document.uri);
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
