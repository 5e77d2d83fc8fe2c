// `stagegate check` on migrations that rewrite a table or scan it under an ACCESS EXCLUSIVE lock: volatile defaults,
// EXCLUDE constraints, and primary keys attached USING INDEX to columns not known to be NOT NULL.

import * as assert from 'assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

/** A row of `check --format json`. */
type Row = PlacedFinding;

const RULES = ['migration-adds-volatile-default', 'migration-adds-exclusion-constraint', 'migration-primary-key-sets-not-null'];

async function check(cwd: string, ...args: string[]): Promise<{ code: number; rows: Row[]; stdout: string }> {
  const { code, stdout } = await runCli(['check', ...args], cwd);
  return { code, rows: args.includes('json') ? (JSON.parse(stdout) as Row[]) : [], stdout };
}

/** `file:line:column-endLine:endColumn ruleId` for this change's rules only, 1-based as the CLI prints. */
function ours(rows: Row[]): string[] {
  return rows
    .filter((row) => RULES.includes(row.ruleId))
    .map((row) => `${path.basename(row.file)}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.ruleId}`);
}

describe('stagegate check: table rewrites and constraint scans', () => {
  it('reports volatile defaults, serial, identity and stored generated columns, EXCLUDE and USING INDEX keys, at their subcommands', async () => {
    const { code, rows } = await check(FIXTURES, 'migrations/rewrites', '--format', 'json');
    assert.strictEqual(code, 0); // warnings only
    assert.deepStrictEqual(ours(rows), [
      '0001_orders_public_id.sql:2:20-2:71 migration-adds-volatile-default',
      '0001_orders_public_id.sql:5:22-5:46 migration-adds-volatile-default',
      '0001_orders_public_id.sql:6:22-6:72 migration-adds-volatile-default',
      '0001_orders_public_id.sql:7:22-7:93 migration-adds-volatile-default',
      '0002_bookings_no_overlap.sql:2:22-2:108 migration-adds-exclusion-constraint',
      '0003_accounts_primary_key.sql:2:22-2:90 migration-primary-key-sets-not-null',
      '0004_ledger_primary_key.sql:7:22-7:65 migration-primary-key-sets-not-null',
    ]);
    const messages = rows.filter((row) => RULES.includes(row.ruleId)).map((row) => row.message);
    assert.match(messages[0], /^Adding column public_id to orders rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock/);
    assert.match(messages[4], /builds its index under an ACCESS EXCLUSIVE lock on bookings/);
    assert.match(messages[5], /sets NOT NULL on accounts\.id \(unless it is already NOT NULL\)/);
    assert.match(messages[6], /the columns of index payments_id_idx on payments \(unless they are already NOT NULL\)/);
  });

  it('text output names the rule at its subcommand; --fix leaves the file alone, since the split is not a safe fix', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-rewrites-'));
    const file = path.join(root, '0005_users_public_id.sql');
    const text = 'ALTER TABLE users ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n';
    writeFileSync(file, text);
    const { stdout } = await check(root, '.');
    assert.match(
      stdout,
      /0005_users_public_id\.sql:1:19 +warning +Adding column public_id to users rewrites.* migration-adds-volatile-default/,
    );
    await check(root, '.', '--fix');
    // The split leaves a backfill to write: the editor offers it, `check --fix` applies safe fixes only.
    assert.strictEqual(readFileSync(file, 'utf8'), text);
  });

  it('postgresVersion in .stagegate.yaml: a constant default is a rewrite on PostgreSQL 10, not on the default 15', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-rewrites-pg-'));
    writeFileSync(path.join(root, '0006_orders_status.sql'), "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\n");
    assert.deepStrictEqual(ours((await check(root, '.', '--format', 'json')).rows), []);
    writeFileSync(
      path.join(root, '.stagegate.yaml'),
      'rules:\n  migration-adds-volatile-default:\n    options:\n      postgresVersion: 10\n',
    );
    const { rows } = await check(root, '.', '--format', 'json');
    assert.deepStrictEqual(ours(rows), ['0006_orders_status.sql:1:20-1:65 migration-adds-volatile-default']);
    assert.match(rows.find((row) => RULES.includes(row.ruleId))?.message ?? '', /before PostgreSQL 11 \(postgresVersion is 10\)/);
  });
});
