// Rules for domains, enums, transaction blocks and primary key types.

import * as assert from 'assert';
import { analyse, covered, firstHazard, hazardRanges, readFixture } from './helpers';

describe('migration rules for types, domains and transaction blocks', () => {
  describe('migration-domain-constraint-not-valid-missing', () => {
    it('reports ADD CONSTRAINT on an existing domain without NOT VALID, not on a domain created in the file or with NOT VALID', async () => {
      const text = readFixture('types/0001_domain_constraint.sql');
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-domain-constraint-not-valid-missing');
      assert.deepStrictEqual(ranges, [
        [2, 0, 2, 78],
        [5, 0, 5, 56],
      ]);
      assert.strictEqual(covered(text, ranges[0]), "ALTER DOMAIN public.email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%')");
      const hazard = firstHazard(analysis, 'migration-domain-constraint-not-valid-missing');
      assert.match(hazard.message, /SHARE lock on each table.*fails if any value violates it/);
      assert.match(hazard.message, /ALTER DOMAIN email VALIDATE CONSTRAINT email_has_at in a later migration/);
      assert.strictEqual(hazard.breaksOldVersion, false);
    });

    it('offers NOT VALID at the end of a CHECK (not safe), and no fix for NOT NULL, which cannot be NOT VALID', async () => {
      const analysis = await analyse(readFixture('types/0001_domain_constraint.sql'));
      const [check, notNull] = analysis.hazards.filter((h) => h.ruleId === 'migration-domain-constraint-not-valid-missing');
      assert.deepStrictEqual(check.fixes?.[0].edits, [
        { range: { start: { line: 2, character: 78 }, end: { line: 2, character: 78 } }, newText: ' NOT VALID' },
      ]);
      assert.strictEqual(check.fixes?.[0].safe, false);
      assert.strictEqual(notNull.fixes, undefined);
      assert.match(notNull.message, /Only a CHECK constraint can be added NOT VALID/);
    });

    it('ALTER TABLE ... ADD CONSTRAINT is left to the table rule, and the domain rule does not report it', async () => {
      const analysis = await analyse('ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0);');
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-domain-constraint-not-valid-missing'), []);
      assert.strictEqual(hazardRanges(analysis, 'migration-constraint-not-valid-missing').length, 1);
    });
  });

  describe('migration-enum-value-added', () => {
    it('reports ADD VALUE on an existing enum as breaking the old version; not on an enum created in the file, nor RENAME VALUE', async () => {
      const text = readFixture('types/0002_enum_value.sql');
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-enum-value-added');
      assert.deepStrictEqual(ranges, [[2, 0, 2, 71]]);
      assert.strictEqual(covered(text, ranges[0]), "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid'");
      const hazard = firstHazard(analysis, 'migration-enum-value-added');
      assert.strictEqual(hazard.breaksOldVersion, true);
      assert.match(hazard.message, /'refunded' to enum order_status breaks the old version/);
    });

    it('names the PostgreSQL 12 change when the statement runs in a transaction, and not when it runs on its own', async () => {
      const inBlock = firstHazard(await analyse(readFixture('types/0003_enum_value_in_transaction.sql')), 'migration-enum-value-added');
      assert.match(inBlock.message, /Before PostgreSQL 12 ADD VALUE cannot run inside a transaction block/);
      const alone = firstHazard(
        await analyse("CREATE INDEX CONCURRENTLY i ON t (a);\nALTER TYPE order_status ADD VALUE 'x';"),
        'migration-enum-value-added',
      );
      assert.doesNotMatch(alone.message, /PostgreSQL 12/);
    });
  });

  describe('migration-transaction-unbalanced', () => {
    it('reports a BEGIN inside an open transaction at the inner BEGIN, naming the outer BEGIN and the COMMIT that ends it', async () => {
      const text = readFixture('types/0004_nested_transaction.sql');
      const analysis = await analyse(text);
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-transaction-unbalanced'), [[2, 0, 2, 5]]);
      assert.match(
        firstHazard(analysis, 'migration-transaction-unbalanced').message,
        /inside the transaction opened at line 1.*the COMMIT at line 5 ends the outer transaction early/,
      );
    });

    it('reports a transaction never ended at its BEGIN; balanced blocks, AND CHAIN and SAVEPOINTs are not reported', async () => {
      const unclosed = await analyse(readFixture('types/0005_unclosed_transaction.sql'));
      assert.deepStrictEqual(hazardRanges(unclosed, 'migration-transaction-unbalanced'), [[1, 0, 1, 5]]);
      assert.match(firstHazard(unclosed, 'migration-transaction-unbalanced').message, /never committed or rolled back/);
      const balanced = await analyse(
        'BEGIN;\nSAVEPOINT a;\nUPDATE t SET a = 1;\nRELEASE SAVEPOINT a;\nCOMMIT AND CHAIN;\nUPDATE t SET a = 2;\nROLLBACK;\nSTART TRANSACTION;\nCOMMIT;',
      );
      assert.deepStrictEqual(hazardRanges(balanced, 'migration-transaction-unbalanced'), []);
      const chained = await analyse('BEGIN;\nUPDATE t SET a = 1;\nCOMMIT AND CHAIN;\nUPDATE t SET a = 2;');
      assert.deepStrictEqual(hazardRanges(chained, 'migration-transaction-unbalanced'), [[2, 0, 2, 16]]);
    });

    it('a nested BEGIN in a transaction never ended is reported along with the unclosed one', async () => {
      const analysis = await analyse('BEGIN;\nUPDATE t SET a = 1;\nSTART TRANSACTION;\nUPDATE t SET a = 2;');
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-transaction-unbalanced'), [
        [2, 0, 2, 17],
        [0, 0, 0, 5],
      ]);
    });
  });

  describe('migration-int-primary-key', () => {
    it('reports single-column integer and serial keys at their type, in CREATE TABLE and ADD COLUMN; not composite or bigint keys', async () => {
      const text = readFixture('types/0006_int_primary_keys.sql');
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-int-primary-key');
      assert.deepStrictEqual(
        ranges.map((range) => covered(text, range)),
        ['serial', 'integer', 'int4'],
      );
      assert.deepStrictEqual(ranges[0], [1, 5, 1, 11]);
      const messages = analysis.hazards.filter((h) => h.ruleId === 'migration-int-primary-key').map((h) => h.message);
      assert.match(messages[0], /tickets\.id is a 32-bit integer: inserts fail once it reaches 2,147,483,647.*Use bigserial\./);
      assert.match(messages[1], /ticket_tags\.id .*Use bigint \(or bigint GENERATED ALWAYS AS IDENTITY\)/);
    });

    it('the fix widens the type, safe on a table created in the migration and not safe on an existing one', async () => {
      const analysis = await analyse(readFixture('types/0006_int_primary_keys.sql'));
      const fixes = analysis.hazards.filter((h) => h.ruleId === 'migration-int-primary-key').map((h) => h.fixes?.[0]);
      assert.deepStrictEqual(
        fixes.map((fix) => [fix?.edits[0].newText, fix?.safe]),
        [
          ['bigserial', true],
          ['bigint', true],
          ['bigint', false],
        ],
      );
      const added = await analyse('CREATE TABLE a (name text);\nALTER TABLE a ADD COLUMN id smallserial PRIMARY KEY;');
      const fix = firstHazard(added, 'migration-int-primary-key').fixes?.[0];
      assert.deepStrictEqual([fix?.edits[0].newText, fix?.safe], ['bigserial', true]);
      assert.match(firstHazard(added, 'migration-int-primary-key').message, /16-bit integer: inserts fail once it reaches 32,767/);
    });

    it('a serial or identity column of 32 or 16 bits is reported key or not; a plain int column that is no key is not', async () => {
      const text = [
        'CREATE TABLE events (id bigint PRIMARY KEY, seq serial, n int, m int GENERATED ALWAYS AS IDENTITY, w bigserial);',
        'ALTER TABLE events ADD COLUMN tick smallserial;',
      ].join('\n');
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-int-primary-key');
      assert.deepStrictEqual(
        ranges.map((range) => covered(text, range)),
        ['serial', 'int', 'smallserial'],
      );
      const messages = analysis.hazards.filter((h) => h.ruleId === 'migration-int-primary-key').map((h) => h.message);
      assert.match(
        messages[0],
        /^Column events\.seq is numbered by a sequence into a 32-bit integer: inserts fail once the sequence passes 2,147,483,647, key or not/,
      );
      assert.match(messages[2], /events\.tick .* 16-bit integer: inserts fail once the sequence passes 32,767/);
    });

    it('a quoted or schema-qualified user type named like int4 is not a built-in integer; an int array key is not reported', async () => {
      const analysis = await analyse(
        'CREATE TABLE a (id app.int4 PRIMARY KEY);\nCREATE TABLE b (id int[] PRIMARY KEY);\nCREATE TABLE c (id pg_catalog.int4 PRIMARY KEY);',
      );
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-int-primary-key'), [[2, 19, 2, 34]]);
    });
  });
});
