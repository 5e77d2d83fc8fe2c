// Extension entry: wires the engine to VS Code. Everything here is a thin face; the engine decides.

import * as vscode from 'vscode';
import { defaultConfig } from '../engine/config/config';
import { Workspace } from '../engine/check/workspace';
import { defaultSqlAnalyser } from '../engine/check/sql-analyser';
import { DiagnosticsController } from './diagnostics';

export function activate(context: vscode.ExtensionContext): void {
  const workspace = new Workspace(
    defaultConfig(),
    {
      read: async (path) => {
        try {
          return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path)));
        } catch {
          return undefined;
        }
      },
    },
    defaultSqlAnalyser(),
  );
  context.subscriptions.push(new DiagnosticsController(workspace));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
