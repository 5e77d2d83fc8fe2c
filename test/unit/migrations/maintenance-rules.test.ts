// Maintenance and destructive statements: REINDEX and DETACH PARTITION without CONCURRENTLY, CLUSTER and VACUUM FULL,
// TRUNCATE (and its CASCADE), DROP DATABASE and DROP NOT NULL.

import * as assert from 'assert';
import { analyse, config, covered, firstHazard, hazardRanges } from './helpers';

const ids = (analysis: Awaited<ReturnType<typeof analyse>>, id: string) => analysis.hazards.filter((h) => h.ruleId === id);

describe('maintenance and destructive migration rules', () => {
  describe('migration-reindex-not-concurrent', () => {
    it('reports REINDEX INDEX, TABLE, SCHEMA and DATABASE without CONCURRENTLY, with the lock they take', async () => {
      const text = [
        'REINDEX INDEX orders_customer_id_idx;',
        'REINDEX TABLE orders;',
        'REINDEX (VERBOSE) SCHEMA billing;',
        'REINDEX DATABASE shop;',
      ].join('\n');
      const analysis = await analyse(text);
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-reindex-not-concurrent'), [
        [0, 0, 0, 36],
        [1, 0, 1, 20],
        [2, 0, 2, 32],
        [3, 0, 3, 21],
      ]);
      const [index, table, schema] = ids(analysis, 'migration-reindex-not-concurrent');
      assert.match(index.message, /rebuilds index orders_customer_id_idx under a blocking lock: a SHARE lock on each table/);
      assert.match(index.message, /ACCESS EXCLUSIVE lock on each index/);
      assert.match(index.message, /REINDEX INDEX CONCURRENTLY \(PostgreSQL 12 and later\)/);
      assert.match(table.message, /the indexes of orders/);
      assert.match(schema.message, /every index in schema billing/);
    });

    it('offers CONCURRENTLY after the kind keyword, not marked safe, and none inside BEGIN ... COMMIT', async () => {
      const text = 'REINDEX (VERBOSE) TABLE orders;';
      const fix = firstHazard(await analyse(text), 'migration-reindex-not-concurrent').fixes?.[0];
      assert.deepStrictEqual(fix?.edits, [
        { range: { start: { line: 0, character: 23 }, end: { line: 0, character: 23 } }, newText: ' CONCURRENTLY' },
      ]);
      assert.strictEqual(fix?.safe, false);
      const inTransaction = await analyse('BEGIN;\nREINDEX INDEX orders_customer_id_idx;\nCOMMIT;');
      assert.strictEqual(firstHazard(inTransaction, 'migration-reindex-not-concurrent').fixes, undefined);
    });

    it('does not report CONCURRENTLY, REINDEX SYSTEM, or a table created earlier in the migration', async () => {
      const analysis = await analyse(
        [
          'REINDEX INDEX CONCURRENTLY orders_customer_id_idx;',
          'REINDEX (CONCURRENTLY) TABLE orders;',
          'REINDEX SYSTEM shop;',
          'CREATE TABLE drafts (id bigint);',
          'REINDEX TABLE drafts;',
        ].join('\n'),
      );
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-reindex-not-concurrent'), []);
    });
  });

  describe('migration-detach-partition-not-concurrent', () => {
    it('reports DETACH PARTITION without CONCURRENTLY at the subcommand, with a CONCURRENTLY fix after the partition', async () => {
      const text = 'ALTER TABLE measurements DETACH PARTITION measurements_2023;';
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-detach-partition-not-concurrent');
      assert.deepStrictEqual(ranges, [[0, 25, 0, 59]]);
      assert.strictEqual(covered(text, ranges[0]), 'DETACH PARTITION measurements_2023');
      const hazard = firstHazard(analysis, 'migration-detach-partition-not-concurrent');
      assert.match(hazard.message, /ACCESS EXCLUSIVE lock on measurements, blocking every read and write/);
      assert.match(hazard.message, /DETACH PARTITION measurements_2023 CONCURRENTLY \(PostgreSQL 14 and later\)/);
      assert.deepStrictEqual(hazard.fixes?.[0].edits, [
        { range: { start: { line: 0, character: 59 }, end: { line: 0, character: 59 } }, newText: ' CONCURRENTLY' },
      ]);
      assert.strictEqual(hazard.fixes?.[0].safe, false);
    });

    it('below PostgreSQL 14 says there is no concurrent form and offers no fix', async () => {
      const analysis = await analyse('ALTER TABLE measurements DETACH PARTITION measurements_2023;', {
        config: config({ 'migration-detach-partition-not-concurrent': { options: { postgresVersion: 13 } } }),
      });
      const hazard = firstHazard(analysis, 'migration-detach-partition-not-concurrent');
      assert.match(hazard.message, /PostgreSQL 13 has no concurrent form \(DETACH PARTITION \.\.\. CONCURRENTLY needs 14\)/);
      assert.strictEqual(hazard.fixes, undefined);
    });

    it('offers no fix inside BEGIN ... COMMIT, where CONCURRENTLY fails', async () => {
      const inTransaction = await analyse('BEGIN;\nALTER TABLE measurements DETACH PARTITION measurements_2023;\nCOMMIT;');
      assert.strictEqual(firstHazard(inTransaction, 'migration-detach-partition-not-concurrent').fixes, undefined);
    });

    it('does not report CONCURRENTLY, FINALIZE, or a parent created in the migration', async () => {
      const analysis = await analyse(
        [
          'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
          'ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;',
          'CREATE TABLE events (at date) PARTITION BY RANGE (at);',
          'ALTER TABLE events DETACH PARTITION events_2023;',
        ].join('\n'),
      );
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-detach-partition-not-concurrent'), []);
    });
  });

  describe('migration-rewrites-table', () => {
    it('reports CLUSTER and VACUUM FULL, with or without a table, and suggests pg_repack', async () => {
      const text = [
        'CLUSTER orders USING orders_pkey;',
        'VACUUM FULL orders, invoices;',
        'VACUUM (FULL, ANALYZE) invoices;',
        'VACUUM FULL;',
        'CLUSTER;',
      ].join('\n');
      const analysis = await analyse(text);
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-rewrites-table'), [
        [0, 0, 0, 32],
        [1, 0, 1, 28],
        [2, 0, 2, 31],
        [3, 0, 3, 11],
        [4, 0, 4, 7],
      ]);
      const [cluster, full, , all, allClustered] = ids(analysis, 'migration-rewrites-table');
      assert.match(cluster.message, /^CLUSTER rewrites orders under an ACCESS EXCLUSIVE lock: every read and write of it waits/);
      assert.match(cluster.message, /pg_repack/);
      assert.match(full.message, /^VACUUM FULL rewrites orders, invoices under an ACCESS EXCLUSIVE lock/);
      assert.match(all.message, /every table in the database/);
      assert.match(allClustered.message, /every table clustered before/);
    });

    it('does not report a plain VACUUM or a table created earlier in the migration', async () => {
      const analysis = await analyse(
        ['VACUUM ANALYZE orders;', 'CREATE TABLE drafts (id bigint);', 'VACUUM FULL drafts;', 'CLUSTER drafts;'].join('\n'),
      );
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-rewrites-table'), []);
    });
  });

  describe('migration-truncates-table', () => {
    it('reports TRUNCATE as data loss that cannot be undone, and what CASCADE adds', async () => {
      const analysis = await analyse('TRUNCATE order_events;\nTRUNCATE customers, orders CASCADE;');
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-truncates-table'), [
        [0, 0, 0, 21],
        [1, 0, 1, 34],
      ]);
      const [plain, cascade] = ids(analysis, 'migration-truncates-table');
      assert.match(plain.message, /^TRUNCATE empties order_events and cannot be undone/);
      assert.doesNotMatch(plain.message, /CASCADE/);
      assert.match(cascade.message, /^TRUNCATE empties customers, orders and cannot be undone/);
      assert.match(cascade.message, /CASCADE also empties every table with a foreign key to them/);
      assert.strictEqual(cascade.severity, 'error');
    });

    it('does not report a table created in the migration, nor a down migration (migration-down-destroys-data judges it)', async () => {
      const created = await analyse('CREATE TABLE staging (id bigint);\nTRUNCATE staging;');
      assert.deepStrictEqual(hazardRanges(created, 'migration-truncates-table'), []);
      const down = await analyse('TRUNCATE order_events;', { role: 'down' });
      assert.deepStrictEqual(hazardRanges(down, 'migration-truncates-table'), []);
      assert.deepStrictEqual(hazardRanges(down, 'migration-down-destroys-data'), [[0, 0, 0, 21]]);
    });
  });

  describe('migration-drops-database', () => {
    it('reports DROP DATABASE in any form as something that cannot be undone', async () => {
      const analysis = await analyse('DROP DATABASE reporting;\nDROP DATABASE IF EXISTS legacy WITH (FORCE);');
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-database'), [
        [0, 0, 0, 23],
        [1, 0, 1, 43],
      ]);
      assert.match(
        firstHazard(analysis, 'migration-drops-database').message,
        /^DROP DATABASE reporting deletes the whole database and cannot be undone/,
      );
      assert.strictEqual(firstHazard(analysis, 'migration-drops-database').severity, 'error');
    });

    it('does not report DROP SCHEMA or DROP TABLE', async () => {
      const analysis = await analyse('DROP SCHEMA reporting;');
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-database'), []);
    });
  });

  describe('migration-drops-not-null', () => {
    it('reports DROP NOT NULL on an existing column at its subcommand, as breaking the old version', async () => {
      const text = "ALTER TABLE orders ALTER COLUMN note SET DEFAULT '', ALTER COLUMN shipping_address DROP NOT NULL;";
      const analysis = await analyse(text);
      const ranges = hazardRanges(analysis, 'migration-drops-not-null');
      assert.deepStrictEqual(ranges.length, 1);
      assert.strictEqual(covered(text, ranges[0]), 'ALTER COLUMN shipping_address DROP NOT NULL');
      const hazard = firstHazard(analysis, 'migration-drops-not-null');
      assert.match(hazard.message, /^Dropping NOT NULL on orders\.shipping_address breaks the old version while both run/);
      assert.strictEqual(hazard.severity, 'warning');
      assert.strictEqual(hazard.breaksOldVersion, true);
    });

    it('does not report a column added in the migration, a new table, or a down migration', async () => {
      const analysis = await analyse(
        [
          "ALTER TABLE orders ADD COLUMN coupon text NOT NULL DEFAULT '';",
          'ALTER TABLE orders ALTER COLUMN coupon DROP NOT NULL;',
          'CREATE TABLE drafts (id bigint NOT NULL);',
          'ALTER TABLE drafts ALTER COLUMN id DROP NOT NULL;',
        ].join('\n'),
      );
      assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-not-null'), []);
      const down = await analyse('ALTER TABLE orders ALTER COLUMN shipping_address DROP NOT NULL;', { role: 'down' });
      assert.deepStrictEqual(hazardRanges(down, 'migration-drops-not-null'), []);
    });
  });
});
