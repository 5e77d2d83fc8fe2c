// Extension defects found in review, each pinned in the real VS Code.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activateExtension,
  hasRule,
  openDocument,
  ruleId,
  stagegateDiagnostics,
  waitForDiagnostics,
  workspaceUri,
  writeFile,
} from './helpers';

describe('review fixes in the real VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('fix-all right after an edit uses positions of the current text', async () => {
    const uri = await writeFile(
      'review/late.flags.yaml',
      'apiVersion: stagegate.dev/v1\nkind: FlagSet\nmetadata:\n  name: x\nflags:\n  a:\n    description: a\n    owner: o\n',
    );
    const editor = await openDocument(uri);
    await waitForDiagnostics(uri, hasRule('flag-missing-expiry'));
    // Two new lines at the top, and fix-all at once, before the debounced check publishes.
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '# one\n# two\n'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(0, 0, 0, 0),
      'source.fixAll.stagegate',
    );
    assert.ok(actions[0]?.edit && (await vscode.workspace.applyEdit(actions[0].edit)));
    assert.match(editor.document.getText(), /\n {2}a:\n {4}expires: "\d{4}-\d{2}-\d{2}"\n {4}description: a\n/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("a deleted folder takes its files' findings with it", async () => {
    const uri = await writeFile('doomed/inner/x.flags.yaml', 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a: {}\n');
    await waitForDiagnostics(uri, hasRule('flag-missing-owner'));
    await vscode.workspace.fs.delete(workspaceUri('doomed'), { recursive: true });
    await waitForDiagnostics(uri, (list) => list.length === 0);
    const api = await activateExtension();
    assert.ok(!(await api.serverStatus()).files.includes(uri.fsPath));
  });

  it('JSON files get no "disable for this line" comment, which JSON cannot hold', async () => {
    const uri = await writeFile(
      'review/plain.flags.json',
      '{\n  "apiVersion": "stagegate.dev/v1",\n  "kind": "FlagSet",\n  "flags": { "a": { "owner": "o", "description": "d" } }\n}\n',
    );
    await openDocument(uri);
    // VS Code's own JSON support starts with the first JSON file, and its start cancels code action requests
    // already in flight (seen in code-server 4.100.3): let it start first, as it has in any real session by then.
    await vscode.extensions.getExtension('vscode.json-language-features')?.activate();
    const diagnostics = await waitForDiagnostics(uri, hasRule('flag-missing-expiry'));
    const target = diagnostics.find((diagnostic) => ruleId(diagnostic) === 'flag-missing-expiry')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.ok(!actions.some((action) => action.title.startsWith('Disable')), actions.map((action) => action.title).join(' | '));
    assert.ok(
      actions.some((action) => action.title.startsWith('Add expires')),
      actions.map((action) => action.title).join(' | '),
    );
  });

  it('Simulate on a plan that cannot be replayed ends instead of waiting forever', async () => {
    const uri = await writeFile(
      'review/notraffic.release.yaml',
      'apiVersion: stagegate.dev/v1\nkind: ReleasePlan\nmetadata: { name: a, service: b, owner: c }\nstages:\n  - name: s\n    weight: 1\n    duration: 1h\n',
    );
    await openDocument(uri);
    const info = await vscode.commands.executeCommand('stagegate.simulate', uri);
    assert.strictEqual(info, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.deepStrictEqual(stagegateDiagnostics(workspaceUri('review', 'missing.flags.yaml')), []);
  });
});
