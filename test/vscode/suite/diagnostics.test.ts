import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activateExtension,
  describe as describeDiagnostics,
  hasRule,
  openDocument,
  ruleId,
  stagegateDiagnostics,
  waitForDiagnostics,
  workspaceUri,
  writeFile,
} from './helpers';

const BROKEN_PLAN = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata:',
  '  name: search-ranking',
  '  service: search',
  '  owner: team-search',
  'strategy: canery',
  'stages:',
  '  - name: canary',
  '    weight: 150',
  '    duration: 30m',
  '',
].join('\n');

describe('diagnostics in the real VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('the bundled example plan has no diagnostics', async () => {
    const api = await activateExtension();
    const plan = workspaceUri('examples', 'checkout', 'checkout.release.yaml');
    await openDocument(plan);
    const status = await api.serverStatus();
    assert.deepStrictEqual(describeDiagnostics(stagegateDiagnostics(plan)), []);
    assert.ok(status.files.includes(plan.fsPath), "the server's start-up scan found the example plan");
  });

  it('a broken plan has schema diagnostics at the exact ranges, with rule codes linking to docs', async () => {
    const uri = await writeFile('broken/search.release.yaml', BROKEN_PLAN);
    await openDocument(uri);
    const diagnostics = await waitForDiagnostics(uri, (list) => list.filter((diagnostic) => ruleId(diagnostic) === 'schema').length === 2);
    const schema = diagnostics.filter((diagnostic) => ruleId(diagnostic) === 'schema');
    assert.deepStrictEqual(describeDiagnostics(schema), ['schema@6:10-6:16', 'schema@9:12-9:15']);
    assert.strictEqual(schema[0].message, 'strategy must be one of: canary, blue-green.');
    assert.strictEqual(schema[1].message, 'stages[0].weight must be at most 100.');
    assert.strictEqual(schema[0].severity, vscode.DiagnosticSeverity.Error);
    const code = schema[0].code as { value: string; target: vscode.Uri };
    assert.match(code.target.toString(), /docs\/rules\/schema\.md$/);
  });

  it('an edit that fixes the file clears its schema diagnostics', async () => {
    const uri = workspaceUri('broken', 'search.release.yaml');
    const editor = await openDocument(uri);
    const text = editor.document.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      uri,
      new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(text.length)),
      text.replace('canery', 'canary').replace('weight: 150', 'weight: 1'),
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diagnostics = await waitForDiagnostics(uri, (list) => !list.some((diagnostic) => ruleId(diagnostic) === 'schema'));
    assert.ok(
      diagnostics.some((diagnostic) => ruleId(diagnostic) === 'stage-without-gates'),
      'lint findings remain once the schema is satisfied',
    );
  });

  it('shows a finding of each family: flags, plans, cross-file, migrations', async () => {
    const flags = await writeFile(
      'families/team.flags.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'flags:',
        '  search-boost:',
        '    description: Boosts fresh results',
        '    type: release',
        '    expires: 2099-01-01',
        '    default: false',
        '',
      ].join('\n'),
    );
    const sql = await writeFile('families/migrations/001.sql', 'ALTER TABLE results DROP COLUMN score;\n');
    const plan = await writeFile(
      'families/boost.release.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: boost, service: search, owner: team-search }',
        'flags: [search-boost, search-missing]',
        'migrations:',
        '  - file: migrations/001.sql',
        'stages:',
        '  - name: canary',
        '    weight: 1',
        '    duration: 1h',
        '',
      ].join('\n'),
    );
    assert.ok(hasRule('flag-missing-owner')(await waitForDiagnostics(flags, hasRule('flag-missing-owner'))));
    const planDiagnostics = await waitForDiagnostics(plan, (list) =>
      ['stage-without-gates', 'plan-unknown-flag', 'plan-migration-not-rollback-safe'].every((id) => hasRule(id)(list)),
    );
    const unknown = planDiagnostics.find((diagnostic) => ruleId(diagnostic) === 'plan-unknown-flag')!;
    assert.deepStrictEqual(describeDiagnostics([unknown]), ['plan-unknown-flag@3:22-3:36']);
    assert.ok(
      unknown.relatedInformation?.some((related) => related.location.uri.fsPath === flags.fsPath),
      'related information points to the flag file searched',
    );
    const unsafe = planDiagnostics.find((diagnostic) => ruleId(diagnostic) === 'plan-migration-not-rollback-safe')!;
    assert.strictEqual(unsafe.relatedInformation?.[0].location.uri.fsPath, sql.fsPath);
    const sqlDiagnostics = await waitForDiagnostics(sql, hasRule('migration-drops-column'));
    assert.deepStrictEqual(describeDiagnostics(sqlDiagnostics.filter((diagnostic) => ruleId(diagnostic) === 'migration-drops-column')), [
      'migration-drops-column@0:20-0:37',
    ]);
  });

  it('a cross-file finding clears when the other file changes on disk', async () => {
    const plan = workspaceUri('families', 'boost.release.yaml');
    const flags = workspaceUri('families', 'team.flags.yaml');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(flags));
    await vscode.workspace.fs.writeFile(
      flags,
      new TextEncoder().encode(
        text + '  search-missing:\n    description: x\n    owner: y\n    expires: 2099-01-01\n    type: permission\n    default: false\n',
      ),
    );
    await waitForDiagnostics(plan, (list) => !hasRule('plan-unknown-flag')(list));
  });

  it("a deleted folder takes its files' findings with it", async () => {
    const uri = await writeFile('doomed/inner/x.flags.yaml', 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a: {}\n');
    await waitForDiagnostics(uri, hasRule('flag-missing-owner'));
    await vscode.workspace.fs.delete(workspaceUri('doomed'), { recursive: true });
    await waitForDiagnostics(uri, (list) => list.length === 0);
    const api = await activateExtension();
    assert.ok(!(await api.serverStatus()).files.includes(uri.fsPath));
  });
});
