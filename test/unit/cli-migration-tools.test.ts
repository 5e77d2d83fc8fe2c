// `stagegate check` with the tool that runs the migrations: each tool's transaction model and comment directives,
// the tool read from marker files (and what --verbose says of it), and the workspace-wide postgresVersion.

import * as assert from 'assert';
import { FIXTURES, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

async function check(...args: string[]): Promise<{ code: number; rows: PlacedFinding[]; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['check', ...args, '--format', 'json'], FIXTURES);
  return { code, rows: code === 2 ? [] : (JSON.parse(stdout) as PlacedFinding[]), stderr };
}

/** `file:line:column ruleId` of the findings of one rule, the file from the tool's folder. */
function at(rows: PlacedFinding[], ruleId = 'migration-concurrent-in-transaction'): string[] {
  return rows.filter((row) => row.ruleId === ruleId).map((row) => `${row.file.replace(/^[^/]+\//, '')}:${row.line}:${row.column}`);
}

function messages(rows: PlacedFinding[], ruleId = 'migration-concurrent-in-transaction'): string[] {
  return rows.filter((row) => row.ruleId === ruleId).map((row) => row.message);
}

const tools = (tool: string) => `migration-tools/${tool}`;

describe('stagegate check: the migration tool decides the transaction model', () => {
  it('Flyway: a script mixing CONCURRENTLY with other statements fails; alone, or with executeInTransaction=false in its .sql.conf, it passes', async () => {
    const { code, rows } = await check(tools('flyway'));
    assert.strictEqual(code, 1);
    // V2 mixes; V3 holds only the CONCURRENTLY statement; V4 mixes but its V4__orders_source.sql.conf turns the transaction off.
    assert.deepStrictEqual(at(rows), ['db/migration/V2__orders_region.sql:3:14']);
    const [message] = messages(rows);
    assert.match(
      message,
      /^CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and Flyway runs each migration in a transaction/,
    );
    assert.match(message, /\(assumed from \.\.\/\.\.\/flyway\.toml\)/);
    assert.match(message, /add executeInTransaction=false to V2__orders_region\.sql\.conf beside it/);
    // Wrapped in one transaction, the ALTER TABLE's lock is held while the rest of V2 runs; V4 runs statement by statement.
    assert.deepStrictEqual(at(rows, 'migration-work-after-lock'), ['db/migration/V2__orders_region.sql:3:1']);
    assert.match(
      messages(rows, 'migration-work-after-lock')[0],
      / Flyway runs each migration in a transaction \(assumed from \.\.\/\.\.\/flyway\.toml\)\. /,
    );
  });

  it('golang-migrate: a file of several statements is one implicit transaction; a file of one statement runs outside any', async () => {
    const { rows } = await check(tools('golang-migrate'));
    assert.deepStrictEqual(at(rows), ['migrations/000004_users_email_idx.up.sql:2:14']);
    assert.match(
      messages(rows)[0],
      /golang-migrate sends the whole file to PostgreSQL as one query, which PostgreSQL runs as one implicit transaction/,
    );
    assert.match(messages(rows)[0], /assumed from its name, golang-migrate's NNN_name\.up\.sql/);
    assert.match(messages(rows)[0], /x-multi-statement=true/);
  });

  it('dbmate: each section runs in a transaction unless transaction:false; a transaction:false section of several statements is still one query', async () => {
    const { rows } = await check(tools('dbmate'));
    assert.deepStrictEqual(at(rows), [
      'db/migrations/20240301090000_invoices_due_idx.sql:2:14',
      'db/migrations/20240301090000_invoices_due_idx.sql:5:12',
      'db/migrations/20240303090000_invoices_customer_idx.sql:3:14',
    ]);
    assert.match(messages(rows)[0], /dbmate runs each migration in a transaction \(assumed from its -- migrate:up marker\)/);
    assert.match(messages(rows)[0], /Write -- migrate:up transaction:false/);
    assert.match(messages(rows)[2], /dbmate sends a transaction:false section to PostgreSQL as one query/);
  });

  it('goose: wrapped unless -- +goose NO TRANSACTION', async () => {
    const { rows } = await check(tools('goose'));
    assert.deepStrictEqual(at(rows), ['migrations/00007_events_kind_idx.sql:2:14', 'migrations/00007_events_kind_idx.sql:5:12']);
    assert.match(messages(rows)[0], /goose runs each migration in a transaction .*Add -- \+goose NO TRANSACTION to the file\./);
  });

  it('Atlas: each file in a transaction unless -- atlas:txmode none', async () => {
    const { rows } = await check(tools('atlas'));
    assert.deepStrictEqual(at(rows), ['migrations/20240401000000_accounts_plan_idx.sql:1:14']);
    assert.match(messages(rows)[0], /Atlas runs each migration file in a transaction .*\(assumed from \.\.\/atlas\.hcl\)/);
  });

  it('sqlx (set in .stagegate.yaml): wrapped unless the file starts with -- no-transaction', async () => {
    const { rows } = await check(tools('sqlx'));
    assert.deepStrictEqual(at(rows), ['migrations/20240501000000_entries_account_idx.sql:1:14']);
    assert.match(messages(rows)[0], /sqlx runs each migration in a transaction \(set by migrations\.tool in \.stagegate\.yaml\)/);
  });

  it('diesel: wrapped unless metadata.toml beside up.sql says run_in_transaction = false', async () => {
    const { rows } = await check(tools('diesel'));
    assert.deepStrictEqual(at(rows), [
      'migrations/2024-06-01-000000_posts_author_idx/down.sql:1:12',
      'migrations/2024-06-01-000000_posts_author_idx/up.sql:1:14',
    ]);
    assert.match(messages(rows)[0], /diesel runs each migration in a transaction \(assumed from \.\.\/\.\.\/diesel\.toml\)/);
  });

  it('Liquibase formatted SQL: each changeset in a transaction unless runInTransaction:false', async () => {
    const { rows } = await check(tools('liquibase'));
    assert.deepStrictEqual(at(rows), ['changelog/changes.sql:7:14']);
    assert.match(messages(rows)[0], /Liquibase runs each changeset in a transaction .*Add runInTransaction:false to its --changeset line/);
  });

  it('Prisma Migrate: migration.sql is one script, one implicit transaction when it holds several statements', async () => {
    const { rows } = await check(tools('prisma'));
    assert.deepStrictEqual(at(rows), [
      'prisma/migrations/20240701000000_orders_idx/migration.sql:2:14',
      'prisma/migrations/20240701000000_orders_idx/migration.sql:5:14',
    ]);
    assert.match(messages(rows)[0], /\(assumed from \.\.\/migration_lock\.toml\)/);
  });

  it('Django and Rails (set in .stagegate.yaml) wrap every migration: the setting to turn it off lives in the Python or Ruby migration', async () => {
    const django = await check(tools('django'));
    assert.deepStrictEqual(at(django.rows), ['shop/migrations/sql/0004_item_sku_idx.sql:1:14']);
    assert.match(
      messages(django.rows)[0],
      /Django runs each migration in a transaction on PostgreSQL \(set by migrations\.tool in \.stagegate\.yaml\).*atomic = False/,
    );
    const rails = await check(tools('rails'), '--config', 'migration-tools/configs/rails.stagegate.yaml');
    assert.deepStrictEqual(at(rails.rows), ['db/migrate/sql/20240901000000_users_login_idx.sql:1:14']);
    assert.match(messages(rails.rows)[0], /disable_ddl_transaction!/);
  });

  it('bin/rails or manage.py is no marker: a Rails or Django project holds SQL its framework does not run', async () => {
    const { rows, stderr } = await check(tools('rails'), '--verbose');
    assert.deepStrictEqual(at(rows), []);
    assert.match(stderr, /20240901000000_users_login_idx\.sql: SQL migration, by its name; no migration tool known/);
  });

  it('sqitch and raw run statements one by one: CONCURRENTLY outside BEGIN ... COMMIT passes', async () => {
    assert.deepStrictEqual(at((await check(tools('sqitch'))).rows), []);
    assert.deepStrictEqual(at((await check(tools('raw'))).rows), []);
  });

  it('migrations.tool wins over marker files', async () => {
    const { rows } = await check(tools('flyway'), '--config', 'migration-tools/configs/raw.stagegate.yaml');
    assert.deepStrictEqual(at(rows), []);
    assert.deepStrictEqual(at(rows, 'migration-work-after-lock'), []);
  });

  it('fileRunsInTransaction: false still makes every file run statement by statement, whatever the tool', async () => {
    const { rows } = await check(tools('flyway'), '--config', 'migration-tools/configs/flyway-statement-by-statement.stagegate.yaml');
    assert.deepStrictEqual(at(rows), []);
    assert.deepStrictEqual(at(rows, 'migration-work-after-lock'), []);
  });

  it('BEGIN ... COMMIT written in the file still says where the transaction is, with any tool', async () => {
    const { rows } = await check('migrations/concurrent-in-transaction.sql', '--config', 'migration-tools/configs/raw.stagegate.yaml');
    assert.ok(at(rows).length > 0, 'the explicit transaction is still reported');
    assert.ok(
      messages(rows).every((message) => /Move it out of BEGIN \.\.\. COMMIT/.test(message)),
      messages(rows).join('\n'),
    );
  });
});

describe('stagegate check --verbose: which tool was assumed, and from what', () => {
  it('names the tool and the marker file it was read from, the file name, or the setting', async () => {
    const flyway = await check(tools('flyway'), '--verbose');
    assert.match(
      flyway.stderr,
      /read flyway\/db\/migration\/V2__orders_region\.sql: SQL migration, by its name; run by Flyway \(assumed from \.\.\/\.\.\/flyway\.toml\)/,
    );
    const golang = await check(tools('golang-migrate'), '--verbose');
    assert.match(
      golang.stderr,
      /000005_users_name_idx\.up\.sql: .*; run by golang-migrate \(assumed from its name, golang-migrate's NNN_name\.up\.sql\)/,
    );
    const sqlx = await check(tools('sqlx'), '--verbose');
    assert.match(sqlx.stderr, /; run by sqlx \(set by migrations\.tool in \.stagegate\.yaml\)/);
  });

  it("the nearest folder with markers wins: atlas.hcl beside a service's migrations over the repository's flyway.toml", async () => {
    const { rows, stderr } = await check(tools('nearest'), '--verbose');
    assert.match(stderr, /billing\/migrations\/20240101000000_charges_card_idx\.sql: .*; run by Atlas \(assumed from \.\.\/atlas\.hcl\)/);
    assert.match(
      stderr,
      /search\/db\/migration\/V1__queries_term_idx\.sql: .*; run by Flyway \(assumed from \.\.\/\.\.\/\.\.\/flyway\.toml\)/,
    );
    // Atlas wraps a file whatever it holds; Flyway runs a script of CONCURRENTLY alone without a transaction.
    assert.deepStrictEqual(at(rows), ['billing/migrations/20240101000000_charges_card_idx.sql:1:14']);
  });

  it("two tools' markers in one folder: none is assumed, and --verbose says why; the file is judged as with no tool", async () => {
    const { rows, stderr } = await check(tools('conflict'), '--verbose');
    assert.match(
      stderr,
      /V1__tickets_state_idx\.sql: SQL migration, by its name; no migration tool assumed: \.\.\/flyway\.conf and \.\.\/atlas\.hcl name two tools \(flyway, atlas\); set migrations\.tool in \.stagegate\.yaml/,
    );
    // With no tool known, a file whose only statement cannot run in a transaction is taken to run without one.
    assert.deepStrictEqual(at(rows), []);
  });

  it('no marker at all: --verbose says no tool is known', async () => {
    const plain = await check('migration-tools/postgres-version', '--verbose');
    assert.match(
      plain.stderr,
      /0001_measurements_detach\.sql: SQL migration, by its name; no migration tool known: one transaction per file unless a statement cannot run in one/,
    );
  });
});

describe('migrations.postgresVersion: one version for every rule', () => {
  const detach = (rows: PlacedFinding[]) => messages(rows, 'migration-detach-partition-not-concurrent')[0] ?? '';
  const volatile = (rows: PlacedFinding[]) => messages(rows, 'migration-adds-volatile-default');

  it('without it, rules assume PostgreSQL 15: DETACH PARTITION has a concurrent form, a constant default is no rewrite', async () => {
    const { rows } = await check(tools('postgres-version'), '--config', 'migration-tools/configs/empty.stagegate.yaml');
    assert.match(detach(rows), /Use DETACH PARTITION measurements_2023 CONCURRENTLY/);
    assert.deepStrictEqual(volatile(rows), []);
  });

  it("migrations.postgresVersion: 13 is every rule's default", async () => {
    const { rows } = await check(tools('postgres-version'));
    assert.match(detach(rows), /PostgreSQL 13 has no concurrent form/);
    const ten = await check(tools('postgres-version'), '--config', 'migration-tools/configs/postgres-10.stagegate.yaml');
    assert.match(volatile(ten.rows)[0] ?? '', /before PostgreSQL 11 \(postgresVersion is 10\)/);
  });

  it("a rule's own postgresVersion option wins over migrations.postgresVersion", async () => {
    const { rows } = await check(tools('postgres-version'), '--config', 'migration-tools/configs/rule-wins.stagegate.yaml');
    assert.match(detach(rows), /Use DETACH PARTITION measurements_2023 CONCURRENTLY/);
  });

  it('an unknown tool, a postgresVersion that is not a whole number and an unknown key are reported, not used', async () => {
    const { stderr } = await check(tools('flyway'), '--config', 'migration-tools/configs/bad.stagegate.yaml');
    assert.match(stderr, /migrations\.tool: "mybatis" is not a tool Stagegate knows \(golang-migrate, dbmate, flyway,/);
    assert.match(stderr, /migrations\.postgresVersion: "16" is not a PostgreSQL major version/);
    assert.match(stderr, /migrations\.glob is not a setting \(globs, tool, postgresVersion\)/);
  });
});
