// Rules for changes the old version cannot survive (impact C) and data that cannot come back (impact D).

import * as assert from 'assert';
import { analyse, covered, findingRanges, firstHazard, hazardRanges, readFixture } from './helpers';

describe('migration rules that break the old version', () => {
  it('a DROP COLUMN is reported at the subcommand as breaking the old version; a column added earlier in the migration is not', async () => {
    const text = readFixture('drops-column.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-drops-column');
    assert.deepStrictEqual(ranges, [[4, 4, 4, 35]]);
    assert.strictEqual(covered(text, ranges[0]), 'DROP COLUMN legacy_code CASCADE');
    const hazard = firstHazard(analysis, 'migration-drops-column');
    assert.strictEqual(hazard.breaksOldVersion, true);
    assert.match(hazard.message, /breaks the old version while both run.*cannot be undone/);
    assert.strictEqual(analysis.findings.find((f) => f.ruleId === 'migration-drops-column')?.severity, 'error');
  });

  it('a DROP TABLE names only the tables that existed before the migration', async () => {
    const text = readFixture('drops-table.sql');
    const analysis = await analyse(text);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-table'), [
      [2, 0, 2, 39],
      [3, 0, 3, 39],
    ]);
    const messages = analysis.hazards.filter((h) => h.ruleId === 'migration-drops-table').map((h) => h.message);
    assert.match(messages[0], /^Dropping table audit_log breaks/);
    assert.match(messages[1], /^Dropping table scratch_two, public\.sessions breaks/);
  });

  it('a column rename is reported unless a generated column keeps the old name', async () => {
    const text = readFixture('renames-column.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-renames-column');
    assert.deepStrictEqual(ranges, [[1, 0, 1, 54]]);
    assert.strictEqual(covered(text, ranges[0]), 'ALTER TABLE users RENAME COLUMN email TO email_address');
    assert.ok(analysis.hazards.find((h) => h.ruleId === 'migration-renames-column')?.breaksOldVersion);
  });

  it("a column rename followed by a view with the table's old name is not reported", async () => {
    const analysis = await analyse(
      'ALTER TABLE users RENAME COLUMN email TO email_address;\nALTER TABLE users RENAME TO members;\nCREATE VIEW users AS SELECT id, email_address AS email FROM members;',
    );
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-renames-column'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-renames-table'), []);
  });

  it('a table rename is reported unless a view re-creates the old name in the same migration', async () => {
    const analysis = await analyse(readFixture('renames-table.sql'));
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-renames-table'), [[1, 0, 1, 39]]);
  });

  it('renaming a table or column the migration created is not reported', async () => {
    const analysis = await analyse(
      'CREATE TABLE drafts (id int, body text);\nALTER TABLE drafts RENAME COLUMN body TO content;\nALTER TABLE drafts RENAME TO notes;',
    );
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-renames-column'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-renames-table'), []);
  });

  it('a column type change is reported at its ALTER COLUMN subcommand, commas inside parentheses notwithstanding', async () => {
    const text = readFixture('changes-column-type.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-changes-column-type');
    assert.deepStrictEqual(ranges, [[1, 19, 1, 87]]);
    assert.strictEqual(covered(text, ranges[0]), 'ALTER COLUMN amount TYPE numeric(12, 2) USING amount::numeric(12, 2)');
    assert.match(firstHazard(analysis, 'migration-changes-column-type').message, /rewrites the table.*ACCESS EXCLUSIVE/);
  });

  it('a NOT NULL column without a default is reported; defaults, serials and nullable columns are not', async () => {
    const text = readFixture('adds-required-column.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-adds-required-column');
    assert.deepStrictEqual(ranges, [[2, 4, 2, 35]]);
    assert.strictEqual(covered(text, ranges[0]), 'ADD COLUMN region text NOT NULL');
    assert.match(firstHazard(analysis, 'migration-adds-required-column').message, /fails if the table has rows.*breaks the old version/);
  });

  it('a destructive up migration without a down migration is reported at its first destructive change', async () => {
    const text = readFixture('0007_drop_legacy.up.sql');
    const missing = await analyse(text, {
      fileName: 'db/0007_drop_legacy.up.sql',
      counterpart: { name: '0007_drop_legacy.down.sql', found: false },
    });
    assert.deepStrictEqual(hazardRanges(missing, 'migration-irreversible'), [[2, 19, 2, 37]]);
    assert.match(missing.hazards.find((h) => h.ruleId === 'migration-irreversible')?.message ?? '', /0007_drop_legacy\.down\.sql/);
    assert.strictEqual(missing.findings.find((f) => f.ruleId === 'migration-irreversible')?.severity, 'info');
    const paired = await analyse(text, { counterpart: { name: '0007_drop_legacy.down.sql', found: true } });
    assert.deepStrictEqual(hazardRanges(paired, 'migration-irreversible'), []);
    const unpaired = await analyse(text);
    assert.deepStrictEqual(hazardRanges(unpaired, 'migration-irreversible'), []);
  });

  it('an additive up migration without a down migration is not reported as irreversible', async () => {
    const analysis = await analyse("SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;", {
      counterpart: { name: 'x.down.sql', found: false },
    });
    assert.deepStrictEqual(findingRanges(analysis, 'migration-irreversible'), []);
  });
});
