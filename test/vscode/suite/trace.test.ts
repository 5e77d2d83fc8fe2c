// "Stagegate: Trace Migration" in the real VS Code: the command traces a migration after the earlier ones of its
// folder on the embedded PostgreSQL, the observed locks and rewrites show as inlay hints at the end of each statement's
// line, a statement PostgreSQL refuses is a diagnostic with its message, and an edit clears them.

import * as assert from 'assert';
import * as vscode from 'vscode';
import { screenshot } from '../screenshot';
import { activateExtension, openDocument, ruleId, stagegateDiagnostics, waitForDiagnostics, workspaceUri, writeFile } from './helpers';

const FOLDER = 'trace-demo/db/migrations';
const TRACED = `${FOLDER}/0002_account_tokens.up.sql`;
const TRACED_TEXT = [
  '-- Each account gets a token; lookups by email get an index.',
  'ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();',
  'CREATE INDEX accounts_email_idx ON accounts (email);',
  'ALTER TABLE acounts ADD COLUMN plan text;',
  'ALTER TABLE accounts ADD COLUMN region text;',
  '',
].join('\n');

const isTraceFailure = (diagnostic: vscode.Diagnostic) => ruleId(diagnostic) === 'trace-statement-failed';

async function hints(uri: vscode.Uri): Promise<{ line: number; atLineEnd: boolean; label: string }[]> {
  const document = await vscode.workspace.openTextDocument(uri);
  const found = await vscode.commands.executeCommand<vscode.InlayHint[]>(
    'vscode.executeInlayHintProvider',
    uri,
    new vscode.Range(0, 0, document.lineCount, 0),
  );
  return found.map((hint) => ({
    line: hint.position.line,
    atLineEnd: hint.position.character === document.lineAt(hint.position.line).text.length,
    label: typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join(''),
  }));
}

describe('Trace Migration in the real VS Code', () => {
  let uri: vscode.Uri;

  before(async () => {
    await activateExtension();
    await writeFile(
      `${FOLDER}/0001_accounts.up.sql`,
      "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\nINSERT INTO accounts VALUES (1, 'ada@example.com');\n",
    );
    await writeFile(`${FOLDER}/0001_accounts.down.sql`, 'DROP TABLE accounts;\n');
    uri = await writeFile(TRACED, TRACED_TEXT);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(workspaceUri('trace-demo'), { recursive: true });
  });

  it('is offered on SQL files: editor title, context menu, command palette and a CodeLens', async () => {
    const menus = vscode.extensions.getExtension('stagegate.stagegate')!.packageJSON.contributes.menus as Record<
      string,
      { command: string; when?: string }[]
    >;
    for (const menu of ['editor/title', 'editor/context', 'commandPalette'])
      assert.ok(
        menus[menu].some((entry) => entry.command === 'stagegate.traceMigration' && /sql/.test(entry.when ?? '')),
        `${menu} offers the trace on SQL files`,
      );
    await openDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepStrictEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title, lens.command?.command]),
      [[0, 'Trace migration', 'stagegate.traceMigration']],
    );
  });

  it('shows the observed locks and rewrites inline, the refused statement as a diagnostic, and clears them on an edit', async () => {
    const api = await activateExtension();
    const editor = await openDocument(uri);
    const result = await vscode.commands.executeCommand<{ failed: boolean; files: string[]; summary: string }>('stagegate.traceMigration');
    assert.ok(result && !('error' in result), JSON.stringify(result));
    assert.deepStrictEqual(result.files, [`${FOLDER}/0001_accounts.up.sql`, TRACED]);

    assert.deepStrictEqual(
      (await hints(uri)).map((hint) => ({ ...hint, label: hint.label.replace(/\d+\.\d ms/, 'N ms') })),
      [
        { line: 1, atLineEnd: true, label: 'ACCESS EXCLUSIVE on accounts, accounts_pkey · rewrote accounts, accounts_pkey · N ms' },
        { line: 2, atLineEnd: true, label: 'SHARE on accounts · N ms' },
        { line: 3, atLineEnd: true, label: 'failed: relation "acounts" does not exist' },
        { line: 4, atLineEnd: true, label: 'not run: an earlier statement failed' },
      ],
    );
    const [failure] = (await waitForDiagnostics(uri, (diagnostics) => diagnostics.some(isTraceFailure))).filter(isTraceFailure);
    assert.strictEqual(failure.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(
      failure.message,
      'PostgreSQL refused the statement: relation "acounts" does not exist (SQLSTATE 42P01). The statements after it were not run.',
    );
    assert.ok(
      failure.range.isEqual(new vscode.Range(3, 0, 3, 'ALTER TABLE acounts ADD COLUMN plan text'.length)),
      JSON.stringify(failure.range),
    );
    assert.strictEqual(api.trace.text, '$(error) Trace: failed at line 4');
    await screenshot('trace-migration');

    await editor.edit((edit) => edit.replace(new vscode.Range(3, 12, 3, 19), 'accounts'));
    await waitForDiagnostics(uri, (diagnostics) => !diagnostics.some(isTraceFailure));
    assert.deepStrictEqual(await hints(uri), []);
    assert.strictEqual(api.trace.text, '');
    assert.ok(!stagegateDiagnostics(uri).some(isTraceFailure));
  });
});
