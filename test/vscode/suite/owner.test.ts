import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, hasRule, openDocument, ruleId, waitForDiagnostics, writeFile } from './helpers';

describe('the add-owner fix in the real VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('without CODEOWNERS, "Add an owner" inserts a snippet with the placeholder selected; typing the owner clears the warning', async () => {
    const uri = await writeFile(
      'owner/tips.flags.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'flags:',
        '  checkout-tips:',
        '    description: Tips for couriers.',
        '    type: permission',
        '',
      ].join('\n'),
    );
    const editor = await openDocument(uri);
    const diagnostics = await waitForDiagnostics(uri, hasRule('flag-missing-owner'));
    const target = diagnostics.find((diagnostic) => ruleId(diagnostic) === 'flag-missing-owner')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => action.title === 'Add an owner');
    assert.ok(fix?.edit && fix.isPreferred, `offers "Add an owner" among: ${actions.map((action) => action.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    // Inserted as a snippet: the placeholder is selected, ready to be typed over.
    assert.strictEqual(editor.document.lineAt(4).text, '    owner: "TODO-owner"');
    assert.strictEqual(editor.document.getText(editor.selection), 'TODO-owner');
    // Until it is replaced, the placeholder is reported as one.
    await waitForDiagnostics(uri, (list) =>
      list.some((diagnostic) => ruleId(diagnostic) === 'flag-missing-owner' && /"TODO-owner", a placeholder/.test(diagnostic.message)),
    );
    await vscode.commands.executeCommand('type', { text: 'team-checkout' });
    assert.strictEqual(editor.document.lineAt(4).text, '    owner: "team-checkout"');
    await waitForDiagnostics(uri, (list) => !hasRule('flag-missing-owner')(list));
  });
});
