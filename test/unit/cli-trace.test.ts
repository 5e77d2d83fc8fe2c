// `stagegate trace`: migrations applied in order to the embedded PostgreSQL (PGlite) and to a real server (Debian's
// PostgreSQL, started here), each statement's observed locks, rewrites and time, and the findings in check's shape.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import type { PlacedFinding } from '../../src/engine/finding';
import { FIXTURES, REPO_ROOT, runCli } from './helpers';
import { startServer, type TestServer } from './postgres-server';

interface Row {
  file: string;
  line: number;
  sql: string;
  status: string;
  locks: { relation: string; mode: string }[];
  rewrites: string[];
  ms: number;
  note?: string;
  error?: { message: string; code?: string; position?: number };
}

interface TraceJson {
  database: string;
  statements: Row[];
  findings: PlacedFinding[];
  skipped: { file: string; reason: string }[];
}

const TRACE = path.join(FIXTURES, 'trace');

async function trace(...args: string[]): Promise<{ code: number; json: TraceJson; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['trace', ...args, '--format', 'json'], TRACE);
  assert.notStrictEqual(code, 2, stderr);
  return { code, json: JSON.parse(stdout) as TraceJson, stderr };
}

/** `file:line status locks | rewrites`, compact for exact assertions. */
function summary(row: Row): string {
  const locks = row.locks.map((lock) => `${lock.mode} ${lock.relation}`).join(', ');
  return `${row.file}:${row.line} ${row.status} ${locks}${row.rewrites.length ? ` | rewrote ${row.rewrites.join(', ')}` : ''}`;
}

const placed = (row: PlacedFinding) => `${row.file}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.ruleId}`;

describe('stagegate trace on the embedded PostgreSQL', function () {
  // PGlite starts in about 6 s per run on a quiet machine, several times that on a busy one.
  this.timeout(120_000);

  it('ADD COLUMN with a constant default: ACCESS EXCLUSIVE, no rewrite; with gen_random_uuid() or random(): a rewrite', async () => {
    const { code, json } = await trace('add-column');
    assert.strictEqual(code, 0);
    assert.match(json.database, /^PGlite \(PostgreSQL \d+\.\d+, in memory\)$/);
    assert.deepStrictEqual(json.statements.map(summary), [
      'add-column/0001_accounts.sql:2 traced ',
      'add-column/0001_accounts.sql:3 traced ROW EXCLUSIVE accounts',
      'add-column/0002_add_columns.sql:2 traced ACCESS EXCLUSIVE accounts',
      'add-column/0002_add_columns.sql:5 traced ACCESS EXCLUSIVE accounts, ACCESS EXCLUSIVE accounts_pkey | rewrote accounts, accounts_pkey',
      'add-column/0002_add_columns.sql:7 traced ACCESS EXCLUSIVE accounts, ACCESS EXCLUSIVE accounts_pkey | rewrote accounts, accounts_pkey',
    ]);
    // The findings: the lock on a table an earlier migration created, and the rewrites, each naming the observed mode.
    assert.deepStrictEqual(json.findings.map(placed), [
      'add-column/0002_add_columns.sql:2:1-2:66 trace-blocking-lock',
      'add-column/0002_add_columns.sql:5:1-5:69 trace-table-rewrite',
      'add-column/0002_add_columns.sql:7:1-7:72 trace-table-rewrite',
    ]);
    assert.match(json.findings[0].message, /^Held ACCESS EXCLUSIVE on "accounts", which existed before this migration: reads and writes/);
    assert.match(json.findings[1].message, /^Rewrote "accounts" .* holding ACCESS EXCLUSIVE/);
  });

  it("prints JSON rows of { file, line, sql, locks, rewrites, ms } and findings in check's row shape", async () => {
    const { json } = await trace('index');
    assert.deepStrictEqual(Object.keys(json), ['database', 'statements', 'findings', 'skipped']);
    const row = json.statements[1];
    assert.deepStrictEqual(Object.keys(row), ['file', 'line', 'sql', 'locks', 'rewrites', 'ms', 'status']);
    assert.strictEqual(row.sql, 'CREATE INDEX orders_customer_id_idx ON orders (customer_id)');
    assert.ok(typeof row.ms === 'number' && row.ms > 0, String(row.ms));
    // A finding row has exactly the keys of a `check --format json` row.
    const checked = await runCli(['check', 'add-column', '--format', 'json'], TRACE);
    const checkRow = (JSON.parse(checked.stdout) as PlacedFinding[])[0];
    assert.deepStrictEqual(Object.keys(json.findings[0]), Object.keys(checkRow));
  });

  it('CREATE INDEX holds SHARE on its table (text output)', async () => {
    const { code, stdout, stderr } = await runCli(['trace', 'index'], TRACE);
    assert.strictEqual(code, 0, stderr);
    assert.match(stdout, /^ {2}1 {2}CREATE INDEX orders_customer_id_idx ON orders \(customer_id\)\n {5}\d+\.\d ms · SHARE on orders$/m);
    assert.match(stdout, /^index\/0002_orders_customer_index\.sql:1:1 {2}warning {2}Held SHARE on "orders".* {2}trace-blocking-lock$/m);
    assert.match(stderr, /^stagegate: traced 2 statements of 2 files on PGlite/m);
  });

  it('CREATE INDEX CONCURRENTLY runs outside a transaction, and its row says its locks cannot be observed', async () => {
    const { code, json } = await trace('concurrently');
    assert.strictEqual(code, 0);
    const row = json.statements[1];
    assert.strictEqual(row.status, 'outside-transaction');
    assert.deepStrictEqual(row.locks, []);
    assert.match(row.note ?? '', /cannot be observed/);
    assert.deepStrictEqual(json.findings, []);
  });

  it("a failing statement: PostgreSQL's error where it stopped, the rest not run, exit 1", async () => {
    const { code, json } = await trace('failing');
    assert.strictEqual(code, 1);
    assert.deepStrictEqual(
      json.statements.map((row) => `${row.line} ${row.status}`),
      ['1 traced', '3 failed', '6 not-run'],
    );
    assert.deepStrictEqual(json.statements[1].error, { message: 'column "totl" does not exist', code: '42703', position: 32 });
    // PostgreSQL's position (the 32nd character of the statement) is `totl` on the statement's second line.
    assert.deepStrictEqual(json.findings.map(placed), ['failing/0001_invoices.sql:4:16-4:26 trace-statement-failed']);
    assert.match(json.findings[0].message, /^PostgreSQL refused the statement: column "totl" does not exist \(SQLSTATE 42703\)/);
  });

  it('a folder of migrations: up migrations in order, down migrations skipped and named', async () => {
    const { code, json, stderr } = await trace('chain');
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(json.statements.map(summary), [
      'chain/migrations/20240101120000_create_users.up.sql:1 traced ',
      'chain/migrations/20240215093000_add_users_email.up.sql:1 traced ACCESS EXCLUSIVE users',
      'chain/migrations/20240215093000_add_users_email.up.sql:2 traced SHARE users',
      'chain/migrations/20240302161500_users_email_not_null.up.sql:1 traced ROW EXCLUSIVE users, ROW EXCLUSIVE users_email_key, ROW EXCLUSIVE users_pkey',
      'chain/migrations/20240302161500_users_email_not_null.up.sql:2 traced ACCESS EXCLUSIVE users',
    ]);
    assert.deepStrictEqual(
      json.skipped.map((skip) => `${skip.file}: ${skip.reason}`),
      [
        'chain/migrations/20240101120000_create_users.down.sql: a down migration',
        'chain/migrations/20240215093000_add_users_email.down.sql: a down migration',
        'chain/migrations/20240302161500_users_email_not_null.down.sql: a down migration',
      ],
    );
  });

  it('a dbmate file: its up section traced, its down section skipped; transaction control not run', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-trace-'));
    try {
      mkdirSync(path.join(folder, 'db', 'migrations'), { recursive: true });
      writeFileSync(
        path.join(folder, 'db', 'migrations', '20240101000000_notes.sql'),
        '-- migrate:up\nBEGIN;\nCREATE TABLE notes (id int);\nCOMMIT;\n\n-- migrate:down\nDROP TABLE notes;\n',
      );
      const { code, stdout, stderr } = await runCli(['trace', 'db', '--format', 'json'], folder);
      assert.strictEqual(code, 0, stderr);
      const json = JSON.parse(stdout) as TraceJson;
      assert.deepStrictEqual(
        json.statements.map((row) => `${row.line} ${row.status}`),
        ['2 not-traced', '3 traced', '4 not-traced'],
      );
      assert.match(json.statements[0].note ?? '', /transaction control, not run/);
      assert.deepStrictEqual(json.skipped, [
        { file: 'db/migrations/20240101000000_notes.sql:6', reason: 'its -- migrate:down section, a down migration' },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('CREATE EXTENSION the embedded PostgreSQL lacks is not traced and the run goes on; a statement needing it fails', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-trace-'));
    try {
      mkdirSync(path.join(folder, 'migrations'));
      writeFileSync(
        path.join(folder, 'migrations', '0001_tokens.sql'),
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT gen_random_uuid());\nSELECT digest('a', 'sha1');\n",
      );
      const { code, stdout } = await runCli(['trace', 'migrations', '--format', 'json'], folder);
      assert.strictEqual(code, 1);
      const json = JSON.parse(stdout) as TraceJson;
      assert.deepStrictEqual(
        json.statements.map((row) => `${row.line} ${row.status}`),
        ['1 not-traced', '2 traced', '3 failed'],
      );
      assert.match(json.statements[0].note ?? '', /carries no extension "pgcrypto"/);
      assert.deepStrictEqual(json.findings.map(placed), ['migrations/0001_tokens.sql:3:8-3:27 trace-statement-failed']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot trace: no paths, no SQL, --allow without --database, a URL that is not PostgreSQL', async () => {
    const cases: [string[], RegExp][] = [
      [['trace'], /needs the migration files or folders/],
      [['trace', 'add-column', '--allow'], /--allow applies to --database only/],
      [['trace', 'add-column', '--database', 'mysql://x'], /--database takes a PostgreSQL URL/],
      [['trace', path.join(REPO_ROOT, 'test', 'fixtures', 'simulate')], /no SQL migrations found; nothing was traced/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args, TRACE);
      assert.strictEqual(code, 2, args.join(' '));
      assert.match(stderr, message);
    }
  });

  it('check loads neither the trace bundle nor PGlite nor node-postgres', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-trace-'));
    try {
      const record = path.join(folder, 'record.txt');
      writeFileSync(
        path.join(folder, 'record.js'),
        `const Module = require('module'); const seen = []; const load = Module._load;
         Module._load = function (request) { seen.push(request); return load.apply(this, arguments); };
         process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(record)}, seen.join('\\n')));`,
      );
      try {
        execFileSync(
          process.execPath,
          ['--require', path.join(folder, 'record.js'), path.join(REPO_ROOT, 'bin/stagegate.js'), 'check', 'add-column'],
          {
            cwd: TRACE,
            stdio: 'ignore',
          },
        );
      } catch {
        // check exits 1 on findings; what it loaded is the point.
      }
      const seen = readFileSync(record, 'utf8').split('\n');
      assert.ok(
        seen.some((request) => request.endsWith('pg-parser.js')),
        'the recorder saw the parser load',
      );
      assert.deepStrictEqual(
        seen.filter((request) => /trace\.js$|pglite|^pg$/.test(request)),
        [],
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("stagegate trace --database on Debian's PostgreSQL server", function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startServer();
    const admin = new Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE trace_empty');
      await admin.query('CREATE DATABASE staging_copy');
    } finally {
      await admin.end();
    }
    const staging = new Client({ connectionString: server.url('staging_copy') });
    await staging.connect();
    try {
      await staging.query("CREATE TABLE customers (id int PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'a')");
    } finally {
      await staging.end();
    }
  });

  after(() => server?.stop());

  async function tablesOf(database: string): Promise<string[]> {
    const client = new Client({ connectionString: server.url(database) });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind = 'r' ORDER BY 1",
      );
      return rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  }

  it('runs in one transaction that is rolled back: nothing is left behind, and locks the run already holds are named', async () => {
    const { code, json } = await trace('add-column', '--database', server.url('trace_empty'));
    assert.strictEqual(code, 0);
    assert.match(json.database, /^PostgreSQL 15\.\d+ at 127\.0\.0\.1:\d+\/trace_empty \(one transaction, rolled back\)$/);
    assert.deepStrictEqual(json.statements.map(summary), [
      'add-column/0001_accounts.sql:2 traced ',
      'add-column/0001_accounts.sql:3 traced ROW EXCLUSIVE accounts',
      // CREATE TABLE took ACCESS EXCLUSIVE on the new table, held until the rollback: no later lock on it is new.
      'add-column/0002_add_columns.sql:2 traced ',
      'add-column/0002_add_columns.sql:5 traced  | rewrote accounts, accounts_pkey',
      'add-column/0002_add_columns.sql:7 traced  | rewrote accounts, accounts_pkey',
    ]);
    assert.strictEqual(
      json.statements[2].note,
      'the run, one transaction, already held ACCESS EXCLUSIVE on accounts, ACCESS EXCLUSIVE on accounts_pkey: a lock taken again is not seen again',
    );
    assert.strictEqual(
      json.statements[4].note,
      'the run, one transaction, already held ACCESS EXCLUSIVE on accounts, ACCESS EXCLUSIVE on accounts_pkey: a lock taken again is not seen again',
    );
    assert.deepStrictEqual(await tablesOf('trace_empty'), []);
  });

  it('says in text output which locks the run already held, where a row shows no new lock', async () => {
    const { code, stdout } = await runCli(['trace', 'index', '--database', server.url('trace_empty')], TRACE);
    assert.strictEqual(code, 0);
    assert.match(
      stdout,
      /^ {5}\d+\.\d ms · no lock on an existing relation · the run, one transaction, already held ACCESS EXCLUSIVE on orders, ACCESS EXCLUSIVE on orders_pkey: a lock taken again is not seen again$/m,
    );
  });

  it('CREATE INDEX CONCURRENTLY is not traced there, with the reason: the run is never committed', async () => {
    const { code, json } = await trace('concurrently', '--database', server.url('trace_empty'));
    assert.strictEqual(code, 0);
    assert.strictEqual(json.statements[1].status, 'not-traced');
    assert.match(json.statements[1].note ?? '', /cannot run inside a transaction.*never committed/);
  });

  it('refuses a database that holds user tables (exit 2); with --allow traces its tables as they are and leaves them so', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-trace-'));
    try {
      mkdirSync(path.join(folder, 'migrations'));
      writeFileSync(
        path.join(folder, 'migrations', '0042_customers_token.sql'),
        [
          'CREATE INDEX customers_name_idx ON customers (name);',
          'ALTER TABLE customers ADD COLUMN token uuid DEFAULT gen_random_uuid();',
          '',
        ].join('\n'),
      );
      const refused = await runCli(['trace', 'migrations', '--database', server.url('staging_copy')], folder);
      assert.strictEqual(refused.code, 2);
      assert.match(refused.stderr, /^stagegate: --database: the database holds 1 user table or view; .* Give --allow/m);
      assert.strictEqual(refused.stdout, '');

      const allowed = await runCli(
        ['trace', 'migrations', '--database', server.url('staging_copy'), '--allow', '--format', 'json'],
        folder,
      );
      assert.strictEqual(allowed.code, 0, allowed.stderr);
      const json = JSON.parse(allowed.stdout) as TraceJson;
      assert.deepStrictEqual(json.statements.map(summary), [
        'migrations/0042_customers_token.sql:1 traced SHARE customers',
        // The index the statement before created is rewritten with its table; its creation's lock is the run's already.
        'migrations/0042_customers_token.sql:2 traced ACCESS EXCLUSIVE customers, ACCESS EXCLUSIVE customers_pkey | rewrote customers, customers_name_idx, customers_pkey',
      ]);
      assert.match(json.statements[1].note ?? '', /already held ACCESS EXCLUSIVE on customers_name_idx/);
      assert.deepStrictEqual(json.findings.map(placed), [
        'migrations/0042_customers_token.sql:1:1-1:52 trace-blocking-lock',
        'migrations/0042_customers_token.sql:2:1-2:70 trace-table-rewrite',
      ]);
      // Rolled back: the table has its one column set and its row as before, and no new index.
      const client = new Client({ connectionString: server.url('staging_copy') });
      await client.connect();
      try {
        const columns = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'customers' ORDER BY 1");
        assert.deepStrictEqual(
          columns.rows.map((row) => row.column_name),
          ['id', 'name'],
        );
        assert.strictEqual((await client.query('SELECT count(*)::int AS n FROM customers')).rows[0].n, 1);
        assert.deepStrictEqual(await tablesOf('staging_copy'), ['customers']);
      } finally {
        await client.end();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says it cannot connect, with exit 2 and without the URL (it may hold a password)', async () => {
    const { code, stderr } = await runCli(
      ['trace', 'index', '--database', `postgresql://postgres:secret@127.0.0.1:${server.port}/no_such_database`],
      TRACE,
    );
    assert.strictEqual(code, 2);
    assert.match(stderr, /^stagegate: --database: cannot connect \(.*no_such_database.*\)/m);
    assert.ok(!stderr.includes('secret'), stderr);
  });
});
