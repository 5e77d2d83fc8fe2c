// migration-statement-not-retryable: statements that fail when a half-applied file runs again, in the engine and
// through the CLI.

import * as assert from 'assert';
import * as path from 'path';
import { applyFixes } from '../../../src/engine/fix';
import { FIXTURES, runCli } from '../helpers';
import { analyse, config, covered, firstHazard, hazardRanges } from './helpers';
import type { PlacedFinding } from '../../../src/engine/finding';

const RULE = 'migration-statement-not-retryable';
/** Statements run one by one, as a tool that does not wrap files runs them. */
const AUTOCOMMIT = { config: config({ 'migration-work-after-lock': { options: { fileRunsInTransaction: false } } }) };

const reported = async (text: string, options = AUTOCOMMIT) =>
  hazardRanges(await analyse(text, options), RULE).map((range) => covered(text, range));

describe('migration-statement-not-retryable', () => {
  it('reports each statement a retry fails on, at the statement or its subcommand, when later statements run after it commits', async () => {
    const text = [
      'CREATE TABLE regions (id bigint);',
      'CREATE INDEX regions_id_idx ON regions (id);',
      'CREATE INDEX ON regions (id);',
      'ALTER TABLE orders ADD COLUMN region text, DROP COLUMN legacy, DROP CONSTRAINT old_check;',
      'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;',
      'DROP TABLE old_orders;',
      'DROP MATERIALIZED VIEW order_stats;',
      'CREATE SEQUENCE invoice_numbers;',
      'CREATE SCHEMA billing;',
      'CREATE EXTENSION pgcrypto;',
      'CREATE VIEW recent_orders AS SELECT 1;',
      'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      "CREATE TYPE mood AS ENUM ('ok');",
      "ALTER TYPE mood ADD VALUE 'great';",
      'CREATE TABLE drafts AS SELECT 1;',
      'SELECT 1;',
    ].join('\n');
    assert.deepStrictEqual(await reported(text), [
      'CREATE TABLE regions (id bigint)',
      'CREATE INDEX regions_id_idx ON regions (id)',
      'CREATE INDEX ON regions (id)',
      'ADD COLUMN region text',
      'DROP COLUMN legacy',
      'DROP CONSTRAINT old_check',
      'ADD CONSTRAINT positive CHECK (total > 0) NOT VALID',
      'DROP TABLE old_orders',
      'DROP MATERIALIZED VIEW order_stats',
      'CREATE SEQUENCE invoice_numbers',
      'CREATE SCHEMA billing',
      'CREATE EXTENSION pgcrypto',
      'CREATE VIEW recent_orders AS SELECT 1',
      'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      "CREATE TYPE mood AS ENUM ('ok')",
      "ALTER TYPE mood ADD VALUE 'great'",
      'CREATE TABLE drafts AS SELECT 1',
    ]);
    const first = firstHazard(await analyse(text, AUTOCOMMIT), RULE);
    assert.strictEqual(
      first.message,
      'CREATE TABLE regions runs outside a transaction and is committed before line 2 runs: if anything from there on fails, the file is left half applied and the retry fails with "already exists". Use CREATE TABLE IF NOT EXISTS.',
    );
  });

  it('does not report the last statement, re-runnable forms, temporary tables, or a file that runs as one transaction', async () => {
    const guarded = [
      'CREATE TABLE IF NOT EXISTS regions (id bigint);',
      'CREATE TEMP TABLE scratch (id bigint);',
      'CREATE INDEX IF NOT EXISTS regions_id_idx ON regions (id);',
      'ALTER TABLE orders ADD COLUMN IF NOT EXISTS region text, DROP COLUMN IF EXISTS legacy, DROP CONSTRAINT IF EXISTS positive;',
      'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;',
      'DROP TABLE IF EXISTS old_orders;',
      'CREATE OR REPLACE VIEW recent_orders AS SELECT 1;',
      "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great';",
      'CREATE TABLE last_one (id bigint);',
    ].join('\n');
    assert.deepStrictEqual(await reported(guarded), []);
    // The same statements without guards, in a file the tool wraps in one transaction: a failure rolls back all of it.
    const wrapped = ['CREATE TABLE regions (id bigint);', 'ALTER TABLE orders ADD COLUMN region text;', 'DROP TABLE old_orders;'].join(
      '\n',
    );
    assert.deepStrictEqual(await reported(wrapped, { config: config() }), []);
    assert.strictEqual((await reported(wrapped)).length, 2);
  });

  it('in a file of several BEGIN ... COMMIT blocks, reports what an earlier block commits, not the last block or one rolled back', async () => {
    const text = [
      'BEGIN;',
      'CREATE TABLE regions (id bigint);',
      'COMMIT;',
      'BEGIN;',
      'CREATE TABLE scratch (id bigint);',
      'ROLLBACK;',
      'BEGIN;',
      'ALTER TABLE orders ADD COLUMN region text;',
      'COMMIT;',
    ].join('\n');
    const analysis = await analyse(text, { config: config() });
    assert.deepStrictEqual(
      hazardRanges(analysis, RULE).map((range) => covered(text, range)),
      ['CREATE TABLE regions (id bigint)'],
    );
    assert.match(firstHazard(analysis, RULE).message, /^CREATE TABLE regions is committed with its transaction before line 5 runs/);
  });

  it('reports CREATE INDEX CONCURRENTLY even last in its file, since a failed build leaves an INVALID index, unless a guarded drop precedes it', async () => {
    const alone = '  CREATE INDEX CONCURRENTLY "Orders_Region" ON billing.orders (region);';
    // Alone in its file, as tools that send a file as one query require: no statement of the file could drop the leftover.
    assert.deepStrictEqual(await reported(alone, { config: config() }), []);
    const last = ["  SET lock_timeout = '2s';", alone].join('\n');
    const analysis = await analyse(last, { config: config() });
    const hazard = firstHazard(analysis, RULE);
    assert.match(
      hazard.message,
      /^If CREATE INDEX CONCURRENTLY Orders_Region fails, the retry fails with "already exists": .* leaves an INVALID index/,
    );
    assert.match(hazard.message, /Use DROP INDEX CONCURRENTLY IF EXISTS billing\."Orders_Region" before it/);
    assert.strictEqual(
      applyFixes(last, [hazard], false).text,
      [
        "  SET lock_timeout = '2s';",
        '  DROP INDEX CONCURRENTLY IF EXISTS billing."Orders_Region";',
        '  CREATE INDEX CONCURRENTLY "Orders_Region" ON billing.orders (region);',
      ].join('\n'),
    );
    const dropped = [
      'DROP INDEX CONCURRENTLY IF EXISTS orders_region;',
      'CREATE INDEX CONCURRENTLY orders_region ON orders (region);',
    ].join('\n');
    assert.deepStrictEqual(await reported(dropped, { config: config() }), []);
  });

  it('offers fixes, not marked safe, that make the file re-runnable: checked again, nothing is reported', async () => {
    const text = [
      'CREATE TABLE regions (id bigint);',
      'CREATE UNIQUE INDEX CONCURRENTLY regions_id_idx ON regions (id);',
      'ALTER TABLE orders ADD region text, DROP COLUMN legacy, DROP CONSTRAINT old_check;',
      'DROP INDEX CONCURRENTLY orders_old_idx;',
      'DROP MATERIALIZED VIEW order_stats;',
      'CREATE SEQUENCE invoice_numbers;',
      'CREATE VIEW recent_orders AS SELECT 1;',
      "ALTER TYPE mood ADD VALUE 'great' BEFORE 'ok';",
      "ALTER TYPE mood ADD VALUE 'fine';",
      'SELECT 1;',
    ].join('\n');
    const analysis = await analyse(text, AUTOCOMMIT);
    const hazards = analysis.hazards.filter((h) => h.ruleId === RULE);
    assert.strictEqual(hazards.length, 11);
    assert.ok(hazards.every((h) => h.fixes?.length === 1 && h.fixes[0].safe === false));
    const fixed = applyFixes(text, hazards, false).text;
    assert.strictEqual(
      fixed,
      [
        'CREATE TABLE IF NOT EXISTS regions (id bigint);',
        'DROP INDEX CONCURRENTLY IF EXISTS regions_id_idx;',
        'CREATE UNIQUE INDEX CONCURRENTLY regions_id_idx ON regions (id);',
        'ALTER TABLE orders ADD IF NOT EXISTS region text, DROP COLUMN IF EXISTS legacy, DROP CONSTRAINT IF EXISTS old_check;',
        'DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx;',
        'DROP MATERIALIZED VIEW IF EXISTS order_stats;',
        'CREATE SEQUENCE IF NOT EXISTS invoice_numbers;',
        'CREATE OR REPLACE VIEW recent_orders AS SELECT 1;',
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great' BEFORE 'ok';",
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'fine';",
        'SELECT 1;',
      ].join('\n'),
    );
    assert.deepStrictEqual(await reported(fixed), []);
  });

  it('gives no fix where PostgreSQL has no guarded form: ADD CONSTRAINT, CREATE TYPE, an unnamed index', async () => {
    const text = [
      'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;',
      "CREATE TYPE mood AS ENUM ('ok');",
      'CREATE INDEX ON orders (region);',
      'SELECT 1;',
    ].join('\n');
    const hazards = (await analyse(text, AUTOCOMMIT)).hazards.filter((h) => h.ruleId === RULE);
    assert.deepStrictEqual(
      hazards.map((h) => h.fixes),
      [undefined, undefined, undefined],
    );
    assert.match(hazards[0].message, /Use ALTER TABLE orders DROP CONSTRAINT IF EXISTS positive before it/);
    assert.match(hazards[1].message, /PostgreSQL has no CREATE TYPE IF NOT EXISTS/);
    assert.match(hazards[2].message, /the retry builds a second, identical index/);
  });
});

describe('stagegate check: migration-statement-not-retryable', () => {
  it('reports a file CONCURRENTLY makes run statement by statement and an earlier BEGIN ... COMMIT block, not a wrapped file', async () => {
    const { code, stdout } = await runCli(['check', path.join('migrations', 'retry'), '--format', 'json'], FIXTURES);
    assert.strictEqual(code, 0);
    const rows = (JSON.parse(stdout) as PlacedFinding[])
      .filter((row) => row.ruleId === RULE)
      .map((row) => `${row.file}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.severity} ${row.message.slice(0, 60)}`);
    assert.deepStrictEqual(rows, [
      'retry/0001_regions.sql:4:1-4:65 warning CREATE TABLE regions runs outside a transaction and is commi',
      'retry/0001_regions.sql:5:1-5:61 warning If CREATE INDEX CONCURRENTLY regions_name_idx fails, the ret',
      'retry/0003_two_blocks.sql:3:20-3:42 warning ADD COLUMN region to orders is committed with its transactio',
    ]);
  });
});
