// Helpers for the real-VS-Code suite: wait on events, never on fixed sleeps.

import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { ruleMeta } from '../../../src/engine/catalogue';
import type { Diagnostic as LspDiagnostic, DocumentDiagnosticReport } from 'vscode-languageclient/node';
import type { StagegateApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'stagegate.stagegate';

export async function activateExtension(): Promise<StagegateApi> {
  const extension = vscode.extensions.getExtension<StagegateApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
  return extension.activate();
}

/**
 * A file's diagnostics as the language server computes them for its current text (a pull, whatever the client's
 * own delivery): for assertions that an empty list in the editor cannot answer, such as "this file has no problem".
 */
export async function serverDiagnostics(uri: vscode.Uri): Promise<LspDiagnostic[]> {
  const api = await activateExtension();
  // By method name: the test's copy of the protocol library is not the bundled extension's.
  const report = await api.client.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', {
    textDocument: { uri: uri.toString() },
  });
  return report.kind === 'full' ? report.items : [];
}

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri;
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), ...segments);
}

/** Writes a file into the test workspace (a disposable copy) and waits until Stagegate has checked it. */
export async function writeFile(relative: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(relative);
  await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(uri.fsPath)));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

export function stagegateDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'stagegate');
}

/** Resolves with the file's Stagegate diagnostics once `accept` holds for them, awaiting diagnostics events. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = stagegateDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(
        new Error(`Timed out waiting for diagnostics on ${uri.fsPath}; last: ${describe(stagegateDiagnostics(uri)).join(', ') || 'none'}`),
      );
    }, timeoutMs);
    check();
  });
}

export function ruleId(diagnostic: vscode.Diagnostic): string {
  return typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
}

/** `ruleId@line:char-line:char`, 0-based. */
export function describe(diagnostics: vscode.Diagnostic[]): string[] {
  return diagnostics.map(
    (diagnostic) =>
      `${ruleId(diagnostic)}@${diagnostic.range.start.line}:${diagnostic.range.start.character}-${diagnostic.range.end.line}:${diagnostic.range.end.character}`,
  );
}

/** Whether a list holds a finding of rule `id`; an id the catalogue does not know fails the test at once. */
export function hasRule(id: string): (diagnostics: vscode.Diagnostic[]) => boolean {
  if (!ruleMeta(id)) throw new Error(`no rule has the id "${id}": the test names a rule that does not exist`);
  return (diagnostics) => diagnostics.some((diagnostic) => ruleId(diagnostic) === id);
}

export async function openDocument(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}
