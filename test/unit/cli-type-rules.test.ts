// `stagegate check` on migrations that alter domains and enums, nest or leave open transactions, and key tables
// by 32-bit integers.

import * as assert from 'assert';
import { copyFileSync, mkdtempSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli as run } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

/** A row of `check --format json`. */
type Row = PlacedFinding;

async function check(...paths: string[]): Promise<Row[]> {
  const { code, stdout, stderr } = await run(['check', ...paths, '--format', 'json'], FIXTURES);
  assert.notStrictEqual(code, 2, stderr);
  return JSON.parse(stdout) as Row[];
}

/** `file:line:column-endLine:endColumn`, 1-based as the CLI prints, for one rule's rows. */
function where(rows: Row[], ruleId: string): string[] {
  return rows.filter((row) => row.ruleId === ruleId).map((row) => `${row.file}:${row.line}:${row.column}-${row.endLine}:${row.endColumn}`);
}

const TYPES = 'migrations/types';

describe('stagegate check: domains, enums, transaction blocks and integer keys', () => {
  it('ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID, on domains the file did not create', async () => {
    const rows = await check(`${TYPES}/0001_domain_constraint.sql`);
    assert.deepStrictEqual(where(rows, 'migration-domain-constraint-not-valid-missing'), [
      'migrations/types/0001_domain_constraint.sql:3:1-3:79',
      'migrations/types/0001_domain_constraint.sql:6:1-6:57',
    ]);
    const [first] = rows.filter((row) => row.ruleId === 'migration-domain-constraint-not-valid-missing');
    assert.strictEqual(first.severity, 'warning');
    assert.match(first.message, /holding a SHARE lock on each table that has one.*fails if any value violates it/);
  });

  it('ALTER TYPE ... ADD VALUE breaks the old version; in a transaction the message names PostgreSQL 12', async () => {
    const rows = await check(`${TYPES}/0002_enum_value.sql`, `${TYPES}/0003_enum_value_in_transaction.sql`);
    assert.deepStrictEqual(where(rows, 'migration-enum-value-added'), [
      'migrations/types/0002_enum_value.sql:3:1-3:72',
      'migrations/types/0003_enum_value_in_transaction.sql:2:1-2:44',
    ]);
    const messages = rows.filter((row) => row.ruleId === 'migration-enum-value-added').map((row) => row.message);
    assert.match(messages[0], /breaks the old version/);
    assert.match(messages[1], /Before PostgreSQL 12 ADD VALUE cannot run inside a transaction block/);
  });

  it('a nested BEGIN and a BEGIN never committed are reported at those statements', async () => {
    const rows = await check(`${TYPES}/0004_nested_transaction.sql`, `${TYPES}/0005_unclosed_transaction.sql`);
    assert.deepStrictEqual(where(rows, 'migration-transaction-unbalanced'), [
      'migrations/types/0004_nested_transaction.sql:3:1-3:6',
      'migrations/types/0005_unclosed_transaction.sql:2:1-2:6',
    ]);
    const messages = rows.filter((row) => row.ruleId === 'migration-transaction-unbalanced').map((row) => row.message);
    assert.match(messages[0], /the COMMIT at line 5 ends the outer transaction early/);
    assert.match(messages[1], /never committed or rolled back/);
  });

  it('integer and serial primary keys are reported at their type; --fix widens them only in tables the migration creates', async () => {
    const rows = await check(`${TYPES}/0006_int_primary_keys.sql`);
    assert.deepStrictEqual(where(rows, 'migration-int-primary-key'), [
      'migrations/types/0006_int_primary_keys.sql:2:6-2:12',
      'migrations/types/0006_int_primary_keys.sql:6:6-6:13',
      'migrations/types/0006_int_primary_keys.sql:16:40-16:44',
    ]);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-int-keys-'));
    const file = path.join(folder, '0006_int_primary_keys.sql');
    copyFileSync(path.join(FIXTURES, TYPES, '0006_int_primary_keys.sql'), file);
    await run(['check', '.', '--fix'], folder);
    const fixed = readFileSync(file, 'utf8').split('\n');
    assert.strictEqual(fixed[1], '  id bigserial PRIMARY KEY,');
    assert.strictEqual(fixed[5], '  id bigint NOT NULL,');
    // Composite keys are left alone, and the ADD COLUMN on an existing table is not safe to rewrite.
    assert.strictEqual(fixed[10], '  ticket_id int NOT NULL,');
    assert.strictEqual(fixed[15], 'ALTER TABLE legacy_codes ADD COLUMN id int4 PRIMARY KEY;');
    const after = JSON.parse((await run(['check', '.', '--format', 'json'], folder)).stdout) as Row[];
    assert.deepStrictEqual(where(after, 'migration-int-primary-key'), ['0006_int_primary_keys.sql:16:40-16:44']);
  });
});
