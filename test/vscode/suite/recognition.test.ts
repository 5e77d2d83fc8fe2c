import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, hasRule, openDocument, waitForDiagnostics, writeFile } from './helpers';

/** flagd flags with variants and targeting only: no name, schema or shape says this file is flagd's. */
const UNMARKED_FLAGD = '{ "flags": { "wallet": { "variants": { "on": true, "off": false }, "targeting": { "if": [true, "of"] } } } }\n';

describe('recognition in the real VS Code', () => {
  it('the stagegate.files setting makes the server read a file nothing else says is flagd’s', async () => {
    const api = await activateExtension();
    const uri = await writeFile('deploy/flags/payments.json', UNMARKED_FLAGD);
    const settings = vscode.workspace.getConfiguration('stagegate');
    await settings.update('files', { 'deploy/flags/*.json': 'flagd' }, vscode.ConfigurationTarget.Workspace);
    try {
      // The changed setting reaches the server, which scans the workspace again.
      const deadline = Date.now() + 20_000;
      while (!(await api.serverStatus()).files.includes(uri.fsPath)) {
        assert.ok(Date.now() < deadline, 'the server read the file the setting names');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await openDocument(uri);
      await waitForDiagnostics(uri, hasRule('flagd-targeting-unknown-variant'));
    } finally {
      await settings.update('files', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
