// PostgreSQL itself (PGlite: PostgreSQL compiled to WASM) as the oracle for the transaction models of
// migration-tools.ts: each fixture migration is sent the way its tool sends it (one query, inside BEGIN ... COMMIT,
// or statement by statement), and PostgreSQL must reject it exactly when `stagegate check` reports
// migration-concurrent-in-transaction on it.

import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { PGlite } from '@electric-sql/pglite';
import { migrationSections } from '../../src/engine/formats/migration-roles';
import type { PlacedFinding } from '../../src/engine/finding';
import { FIXTURES, runCli } from './helpers';

/** How the tool hands a migration to PostgreSQL. */
type Sending = 'one query' | 'in a transaction' | 'statement by statement';

interface Case {
  tool: string;
  file: string;
  sending: Sending;
}

// The tables the fixtures' migrations index.
const SCHEMA = [
  'CREATE TABLE orders (id bigint, region text, source text, created_at timestamptz)',
  'CREATE TABLE users (id bigint, email text, name text)',
  'CREATE TABLE invoices (id bigint, due_on date, paid_at timestamptz, customer_id bigint)',
  'CREATE TABLE events (id bigint, kind text, occurred_at timestamptz)',
  'CREATE TABLE entries (id bigint, account_id bigint, posted_at timestamptz)',
  'CREATE TABLE notes (id bigint, author_id bigint)',
].join(';\n');

const CASES: Case[] = [
  // golang-migrate and a dbmate transaction:false section: the file (section) is one query.
  { tool: 'golang-migrate', file: 'migrations/000004_users_email_idx.up.sql', sending: 'one query' },
  { tool: 'golang-migrate', file: 'migrations/000005_users_name_idx.up.sql', sending: 'one query' },
  { tool: 'dbmate', file: 'db/migrations/20240302090000_invoices_paid_idx.sql', sending: 'one query' },
  { tool: 'dbmate', file: 'db/migrations/20240303090000_invoices_customer_idx.sql', sending: 'one query' },
  // dbmate, goose and sqlx wrap a migration in a transaction unless told not to.
  { tool: 'dbmate', file: 'db/migrations/20240301090000_invoices_due_idx.sql', sending: 'in a transaction' },
  { tool: 'goose', file: 'migrations/00007_events_kind_idx.sql', sending: 'in a transaction' },
  { tool: 'goose', file: 'migrations/00008_events_at_idx.sql', sending: 'statement by statement' },
  { tool: 'sqlx', file: 'migrations/20240501000000_entries_account_idx.sql', sending: 'in a transaction' },
  { tool: 'sqlx', file: 'migrations/20240502000000_entries_posted_idx.sql', sending: 'one query' },
  { tool: 'raw', file: 'migrations/0001_notes_author_idx.sql', sending: 'statement by statement' },
];

/** The up migration of a file: its up section for dbmate and goose. */
function upMigration(text: string): string {
  const up = migrationSections(text)?.find((section) => section.role === 'up');
  return up ? text.slice(up.start, up.end) : text;
}

/** Statements split at semicolons that end a line: the fixtures hold no semicolon elsewhere. */
function statements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((statement) => statement.replace(/^\s*--[^\n]*\n/gm, '').trim())
    .filter((statement) => statement !== '');
}

async function rejected(db: PGlite, sql: string, sending: Sending): Promise<string | undefined> {
  try {
    if (sending === 'one query') await db.exec(sql);
    else if (sending === 'in a transaction') await db.exec(`BEGIN;\n${sql}\nCOMMIT;`);
    else for (const statement of statements(sql)) await db.exec(statement);
    return undefined;
  } catch (error) {
    if (sending === 'in a transaction') await db.exec('ROLLBACK');
    return (error as Error).message;
  }
}

describe("the migration tools' transaction models, against PostgreSQL", function () {
  this.timeout(120_000);
  let db: PGlite;
  before(async () => {
    db = new PGlite();
    await db.exec(SCHEMA);
  });
  after(async () => db?.close());

  for (const { tool, file, sending } of CASES) {
    it(`${tool} ${file} (${sending}): PostgreSQL rejects it exactly when check reports it`, async () => {
      const folder = path.join('migration-tools', tool);
      const text = upMigration(readFileSync(path.join(FIXTURES, folder, file), 'utf8'));
      // The up section comes first in the file: a finding on one of its lines is about it.
      const upLines = text.split('\n').length;
      const { stdout } = await runCli(['check', folder, '--format', 'json'], FIXTURES);
      const reported = (JSON.parse(stdout) as PlacedFinding[]).some(
        (row) => row.ruleId === 'migration-concurrent-in-transaction' && row.file.endsWith(file) && row.line <= upLines,
      );
      const failure = await rejected(db, text, sending);
      if (failure !== undefined) assert.match(failure, /cannot run inside a transaction block/);
      assert.strictEqual(reported, failure !== undefined, failure ?? 'PostgreSQL ran it');
    });
  }
});
