// `stagegate check` on a folder of migrations: each up migration starts from the schema the ones before it left, in
// the order its tool runs them (test/fixtures/migration-folders: one bad and one good folder per hazard, each in a
// different tool's layout, and folders whose name order differs from their version order).

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, lines, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

const FOLDERS = path.join(FIXTURES, 'migration-folders');

/** Each hazard's folders, and the migration of its bad folder that does the harm. */
const HAZARDS: Record<string, string> = {
  'migration-adds-unique-constraint': '000002_add_invoices_number_key.up.sql',
  'migration-changes-column-type': 'V2__widen_total_cents.sql',
  'migration-constraint-not-valid-missing': '20240115090200_add_invoices_customer_fk.sql',
  'migration-index-not-concurrent': '2024-01-15-090200_create_invoices_customer_idx/up.sql',
  'migration-sets-not-null': '20240115090200_require_currency/migration.sql',
  'migration-work-after-lock': '2.sql',
};

async function check(cwd: string, ...args: string[]): Promise<PlacedFinding[]> {
  const { code, stdout, stderr } = await runCli(['check', ...args, '--format', 'json'], cwd);
  assert.notStrictEqual(code, 2, stderr);
  return JSON.parse(stdout) as PlacedFinding[];
}

const found = (rows: PlacedFinding[]) => rows.map((row) => `${row.file}:${row.line} ${row.ruleId}`);

describe('stagegate check: a folder of migrations', () => {
  for (const [ruleId, harm] of Object.entries(HAZARDS)) {
    const hazard = ruleId.replace('migration-', '');
    it(`${hazard}/bad raises ${ruleId} in the migration that does the harm, and nothing else`, async () => {
      const rows = await check(path.join(FOLDERS, hazard), 'bad');
      assert.deepStrictEqual(
        rows.map((row) => `${row.file} ${row.ruleId}`),
        [`bad/${harm} ${ruleId}`],
      );
    });

    it(`${hazard}/good, the same schema reached the safe way over several migrations, raises nothing`, async () => {
      assert.deepStrictEqual(found(await check(path.join(FOLDERS, hazard), 'good')), []);
    });
  }

  it('a CHECK validated in one migration covers SET NOT NULL in the next; without the VALIDATE it does not', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-folder-'));
    try {
      const write = (name: string, text: string) => writeFileSync(path.join(root, name), text);
      write(
        '000001_check_name.up.sql',
        lines(
          "SET lock_timeout = '2s';",
          'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL) NOT VALID;',
          'ALTER TABLE authors VALIDATE CONSTRAINT authors_name_present;',
        ),
      );
      write('000002_require_name.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'));
      // Migration 1 has its own finding (the VALIDATE runs under the ADD's lock); migration 2 has none.
      assert.deepStrictEqual(found(await check(root, '.')), ['000001_check_name.up.sql:3 migration-work-after-lock']);

      write(
        '000001_check_name.up.sql',
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL) NOT VALID;'),
      );
      assert.deepStrictEqual(found(await check(root, '.')), ['000002_require_name.up.sql:2 migration-sets-not-null']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('orders Flyway versions number by number: V1_1, V1_2, V1_10', async () => {
    // By name, V1_10__require_name.sql would come first and its SET NOT NULL would be reported.
    assert.deepStrictEqual(found(await check(path.join(FOLDERS, 'ordering'), 'flyway')), []);
  });

  it('orders numeric prefixes as numbers: 9, 10, 11', async () => {
    assert.deepStrictEqual(found(await check(path.join(FOLDERS, 'ordering'), 'numbered')), []);
  });

  it('files whose names carry no version are not ordered: each is read on its own', async () => {
    assert.deepStrictEqual(found(await check(FOLDERS, 'unversioned')), ['unversioned/require_name.sql:2 migration-sets-not-null']);
  });

  it('a table is new only in the migration that creates it; in later ones it is an existing table holding data', async () => {
    // 000001 creates invoices and indexes it (an empty table: no lock worth reporting); 000002 indexes it again.
    assert.deepStrictEqual(found(await check(FOLDERS, 'same-file')), [
      'same-file/000002_index_unpaid_invoices.up.sql:2 migration-index-not-concurrent',
    ]);
  });

  it('each folder is its own set: a migration of another folder carries nothing over', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-folder-'));
    try {
      for (const folder of ['billing', 'accounts']) mkdirSync(path.join(root, folder));
      writeFileSync(
        path.join(root, 'accounts', '000001_check_name.up.sql'),
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL);'),
      );
      writeFileSync(
        path.join(root, 'billing', '000002_require_name.up.sql'),
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'),
      );
      assert.deepStrictEqual(
        found(await check(root, '.')).filter((row) => row.includes('billing')),
        ['billing/000002_require_name.up.sql:2 migration-sets-not-null'],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('down migrations beside the up migrations leave the chain of up migrations whole', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-folder-'));
    try {
      const write = (name: string, text: string) => writeFileSync(path.join(root, name), text);
      write(
        '000001_check_name.up.sql',
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL);'),
      );
      write('000001_check_name.down.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors DROP CONSTRAINT authors_name_present;'));
      write('000002_require_name.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'));
      write('000002_require_name.down.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name DROP NOT NULL;'));
      // 000001.down.sql sorts between the two up migrations by name; it is not part of the chain, so 000001's CHECK covers 000002.
      assert.ok(!found(await check(root, '.')).some((row) => row.startsWith('000002_require_name.up.sql')));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a migration named alone is read after the earlier migrations of its folder, which are read from disk and not reported', async () => {
    const good = 'sets-not-null/good/20240115090400_require_currency/migration.sql';
    const { code, stdout, stderr } = await runCli(['check', good, '--format', 'json', '--verbose'], FOLDERS);
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(JSON.parse(stdout), []);
    assert.match(stderr, /read 3 earlier migrations of the folders of the migrations named, for the schema they leave \(not reported\)/);
    assert.match(stderr, /checked 1 file: 1 SQL migration\./);
    assert.deepStrictEqual(found(await check(FOLDERS, 'ordering/flyway/V1_10__require_name.sql')), []);
    // Only what runs before counts: the migration named first in its folder has nothing before it.
    assert.deepStrictEqual(found(await check(FOLDERS, 'sets-not-null/bad/20240115090200_require_currency/migration.sql')), [
      'sets-not-null/bad/20240115090200_require_currency/migration.sql:2 migration-sets-not-null',
    ]);
    // An earlier migration with findings of its own is not reported when a later one is named.
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-folder-'));
    try {
      writeFileSync(path.join(root, '000001_index.up.sql'), lines('CREATE INDEX invoices_customer_idx ON invoices (customer_id);'));
      writeFileSync(path.join(root, '000002_note.up.sql'), lines("SET lock_timeout = '2s';", 'ALTER TABLE invoices ADD COLUMN note text;'));
      assert.ok((await check(root, '.')).some((row) => row.file === '000001_index.up.sql'));
      assert.deepStrictEqual(found(await check(root, '000002_note.up.sql')), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a migration that does not parse in the middle of a folder is reported and the schema is carried past it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-folder-'));
    try {
      const write = (name: string, text: string) => writeFileSync(path.join(root, name), text);
      write(
        '000001_check_name.up.sql',
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL);'),
      );
      write('000002_half_typed.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD COLUMN;'));
      write('000003_require_name.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'));
      assert.deepStrictEqual(found(await check(root, '.')), [
        '000001_check_name.up.sql:2 migration-constraint-not-valid-missing',
        '000002_half_typed.up.sql:2 migration-syntax-error',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
