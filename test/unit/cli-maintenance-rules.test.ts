// `stagegate check` on migrations that run maintenance or destroy data: REINDEX and DETACH PARTITION without
// CONCURRENTLY, CLUSTER and VACUUM FULL, TRUNCATE (CASCADE), DROP DATABASE and DROP NOT NULL, as a golang-migrate
// folder of up and down migrations.

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

/** A row of `check --format json`. */
type Row = PlacedFinding;

const RULES = new Set([
  'migration-reindex-not-concurrent',
  'migration-detach-partition-not-concurrent',
  'migration-rewrites-table',
  'migration-truncates-table',
  'migration-drops-database',
  'migration-drops-not-null',
]);

async function check(...args: string[]): Promise<{ code: number; rows: Row[] }> {
  const { code, stdout } = await runCli(['check', ...args, '--format', 'json'], FIXTURES);
  return { code, rows: (JSON.parse(stdout) as Row[]).filter((row) => RULES.has(row.ruleId)) };
}

/** `file:line:column-endLine:endColumn severity ruleId`, 1-based as the CLI prints. */
function where(row: Row): string {
  return `${row.file.replace(/^.*db\/migrations\//, '')}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.severity} ${row.ruleId}`;
}

const message = (rows: Row[], ruleId: string): string => rows.find((row) => row.ruleId === ruleId)?.message ?? `no ${ruleId}`;

describe('stagegate check: maintenance and destructive statements', () => {
  it('reports each hazard of the up migrations at its statement or subcommand, and fails on the errors', async () => {
    const { code, rows } = await check('migrations/maintenance/db');
    assert.strictEqual(code, 1);
    assert.deepStrictEqual(rows.map(where), [
      '000010_rebuild_indexes.up.sql:2:1-2:37 warning migration-reindex-not-concurrent',
      '000010_rebuild_indexes.up.sql:3:26-3:60 warning migration-detach-partition-not-concurrent',
      '000011_compact_orders.up.sql:2:1-2:19 warning migration-rewrites-table',
      '000011_compact_orders.up.sql:3:1-3:37 warning migration-rewrites-table',
      '000012_reset_events.up.sql:1:1-1:30 error migration-truncates-table',
      '000012_reset_events.up.sql:3:3-3:46 warning migration-drops-not-null',
      '000013_drop_reporting.up.sql:1:1-1:34 error migration-drops-database',
    ]);
    assert.match(message(rows, 'migration-reindex-not-concurrent'), /blocking lock.*REINDEX INDEX CONCURRENTLY/);
    assert.match(
      message(rows, 'migration-detach-partition-not-concurrent'),
      /ACCESS EXCLUSIVE lock on measurements.*CONCURRENTLY \(PostgreSQL 14 and later\)/,
    );
    assert.match(message(rows, 'migration-rewrites-table'), /^VACUUM FULL rewrites orders under an ACCESS EXCLUSIVE lock.*pg_repack/);
    assert.match(message(rows, 'migration-truncates-table'), /cannot be undone.*CASCADE also empties every table with a foreign key to it/);
    assert.match(message(rows, 'migration-drops-database'), /^DROP DATABASE reporting deletes the whole database and cannot be undone/);
    assert.match(message(rows, 'migration-drops-not-null'), /breaks the old version while both run/);
  });

  it('a down migration that drops NOT NULL or truncates is not judged as an up migration', async () => {
    const { rows } = await check('migrations/maintenance/db');
    // The same statements are reported in the up migrations (000012), so the rules ran on this folder.
    const up = rows.filter((row) => row.file.endsWith('.up.sql')).map((row) => row.ruleId);
    assert.ok(up.includes('migration-drops-not-null') && up.includes('migration-truncates-table'), up.join());
    assert.ok(!rows.some((row) => row.file.endsWith('.down.sql')), rows.map(where).join('\n'));
  });

  it('check --fix leaves the CONCURRENTLY rewrites to the user: they are not safe (the file must run outside a transaction)', async () => {
    const folder = path.join(mkdtempSync(path.join(os.tmpdir(), 'stagegate-maintenance-')), 'db', 'migrations');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, '000010_rebuild_indexes.up.sql');
    const text = readFileSync(path.join(FIXTURES, 'migrations/maintenance/db/migrations/000010_rebuild_indexes.up.sql'), 'utf8');
    writeFileSync(file, text);
    const { rows } = await check(folder, '--fix');
    assert.strictEqual(readFileSync(file, 'utf8'), text);
    assert.deepStrictEqual(
      rows.map((row) => row.ruleId),
      ['migration-reindex-not-concurrent', 'migration-detach-partition-not-concurrent'],
    );
  });

  it('postgresVersion 13 in the configuration: DETACH PARTITION has no concurrent form to suggest', async () => {
    const { rows } = await check('migrations/maintenance/db', '--config', 'migrations/maintenance/postgres-13.stagegate.yaml');
    const detach = rows.find((row) => row.ruleId === 'migration-detach-partition-not-concurrent');
    assert.match(detach?.message ?? '', /PostgreSQL 13 has no concurrent form/);
  });

  it('the safe rewrites (CONCURRENTLY, plain VACUUM, DELETE) raise none of these rules', async () => {
    const { code, rows } = await check('migrations/maintenance/safe');
    assert.deepStrictEqual(rows.map(where), []);
    assert.strictEqual(code, 0);
  });
});
