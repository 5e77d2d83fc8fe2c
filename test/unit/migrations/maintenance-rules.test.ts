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
});
