// Rules for blocking locks, table rewrites and statements that fail on existing data (impacts L and F).

import * as assert from 'assert';
import { analyse, config, covered, findingRanges, firstHazard, hazardRanges, readFixture } from './helpers';

describe('migration rules for locks and scans', () => {
  it('SET NOT NULL is reported at its subcommand unless a validated CHECK (col IS NOT NULL) comes first', async () => {
    const text = readFixture('sets-not-null.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-sets-not-null');
    assert.deepStrictEqual(ranges, [[1, 19, 1, 51]]);
    assert.strictEqual(covered(text, ranges[0]), 'ALTER COLUMN region SET NOT NULL');
    const hazard = firstHazard(analysis, 'migration-sets-not-null');
    assert.strictEqual(hazard.breaksOldVersion, false);
    assert.strictEqual(analysis.findings.find((f) => f.ruleId === 'migration-sets-not-null')?.severity, 'warning');
  });

  it('a NOT VALID check that is never validated does not make SET NOT NULL safe', async () => {
    const analysis = await analyse(
      'ALTER TABLE orders ADD CONSTRAINT c CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;',
    );
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-sets-not-null'), [[1, 19, 1, 51]]);
  });

  it('SET NOT NULL on a column just added to an existing table is reported; with a default it is not', async () => {
    const analysis = await analyse(
      'ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE orders ALTER COLUMN a SET NOT NULL;\nALTER TABLE orders ADD COLUMN b int NOT NULL DEFAULT 0;\nALTER TABLE orders ALTER COLUMN b SET NOT NULL;',
    );
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-sets-not-null'), [[1, 19, 1, 46]]);
  });

  it('CREATE and DROP INDEX without CONCURRENTLY are reported on existing tables, not on a table the migration created', async () => {
    const text = readFixture('index-not-concurrent.sql');
    const analysis = await analyse(text);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-index-not-concurrent'), [
      [0, 0, 0, 54],
      [1, 0, 1, 25],
    ]);
    const create = firstHazard(analysis, 'migration-index-not-concurrent');
    assert.match(create.message, /SHARE lock on orders/);
    assert.deepStrictEqual(create.fixes?.[0].edits, [
      { range: { start: { line: 0, character: 12 }, end: { line: 0, character: 12 } }, newText: ' CONCURRENTLY' },
    ]);
    assert.strictEqual(create.fixes?.[0].safe, false);
  });

  it('a FOREIGN KEY or CHECK added without NOT VALID is reported at the ADD CONSTRAINT subcommand', async () => {
    const text = readFixture('constraint-not-valid-missing.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-constraint-not-valid-missing');
    assert.deepStrictEqual(ranges, [
      [1, 19, 1, 104],
      [2, 19, 2, 73],
    ]);
    assert.strictEqual(covered(text, ranges[1]), 'ADD CONSTRAINT orders_total_positive CHECK (total > 0)');
    const messages = analysis.hazards.filter((h) => h.ruleId === 'migration-constraint-not-valid-missing').map((h) => h.message);
    assert.match(messages[0], /SHARE ROW EXCLUSIVE locks on orders and customers/);
    assert.match(messages[1], /ACCESS EXCLUSIVE lock.*fails if any row violates it/);
    const fix = firstHazard(analysis, 'migration-constraint-not-valid-missing').fixes?.[0];
    assert.deepStrictEqual(fix?.edits, [
      { range: { start: { line: 1, character: 104 }, end: { line: 1, character: 104 } }, newText: ' NOT VALID' },
    ]);
  });

  it('a UNIQUE constraint or column is reported; ADD CONSTRAINT ... UNIQUE USING INDEX is not', async () => {
    const text = readFixture('adds-unique-constraint.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-adds-unique-constraint');
    assert.deepStrictEqual(ranges, [
      [1, 18, 1, 63],
      [3, 18, 3, 46],
    ]);
    assert.strictEqual(covered(text, ranges[0]), 'ADD CONSTRAINT users_email_key UNIQUE (email)');
  });

  it('CONCURRENTLY inside BEGIN ... COMMIT is reported at the CONCURRENTLY keyword; outside it is not', async () => {
    const text = readFixture('concurrent-in-transaction.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-concurrent-in-transaction');
    assert.deepStrictEqual(ranges, [[1, 13, 1, 25]]);
    assert.strictEqual(covered(text, ranges[0]), 'CONCURRENTLY');
    assert.strictEqual(analysis.findings.find((f) => f.ruleId === 'migration-concurrent-in-transaction')?.severity, 'error');
  });

  it('a locking statement is reported when no lock_timeout is in effect, and SET lock_timeout = 0 turns it off', async () => {
    const analysis = await analyse(readFixture('missing-lock-timeout.sql'));
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-missing-lock-timeout'), [
      [0, 0, 0, 39],
      [4, 0, 4, 35],
    ]);
    const finding = analysis.findings.find((f) => f.ruleId === 'migration-missing-lock-timeout');
    assert.strictEqual(finding?.severity, 'info');
    assert.match(finding?.message ?? '', /an ACCESS EXCLUSIVE lock on orders with no lock_timeout/);
  });

  it('SET LOCAL lock_timeout covers its transaction only, and does nothing outside one', async () => {
    const inside = await analyse(
      "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE a ADD COLUMN b int;\nCOMMIT;\nALTER TABLE a ADD COLUMN c int;",
    );
    assert.deepStrictEqual(hazardRanges(inside, 'migration-missing-lock-timeout'), [[4, 0, 4, 30]]);
    const autocommit = await analyse("SET LOCAL lock_timeout = '1s';\nALTER TABLE a ADD COLUMN b int;", {
      config: config({ 'migration-work-after-lock': { options: { fileRunsInTransaction: false } } }),
    });
    assert.deepStrictEqual(hazardRanges(autocommit, 'migration-missing-lock-timeout'), [[1, 0, 1, 30]]);
  });

  it('the lock_timeout suggested by the message and the fix is configurable', async () => {
    const analysis = await analyse('ALTER TABLE a ADD COLUMN b int;', {
      config: config({ 'migration-missing-lock-timeout': { options: { timeout: '500ms' } } }),
    });
    const hazard = firstHazard(analysis, 'migration-missing-lock-timeout');
    assert.match(hazard.message, /SET LOCAL lock_timeout = '500ms'/);
    assert.strictEqual(hazard.fixes?.[0].edits[0].newText, "SET LOCAL lock_timeout = '500ms';\n");
  });

  it('work after a blocking lock in a file without BEGIN is reported once, at the first statement that runs under the lock', async () => {
    const text = readFixture('work-after-lock.sql');
    const analysis = await analyse(text, { fileName: 'migrations/0003.sql' });
    const ranges = hazardRanges(analysis, 'migration-work-after-lock');
    assert.deepStrictEqual(ranges, [[2, 0, 2, 38]]);
    const hazard = firstHazard(analysis, 'migration-work-after-lock');
    assert.match(hazard.message, /ACCESS EXCLUSIVE lock on authors taken at line 2 is still held.*2 statements later/);
    assert.deepStrictEqual(hazard.related?.[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 41 } });
  });

  it('explicit BEGIN ... COMMIT delimits the transaction; statements outside it run one by one', async () => {
    const analysis = await analyse(readFixture('explicit-transactions.sql'));
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-work-after-lock'), [[4, 0, 4, 26]]);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-missing-lock-timeout'), []);
  });

  it('with fileRunsInTransaction off, a file without BEGIN runs statement by statement', async () => {
    const analysis = await analyse(readFixture('work-after-lock.sql'), {
      config: config({ 'migration-work-after-lock': { options: { fileRunsInTransaction: false } } }),
    });
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-work-after-lock'), []);
  });

  it('a statement PostgreSQL refuses in a transaction means the file is not wrapped in one', async () => {
    const analysis = await analyse("SET lock_timeout = '2s';\nALTER TABLE a ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY a_b ON a (b);");
    assert.deepStrictEqual(findingRanges(analysis, 'migration-work-after-lock'), []);
  });
});
