// The language server over stdio, started as other editors start it (`stagegate lsp --stdio`): it answers
// initialize, delivers the same findings as `stagegate check --format json`, pushed or pulled, round-trips a quick
// fix, and ends cleanly on shutdown.

import * as assert from 'assert';
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport, WorkspaceDiagnosticReport } from 'vscode-languageserver-protocol';
import { main } from '../../../src/cli/main';
import { REPO_ROOT } from '../helpers';
import { LspSession, PULL_CLIENT, PUSH_CLIENT } from './lsp-client';

const SEVERITIES = ['', 'error', 'warning', 'info', 'hint'];

/** `file:line:column-endLine:endColumn severity ruleId message`, 1-based like `check --format json`. */
type Row = string;

function rowsFromDiagnostics(root: string, session: LspSession): Row[] {
  return session
    .publishedUris()
    .flatMap((uri) => (session.diagnosticsOf(uri) ?? []).map((diagnostic) => row(path.relative(root, new URL(uri).pathname), diagnostic)))
    .sort();
}

function row(file: string, diagnostic: Diagnostic): Row {
  const { start, end } = diagnostic.range;
  return `${file}:${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${SEVERITIES[diagnostic.severity ?? 1]} ${diagnostic.code} ${diagnostic.message}`;
}

async function checkRows(root: string): Promise<Row[]> {
  let stdout = '';
  const code = await main(['check', '.', '--format', 'json'], { stdout: (text) => (stdout += text), stderr: () => undefined, cwd: root });
  assert.ok(code === 0 || code === 1, `check exited ${code}`);
  return (
    JSON.parse(stdout) as {
      file: string;
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
      severity: string;
      ruleId: string;
      message: string;
    }[]
  )
    .map(
      (finding) =>
        `${finding.file}:${finding.line}:${finding.column}-${finding.endLine}:${finding.endColumn} ${finding.severity} ${finding.ruleId} ${finding.message}`,
    )
    .sort();
}

/** A folder with a finding of each family: schema, flags, plan, cross-file, migration, flagd. */
function problemFolder(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-'));
  mkdirSync(path.join(root, 'migrations'));
  writeFileSync(
    path.join(root, 'search.release.yaml'),
    [
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata: { name: search, service: search, owner: team-search }',
      'strategy: canery',
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
  writeFileSync(
    path.join(root, 'team.flags.yaml'),
    ['apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', '  search-boost:', '    type: release', '    default: false', ''].join(
      '\n',
    ),
  );
  writeFileSync(path.join(root, 'migrations', '001.sql'), 'ALTER TABLE results DROP COLUMN score;\n');
  writeFileSync(
    path.join(root, 'app.flagd.json'),
    '{ "flags": { "dark": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "of" } } }\n',
  );
  return root;
}

describe('the language server over stdio', function () {
  this.timeout(60_000);
  const sessions: LspSession[] = [];
  const start = () => {
    const session = LspSession.start();
    sessions.push(session);
    return session;
  };
  afterEach(() => {
    for (const session of sessions.splice(0)) session.kill();
  });

  it('answers initialize with its capabilities, and pushes no diagnostic for the bundled examples, as check prints none', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-examples-'));
    cpSync(path.join(REPO_ROOT, 'examples'), root, { recursive: true });
    const session = start();
    const result = await session.initialize(root, PUSH_CLIENT);
    assert.strictEqual(result.serverInfo?.name, 'stagegate');
    const capabilities = result.capabilities;
    assert.ok(
      capabilities.codeActionProvider &&
        capabilities.hoverProvider &&
        capabilities.completionProvider &&
        capabilities.documentSymbolProvider &&
        capabilities.codeLensProvider,
    );
    assert.strictEqual(capabilities.diagnosticProvider, undefined, 'a client that does not pull gets pushed diagnostics');
    await session.initialized();
    const status = await session.status();
    assert.strictEqual(status.diagnostics, 'push');
    assert.deepStrictEqual(status.files.map((file) => path.relative(root, file)).sort(), [
      'checkout-history/checkout.release.yaml',
      'checkout/checkout.flags.yaml',
      'checkout/checkout.release.yaml',
      'checkout/migrations/0042_add_discount_code.sql',
    ]);
    // Every file checked is published, with nothing in it, exactly as check finds nothing.
    await session.waitFor(() => session.publishedUris().length === 4);
    assert.deepStrictEqual(rowsFromDiagnostics(root, session), await checkRows(root));
    assert.deepStrictEqual(await checkRows(root), []);
    assert.strictEqual(await session.stop(), 0, 'exit after shutdown ends the process with code 0');
  });

  it('pushes the same findings as check --format json for a folder with problems', async () => {
    const root = problemFolder();
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    await session.status();
    await session.waitFor(() => session.publishedUris().length === 4);
    const expected = await checkRows(root);
    for (const id of [
      'schema',
      'flag-missing-owner',
      'plan-unknown-flag',
      'plan-migration-not-rollback-safe',
      'migration-drops-column',
      'flag-default-not-a-variant',
    ])
      assert.ok(
        expected.some((line) => line.includes(` ${id} `)),
        `the fixture raises ${id}`,
      );
    assert.deepStrictEqual(rowsFromDiagnostics(root, session), expected);
  });

  it('answers pulls, for one document and for the whole workspace, with the same findings', async () => {
    const root = problemFolder();
    const session = start();
    const result = await session.initialize(root, PULL_CLIENT);
    assert.deepStrictEqual(result.capabilities.diagnosticProvider, {
      identifier: 'stagegate',
      interFileDependencies: true,
      workspaceDiagnostics: true,
    });
    await session.initialized();
    assert.strictEqual((await session.status()).diagnostics, 'pull');
    const workspace: WorkspaceDiagnosticReport = await session.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] });
    const rows = workspace.items
      .flatMap((report) =>
        report.kind === 'full' ? report.items.map((diagnostic) => row(path.relative(root, new URL(report.uri).pathname), diagnostic)) : [],
      )
      .sort();
    assert.deepStrictEqual(rows, await checkRows(root));
    assert.deepStrictEqual(session.publishedUris(), [], 'nothing is pushed to a client that pulls');
    const uri = `file://${path.join(root, 'migrations', '001.sql')}`;
    const document: DocumentDiagnosticReport = await session.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.strictEqual(document.kind, 'full');
    assert.deepStrictEqual(document.kind === 'full' && document.items.map((diagnostic) => diagnostic.code).sort(), [
      'migration-drops-column',
      'migration-missing-lock-timeout',
    ]);
    const again: DocumentDiagnosticReport = await session.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
      previousResultId: document.resultId,
    });
    assert.strictEqual(again.kind, 'unchanged', 'an unchanged file is reported as unchanged');
  });

  it('round-trips a quick fix: didOpen, a code action from the diagnostic, the edit applied, the finding gone', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-fix-'));
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    const uri = `file://${path.join(root, 'express.flags.yaml')}`;
    const text = [
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  checkout-express:',
      '    description: Express checkout button',
      '    owner: team-payments',
      '    default: false',
      '',
    ].join('\n');
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await session.waitFor(() => (session.diagnosticsOf(uri) ?? []).some((diagnostic) => diagnostic.code === 'flag-missing-expiry'));
    const diagnostic = session.diagnosticsOf(uri)!.find((candidate) => candidate.code === 'flag-missing-expiry')!;
    assert.deepStrictEqual(diagnostic.codeDescription, {
      href: 'https://github.com/stagegate/stagegate/blob/main/docs/rules/flag-missing-expiry.md',
    });
    const actions: CodeAction[] = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Disable flag-missing-expiry for this line'), titles.join(' | '));
    assert.ok(titles.includes('Show documentation for flag-missing-expiry'), titles.join(' | '));
    const fix = actions.find((action) => action.title.startsWith('Add expires:'));
    assert.ok(fix?.edit?.changes && fix.isPreferred, titles.join(' | '));
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), fix.edit.changes[uri]);
    assert.match(fixed, /\n {4}expires: "\d{4}-\d{2}-\d{2}"\n/);
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    await session.waitFor(() => !(session.diagnosticsOf(uri) ?? []).some((candidate) => candidate.code === 'flag-missing-expiry'));
    const fixAll: CodeAction[] = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.stagegate'] },
    });
    assert.deepStrictEqual(fixAll, [], 'nothing safe is left to fix');
    assert.strictEqual(await session.stop(), 0);
  });

  it('answers hover, completion, document symbols and CodeLens from the engine', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-examples-'));
    cpSync(path.join(REPO_ROOT, 'examples'), root, { recursive: true });
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    const file = path.join(root, 'checkout', 'checkout.release.yaml');
    const uri = `file://${file}`;
    const text = (await import('fs')).readFileSync(file, 'utf8');
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await session.status();
    const position = (offset: number) => TextDocument.create(uri, 'yaml', 1, text).positionAt(offset);
    const hover: { contents: { value: string } } = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: position(text.indexOf('requestsPerSecond') + 2),
    });
    assert.match(hover.contents.value, /Total requests per second the service receives/);
    const metric = text.indexOf('metric: errorRate', text.indexOf('name: canary-1')) + 'metric: '.length;
    const completion: { label: string }[] = await session.connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: position(metric),
    });
    assert.ok(
      completion.some((item) => item.label === 'latencyP95Ms'),
      JSON.stringify(completion),
    );
    const symbols: { name: string; children: { name: string }[] }[] = await session.connection.sendRequest('textDocument/documentSymbol', {
      textDocument: { uri },
    });
    assert.deepStrictEqual(symbols[0].children.map((child) => child.name).slice(0, 5), [
      'internal',
      'canary-1',
      'canary-10',
      'rollout-50',
      'full',
    ]);
    const lenses: { command: { title: string; command: string } }[] = await session.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    });
    assert.deepStrictEqual(
      lenses.map((lens) => `${lens.command.title} → ${lens.command.command}`),
      ['Simulate → stagegate.simulate', 'Scenario matrix → stagegate.scenarioMatrix'],
    );
  });

  it('runs the simulation commands itself for editors without the simulation view', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-examples-'));
    cpSync(path.join(REPO_ROOT, 'examples'), root, { recursive: true });
    const session = start();
    const result = await session.initialize(root, PUSH_CLIENT);
    assert.deepStrictEqual(result.capabilities.executeCommandProvider?.commands, [
      'stagegate.simulate',
      'stagegate.scenarioMatrix',
      'stagegate.showRuleDocumentation',
      'stagegate.traceMigration',
      'stagegate.calibrate',
      'stagegate.backtest',
    ]);
    await session.initialized();
    const uri = `file://${path.join(root, 'checkout', 'checkout.release.yaml')}`;
    const run: { scenario: string; detection: { stage: string } } = await session.connection.sendRequest('workspace/executeCommand', {
      command: 'stagegate.simulate',
      arguments: [uri],
    });
    assert.strictEqual(run.scenario, 'error-spike');
    await session.status();
    assert.ok(
      session.messages.some((message) => /^Stagegate: error-spike caught in /.test(message)),
      session.messages.join('\n'),
    );
    // VS Code runs them in its own view: a client that says so is not offered them.
    const vscode = start();
    const withView = await vscode.initialize(root, PUSH_CLIENT, {
      clientCommands: [
        'stagegate.simulate',
        'stagegate.scenarioMatrix',
        'stagegate.showRuleDocumentation',
        'stagegate.traceMigration',
        'stagegate.calibrate',
        'stagegate.backtest',
      ],
    });
    assert.strictEqual(withView.capabilities.executeCommandProvider, undefined);
  });

  it('answers stagegate/simulate with the gates and notes simulate --format json gives, for the view to show', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-not-gated-'));
    cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'simulate', 'not-gated'), root, { recursive: true });
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    await session.status();
    const result: { report: { run: { gated: boolean; gates: unknown; notes: unknown[] } }; notes: unknown[] } =
      await session.connection.sendRequest('stagegate/simulate', {
        uri: `file://${path.join(root, 'smoke-only.rollout.yaml')}`,
        request: { scenario: 'error-spike', seed: 1, runs: 1 },
        matrix: false,
      });
    let stdout = '';
    const code = await main(['simulate', 'smoke-only.rollout.yaml', '--format', 'json'], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      cwd: root,
    });
    assert.strictEqual(code, 0);
    const cli = JSON.parse(stdout);
    assert.strictEqual(result.report.run.gated, false);
    assert.deepStrictEqual(result.report.run.gates, cli.gates);
    assert.strictEqual(cli.notes.length, 6);
    assert.deepStrictEqual(result.report.run.notes, cli.notes);
    assert.deepStrictEqual(result.notes, cli.notes);
  });

  it('simulates a plan with schema errors as it is, the errors among the notes, as simulate --force does', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-schema-error-'));
    cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'simulate', 'schema-error.release.yaml'), path.join(root, 'plan.release.yaml'));
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    await session.status();
    const result: { report: { run: { notes: unknown[] } } } = await session.connection.sendRequest('stagegate/simulate', {
      uri: `file://${path.join(root, 'plan.release.yaml')}`,
      request: { scenario: 'error-spike', seed: 1, runs: 1 },
      matrix: false,
    });
    let stdout = '';
    const code = await main(['simulate', 'plan.release.yaml', '--force', '--format', 'json'], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      cwd: root,
    });
    assert.strictEqual(code, 0);
    const notes = (JSON.parse(stdout) as { notes: { ruleId: string; severity: string; line: number }[] }).notes;
    assert.deepStrictEqual(
      notes.map((note) => `${note.line} ${note.severity} ${note.ruleId}`),
      ['16 error schema'],
    );
    assert.deepStrictEqual(result.report.run.notes, notes);
  });
});
