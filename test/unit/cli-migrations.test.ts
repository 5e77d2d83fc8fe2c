// `stagegate check` on migration folders as tools lay them out: down migrations judged as down migrations
// (diesel, golang-migrate, dbmate, Flyway, sqitch, Hasura), and templated SQL (Go, Jinja, Flyway placeholders).

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

/** A row of `check --format json`. */
type Row = PlacedFinding;

async function check(...args: string[]): Promise<{ code: number; rows: Row[]; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['check', ...args, '--format', 'json'], FIXTURES);
  return { code, rows: code === 2 ? [] : (JSON.parse(stdout) as Row[]), stderr };
}

/** `file:line:column-endLine:endColumn ruleId`, 1-based as the CLI prints. */
function where(row: Row): string {
  return `${row.file}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.ruleId}`;
}

const errors = (rows: Row[]) => rows.filter((row) => row.severity === 'error').map(where);
const ruleIds = (rows: Row[]) => [...new Set(rows.map((row) => row.ruleId))].sort();

describe('stagegate check: down migrations', () => {
  it('a diesel folder of three up/down pairs: no "breaks the old version" error on a down.sql; its locks are still judged', async () => {
    const { code, rows } = await check('migration-roles/diesel');
    assert.deepStrictEqual(errors(rows), []);
    assert.strictEqual(code, 0);
    assert.ok(!rows.some((row) => /breaks the old version/.test(row.message)), rows.map((row) => row.message).join('\n'));
    // DROP TABLE without a lock_timeout still waits for an ACCESS EXCLUSIVE lock during the rollback.
    assert.deepStrictEqual(rows.map(where), [
      'diesel/migrations/2024-01-15-093000_create_users/down.sql:2:1-2:17 migration-missing-lock-timeout',
      'diesel/migrations/2024-03-10-080000_create_posts/down.sql:2:1-2:17 migration-missing-lock-timeout',
    ]);
  });

  it('a golang-migrate down migration that drops a column its up migration did not add is data loss, at that subcommand', async () => {
    const { code, rows } = await check('migration-roles/golang-migrate');
    assert.strictEqual(code, 1);
    assert.deepStrictEqual(errors(rows), [
      'golang-migrate/migrations/000002_add_accounts_plan.down.sql:2:40-2:63 migration-down-destroys-data',
    ]);
    const [loss] = rows.filter((row) => row.ruleId === 'migration-down-destroys-data');
    assert.match(
      loss.message,
      /drops column legacy_code of accounts, which its up migration \(000002_add_accounts_plan\.up\.sql\) did not create/,
    );
    assert.ok(!ruleIds(rows).includes('migration-drops-table') && !ruleIds(rows).includes('migration-drops-column'), ruleIds(rows).join());
  });

  it('dbmate: each section is its own migration; the down section is judged against the up section, with ranges in the file', async () => {
    const { rows } = await check('migration-roles/dbmate');
    assert.deepStrictEqual(errors(rows), [
      'dbmate/db/migrations/20240201100000_invoices_add_status.sql:8:22-8:45 migration-down-destroys-data',
    ]);
    // The down section runs in a transaction of its own: the lock it waits for is its own statement's (line 7), not the up section's.
    const afterLock = rows.filter((row) => row.ruleId === 'migration-work-after-lock');
    assert.deepStrictEqual(afterLock.map(where), [
      'dbmate/db/migrations/20240201100000_invoices_add_status.sql:8:1-8:45 migration-work-after-lock',
    ]);
    assert.match(afterLock[0].message, /taken at line 7/);
    // transaction:false sections run CREATE/DROP INDEX CONCURRENTLY outside a transaction: nothing to report.
    assert.ok(!rows.some((row) => row.file.endsWith('20240301100000_index_invoices_customer.sql')), rows.map(where).join('\n'));
  });

  it('Flyway: U undo scripts are down migrations, paired by version even when the description differs; V migrations are judged as before', async () => {
    const { rows } = await check('migration-roles/flyway');
    assert.deepStrictEqual(errors(rows), ['flyway/db/migration/V3__drop_customer_fax.sql:2:23-2:38 migration-drops-column']);
    assert.ok(!rows.some((row) => /U[23]__/.test(row.file)), rows.map(where).join('\n'));
  });

  it('sqitch: revert scripts are down migrations and verify scripts are not judged for schema changes', async () => {
    const { code, rows } = await check('migration-roles/sqitch');
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(errors(rows), []);
    assert.deepStrictEqual(rows.map(where), ['sqitch/revert/widgets.sql:5:1-5:23 migration-missing-lock-timeout']);
  });

  it('deploy/, revert/ and verify/ folders are sqitch’s only beside a sqitch.plan: elsewhere their files are up migrations', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-not-sqitch-'));
    // A CI workspace under a folder named verify/, a deploy repository's revert/ folder: no sqitch.plan above them.
    for (const folder of ['verify/repo/migrations', 'ops/revert']) {
      mkdirSync(path.join(root, folder), { recursive: true });
      writeFileSync(path.join(root, folder, '0007_drop_fax.sql'), 'ALTER TABLE customers DROP COLUMN fax;\n');
    }
    const { code, stdout } = await runCli(['check', '.', '--format', 'json'], root);
    assert.strictEqual(code, 1);
    assert.deepStrictEqual(errors(JSON.parse(stdout) as Row[]), [
      'ops/revert/0007_drop_fax.sql:1:23-1:38 migration-drops-column',
      'verify/repo/migrations/0007_drop_fax.sql:1:23-1:38 migration-drops-column',
    ]);
  });

  it('Hasura timestamped folders: down.sql drops what up.sql created, quoted names and the public schema included', async () => {
    const { code, rows } = await check('migration-roles/hasura');
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(errors(rows), []);
  });

  it('a down migration whose up migration is not there is judged as data loss, and the message says why', async () => {
    const { rows } = await check('migration-roles/orphan/migrations/000004_remove_notes.down.sql');
    const loss = rows.filter((row) => row.ruleId === 'migration-down-destroys-data');
    assert.deepStrictEqual(loss.map(where), [
      'migration-roles/orphan/migrations/000004_remove_notes.down.sql:1:20-1:37 migration-down-destroys-data',
    ]);
    assert.match(
      loss[0].message,
      /its up migration \(000004_remove_notes\.up\.sql\) was not found, so Stagegate cannot tell whether it created it: judged as data loss/,
    );
  });

  it("a plan does not count a dbmate file's down section as breaking the old version; its up section still counts", async () => {
    const { rows } = await check('migration-roles/plan');
    const plan = rows.filter((row) => row.ruleId === 'plan-migration-not-rollback-safe');
    assert.deepStrictEqual(plan.map(where), ['plan/billing.release.yaml:9:11-9:62 plan-migration-not-rollback-safe']);
    assert.match(plan[0].message, /20240411090000_invoices_drop_memo\.sql/);
    assert.deepStrictEqual(
      rows.filter((row) => row.file.endsWith('20240410090000_invoices_add_due_date.sql') && row.severity === 'error').map(where),
      ['plan/db/migrations/20240410090000_invoices_add_due_date.sql:7:44-7:72 migration-down-destroys-data'],
    );
  });
});

describe('stagegate check: templated SQL', () => {
  it('Go-templated migrations: no syntax error per statement; the real DROP COLUMN is found at its range, named as written', async () => {
    const { code, rows } = await check('templated/go');
    assert.strictEqual(code, 1);
    assert.ok(!ruleIds(rows).includes('migration-syntax-error'), rows.map(where).join('\n'));
    assert.deepStrictEqual(errors(rows), ['go/migrations/20240301090000_drop_users_aud.up.sql:3:52-3:77 migration-drops-column']);
    const [drop] = rows.filter((row) => row.ruleId === 'migration-drops-column');
    assert.match(drop.message, /^Dropping column aud of \{\{ index \.Options "Namespace" \}\}\.users breaks the old version/);
    // The CockroachDB branch of a conditional cannot be read as PostgreSQL: one info for the file, at that statement.
    const skipped = rows.filter((row) => row.ruleId === 'migration-statement-templated');
    assert.deepStrictEqual(skipped.map(where), [
      'go/migrations/20240214120000_identities_provider_key.up.sql:4:1-4:112 migration-statement-templated',
    ]);
    assert.strictEqual(skipped[0].severity, 'info');
    assert.match(
      skipped[0].message,
      /^1 statement written with template syntax \(\{\{ … \}\}\) does not read as PostgreSQL.*conditional block.*The other 2 statements are checked\.$/,
    );
    // The rest of that file is checked: adding a column takes a lock, and the UPDATE after it holds it.
    assert.ok(
      rows.some(
        (row) => row.ruleId === 'migration-work-after-lock' && row.file.endsWith('identities_provider_key.up.sql') && row.line === 9,
      ),
    );
  });

  it('Jinja: comments and block tags are read as spaces, a DROP COLUMN in an {% if %} block is found, a macro statement is counted once', async () => {
    const { rows } = await check('templated/jinja');
    assert.deepStrictEqual(rows.map(where), [
      'jinja/migrations/0004_partition_events.sql:8:33-8:59 migration-drops-column',
      'jinja/migrations/0004_partition_events.sql:11:1-11:52 migration-statement-templated',
    ]);
    assert.match(rows[0].message, /legacy_payload of \{\{ schema \}\}\.events/);
    assert.match(rows[1].message, /^1 statement written with template syntax .* The other 3 statements are checked\.$/);
  });

  it('Flyway ${placeholders}: every statement reads; the DROP COLUMN is found', async () => {
    const { rows } = await check('templated/flyway');
    assert.deepStrictEqual(rows.map(where), ['flyway/db/migration/V7__archive_orders.sql:5:30-5:53 migration-drops-column']);
    assert.match(rows[0].message, /archived_at of \$\{schema\}\.orders/);
  });

  it('a file without template syntax keeps its syntax errors', async () => {
    const { rows } = await check(path.join('migrations', 'syntax-error.sql'));
    assert.deepStrictEqual(
      rows.filter((row) => row.severity === 'error').map((row) => `${row.line}:${row.column} ${row.ruleId}`),
      ['2:48 migration-syntax-error', '3:20 migration-drops-column'],
    );
    assert.ok(!ruleIds(rows).includes('migration-statement-templated'));
  });
});
