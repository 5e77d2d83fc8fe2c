// "Trace Migration" in the language server, as any editor asks for it (`stagegate/traceMigration` over stdio): the
// earlier migrations of the folder run first on an embedded PostgreSQL, each statement's observed locks and rewrites
// come back as inlay hints at the end of its line, a statement PostgreSQL refuses becomes a diagnostic with its
// message, and an edit clears both.

import * as assert from 'assert';
import { cpSync, mkdtempSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CodeLens, InlayHint } from 'vscode-languageserver-protocol';
import { migrationFolder, migrationsUpTo } from '../../../src/server/trace';
import type { TraceMigrationResult } from '../../../src/shared/protocol';
import { FIXTURES } from '../helpers';
import { LspSession, PULL_CLIENT, PUSH_CLIENT } from './lsp-client';

const TRACED = 'db/migrations/0002_account_tokens.up.sql';

describe('migrationsUpTo', () => {
  it('takes the migrations of the folder that sort before the file, in trace order, then the file', () => {
    const folder = path.join(path.sep, 'app', 'db', 'migrations');
    const file = (name: string) => path.join(folder, name);
    const candidates = ['0003_c.up.sql', '0001_a.up.sql', '0010_z.up.sql', '0002_b.up.sql', '0001_a.down.sql'].map(file);
    assert.deepStrictEqual(migrationsUpTo(file('0003_c.up.sql'), [...candidates, path.join(path.sep, 'app', 'other', '0000.sql')]), [
      file('0001_a.down.sql'),
      file('0001_a.up.sql'),
      file('0002_b.up.sql'),
      file('0003_c.up.sql'),
    ]);
  });

  it('reads a migration kept in a folder of its own (Prisma, diesel) from the migrations folder above it', () => {
    const folder = path.join(path.sep, 'app', 'prisma', 'migrations');
    const first = path.join(folder, '20240101000000_init', 'migration.sql');
    const second = path.join(folder, '20240201000000_tokens', 'migration.sql');
    assert.strictEqual(migrationFolder(second), folder);
    assert.deepStrictEqual(migrationsUpTo(second, [second, first]), [first, second]);
    // Outside any `migrations` folder, the file's own folder, without its subfolders.
    const sql = path.join(path.sep, 'app', 'sql');
    assert.strictEqual(migrationFolder(path.join(sql, 'V2__tokens.sql')), sql);
    assert.deepStrictEqual(
      migrationsUpTo(path.join(sql, 'V2__tokens.sql'), [path.join(sql, 'V1__init.sql'), path.join(sql, 'seeds', 'A_users.sql')]),
      [path.join(sql, 'V1__init.sql'), path.join(sql, 'V2__tokens.sql')],
    );
  });
});

describe('stagegate/traceMigration', function () {
  // Each test starts PGlite once in the server (about 6 s cold).
  this.timeout(90_000);

  let session: LspSession | undefined;
  afterEach(() => session?.kill());

  async function start(capabilities = PUSH_CLIENT): Promise<{ root: string; uri: string; text: string; session: LspSession }> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-trace-'));
    cpSync(path.join(FIXTURES, 'trace-editor'), root, { recursive: true });
    session = LspSession.start();
    await session.initialize(root, {
      ...capabilities,
      workspace: { ...capabilities.workspace, inlayHint: { refreshSupport: true } },
    });
    session.connection.onRequest('workspace/inlayHint/refresh', () => null);
    await session.initialized();
    const uri = `file://${path.join(root, TRACED)}`;
    const text = readFileSync(path.join(root, TRACED), 'utf8');
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    await session.status();
    return { root, uri, text, session };
  }

  const hintsOf = (started: { session: LspSession; uri: string }) =>
    started.session.connection.sendRequest<InlayHint[] | null>('textDocument/inlayHint', {
      textDocument: { uri: started.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });

  it('applies the earlier up migrations first, hints each statement at its line end, and reports the refused one', async () => {
    const started = await start();
    const result = await started.session.connection.sendRequest<TraceMigrationResult>('stagegate/traceMigration', { uri: started.uri });
    assert.ok(!('error' in result), JSON.stringify(result));
    // The down migration is skipped, the later 0003 is not applied: its DROP TABLE would have run first otherwise.
    assert.deepStrictEqual(result.files, ['db/migrations/0001_accounts.up.sql', TRACED]);
    assert.deepStrictEqual(result.skipped, [{ file: 'db/migrations/0001_accounts.down.sql', reason: 'a down migration' }]);
    assert.strictEqual(result.failed, true);
    assert.match(result.summary, /^Traced 4 statements of 2 files on PGlite/);
    assert.match(result.summary, /strongest lock ACCESS EXCLUSIVE on accounts/);
    assert.match(result.summary, /failed at db\/migrations\/0002_account_tokens\.up\.sql:4: relation "acounts" does not exist/);

    const hints = (await hintsOf(started)) ?? [];
    const lines = started.text.split('\n');
    const byLine = hints.map((hint) => [hint.position.line, hint.position.character === lines[hint.position.line].length, hint.label]);
    assert.deepStrictEqual(
      byLine.map(([line, atEnd, label]) => [line, atEnd, String(label).replace(/\d+\.\d ms/, 'N ms')]),
      [
        [1, true, 'ACCESS EXCLUSIVE on accounts, accounts_pkey · rewrote accounts, accounts_pkey · N ms'],
        [2, true, 'SHARE on accounts · N ms'],
        [3, true, 'failed: relation "acounts" does not exist'],
        [4, true, 'not run: an earlier statement failed'],
      ],
    );

    await started.session.waitFor(() =>
      (started.session.diagnosticsOf(started.uri) ?? []).some((d) => d.code === 'trace-statement-failed'),
    );
    const failure = started.session.diagnosticsOf(started.uri)!.find((d) => d.code === 'trace-statement-failed')!;
    // The whole statement, up to its semicolon.
    assert.deepStrictEqual(failure.range, { start: { line: 3, character: 0 }, end: { line: 3, character: lines[3].indexOf(';') } });
    assert.strictEqual(failure.severity, 1);
    assert.strictEqual(
      failure.message,
      'PostgreSQL refused the statement: relation "acounts" does not exist (SQLSTATE 42P01). The statements after it were not run.',
    );

    // An edit clears the hints and the diagnostic: the positions and the results no longer hold.
    await started.session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: started.uri, version: 2 },
      contentChanges: [{ text: started.text.replace('acounts', 'accounts') }],
    });
    await started.session.waitFor(
      () => !(started.session.diagnosticsOf(started.uri) ?? []).some((d) => d.code === 'trace-statement-failed'),
    );
    assert.deepStrictEqual(await hintsOf(started), []);
  });

  it('runs the CodeLens command for other editors, delivers the failure to a client that pulls, and offers the lens on up migrations only', async () => {
    const started = await start(PULL_CLIENT);
    const lenses = await started.session.connection.sendRequest<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: started.uri },
    });
    assert.deepStrictEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title, lens.command?.command, lens.command?.arguments]),
      [[0, 'Trace migration', 'stagegate.traceMigration', [started.uri]]],
    );
    const down = `file://${path.join(started.root, 'db/migrations/0001_accounts.down.sql')}`;
    assert.deepStrictEqual(await started.session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: down } }), []);

    const pull = () =>
      started.session.connection.sendRequest<{ items?: { code?: unknown; message: string }[] }>('textDocument/diagnostic', {
        textDocument: { uri: started.uri },
      });
    assert.ok(!((await pull()).items ?? []).some((item) => item.code === 'trace-statement-failed'));
    // As an editor without Stagegate's client runs the CodeLens: the summary arrives as a message.
    await started.session.connection.sendRequest('workspace/executeCommand', {
      command: 'stagegate.traceMigration',
      arguments: [started.uri],
    });
    assert.ok(
      started.session.messages.some((message) => /^Stagegate: Traced 4 statements of 2 files on PGlite .* failed at /.test(message)),
      started.session.messages.join('\n'),
    );
    const failures = ((await pull()).items ?? []).filter((item) => item.code === 'trace-statement-failed');
    assert.deepStrictEqual(
      failures.map((item) => item.message),
      ['PostgreSQL refused the statement: relation "acounts" does not exist (SQLSTATE 42P01). The statements after it were not run.'],
    );
  });

  it('stops when the client cancels, and traces again afterwards', async () => {
    const started = await start();
    const cancellation = new CancellationTokenSource();
    const cancelled = started.session.connection.sendRequest('stagegate/traceMigration', { uri: started.uri }, cancellation.token);
    cancellation.cancel();
    await assert.rejects(cancelled, (error: { code?: number }) => error.code === -32800);
    const result = await started.session.connection.sendRequest<TraceMigrationResult>('stagegate/traceMigration', { uri: started.uri });
    assert.ok('summary' in result && result.statements.length === 6, JSON.stringify(result));
  });
});
