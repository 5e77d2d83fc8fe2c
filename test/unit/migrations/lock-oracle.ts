// The static lock model against a real PostgreSQL: for every migration rule's doc examples and every SQL fixture,
// statement by statement, the locks the model says a statement takes (MigrationStatement.locks) and the locks and
// rewrites the rules' findings state (Finding.effects) are compared with what `stagegate trace` observes.
//
// What is compared, per statement, on the tables that existed before its migration file ran:
// - locks: the strongest mode per table, from SHARE UPDATE EXCLUSIVE up. Weaker modes (ACCESS SHARE for a read,
//   ROW EXCLUSIVE for a write) are what every query takes: the model does not describe them. Locks on indexes and
//   sequences are left out: the model speaks of tables.
// - effects: each lock a finding states must be the strongest mode observed on its table, and the tables whose
//   storage is replaced must be those a finding says the statement rewrites.
//
// Tables an example does not create must exist first. Doc pages: the objects of BASE_SCHEMA that the example names
// and does not create itself. Everything else is made when PostgreSQL asks for it: a missing table as
// `(id bigint)`, a missing column as `text`, a missing schema, each created before the statement is retried and counted
// as existing before the migration. The tables hold no rows: locks and rewrites do not depend on rows.

import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig } from '../../../src/engine/config/config';
import type { Finding } from '../../../src/engine/finding';
import { migrationPlace, migrationSections } from '../../../src/engine/formats/migration-roles';
import { relationName } from '../../../src/engine/sql/ast';
import { MigrationModel } from '../../../src/engine/sql/model';
import { loadSqlParser } from '../../../src/engine/sql/parser';
import { readStatements } from '../../../src/engine/sql/read-statements';
import { LOCK_NAMES, type LockMode, type MigrationStatement } from '../../../src/engine/sql/statement';
import { maskTemplates } from '../../../src/engine/sql/templates';
import { LineIndex } from '../../../src/engine/text/line-index';
import { analyseMigration } from '../../../src/engine/workspace/analyse-migration';
import { openPglite, openServer, postgresError, type TraceDatabase } from '../../../src/node/trace/database';
import { lockLevel, traceMigrations, type LockModeName, type TracedStatement } from '../../../src/node/trace/trace';

/**
 * The objects examples name, each created when an example names one of `names` and does not create it itself. Doc
 * pages and fixtures share them: they speak of the same orders, users and authors.
 */
export const BASE_SCHEMA: { names: string[]; sql: string }[] = [
  {
    names: ['orders', 'orders_customer_id_idx'],
    sql: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text, total integer, legacy text,
      shipping_address text NOT NULL, created_at timestamptz);
      CREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
  },
  { names: ['users'], sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' },
  { names: ['authors'], sql: 'CREATE TABLE authors (id bigint PRIMARY KEY, name text);' },
  { names: ['accounts'], sql: 'CREATE TABLE accounts (id bigint, legacy_code text);' },
  { names: ['prices'], sql: 'CREATE TABLE prices (id bigint PRIMARY KEY, amount integer);' },
  { names: ['bookings'], sql: 'CREATE TABLE bookings (id bigint PRIMARY KEY, room_id bigint NOT NULL, during tstzrange NOT NULL);' },
  {
    names: ['measurements', 'measurements_2023'],
    sql: `CREATE TABLE measurements (id bigint, taken_on date) PARTITION BY RANGE (taken_on);
      CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');`,
  },
  { names: ['measurements_2024'], sql: 'CREATE TABLE measurements_2024 (id bigint, taken_on date);' },
  { names: ['audit_log'], sql: 'CREATE TABLE audit_log (id bigint, entry text);' },
  { names: ['customers'], sql: 'CREATE TABLE customers (id bigint PRIMARY KEY, name text);' },
  { names: ['order_events'], sql: 'CREATE TABLE order_events (id bigint, order_id bigint, created_at timestamptz);' },
  // A domain is checked in the tables whose columns use it.
  { names: ['email'], sql: 'CREATE DOMAIN email AS text; CREATE TABLE subscribers (id bigint, address email);' },
  { names: ['order_status'], sql: "CREATE TYPE order_status AS ENUM ('placed', 'paid', 'cancelled');" },
];

export interface KnownDifference {
  /** The statements it covers, whitespace collapsed, as the table prints them. */
  statement: RegExp;
  /** The difference as the table prints it. */
  difference: RegExp;
  why: string;
}

interface ExampleFile {
  /** Where it comes from: `docs/rules/<id>.md (bad)`, or a fixture's path. */
  path: string;
  text: string;
}

export interface Example {
  name: string;
  files: ExampleFile[];
}

export interface Row {
  example: string;
  file: string;
  line: number;
  sql: string;
  /** `table MODE, ...` or `none`. */
  model: string;
  observed: string;
  stated: string;
  rewrites: string;
  status: 'agrees' | 'known' | 'differs' | 'not compared';
  /** Each difference, or why the statement was not compared. */
  notes: string[];
}

/** A PostgreSQL the table is observed on: PGlite, or a server. */
export interface Oracle {
  name: string;
  /** Runs setup SQL, committed. */
  run(sql: string): Promise<void>;
  /** Observes one statement, leaving it applied when PostgreSQL accepted it. */
  trace(sql: string): Promise<TracedStatement>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function pgliteOracle(): Promise<Oracle> {
  const db = await openPglite();
  return {
    name: db.label,
    run: async (sql) => void (await db.query(sql)),
    trace: async (sql) =>
      (await traceMigrations([{ path: '/oracle/0001_statement.sql', display: 'statement', text: sql }], db)).statements[0],
    query: (sql) => db.query(sql),
    close: () => db.close(),
  };
}

/**
 * A server: trace there runs in one transaction that it rolls back, so each statement is traced alone in a fresh one
 * (locks an earlier statement of the run took would hide its own), then applied, committed, for the next.
 */
export async function serverOracle(url: string): Promise<Oracle> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const version = String((await admin.query('SHOW server_version')).rows[0]?.server_version ?? '?').split(' ')[0];
  const query = async (sql: string) => {
    const result = await admin.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as Record<string, unknown>[];
  };
  return {
    name: `PostgreSQL ${version} server`,
    run: async (sql) => void (await query(sql)),
    async trace(sql) {
      const database: TraceDatabase = await openServer(url, { allow: true });
      let traced: TracedStatement;
      try {
        traced = (await traceMigrations([{ path: '/oracle/0001_statement.sql', display: 'statement', text: sql }], database)).statements[0];
      } finally {
        await database.close();
      }
      if (traced.status !== 'traced' && traced.status !== 'not-traced') return traced;
      if (traced.status === 'not-traced' && !/cannot run inside a transaction/.test(traced.note ?? '')) return traced;
      // Applied for the statements after it; a statement that refuses a transaction block has its rewrites seen here.
      const before = await filenodes(query);
      try {
        await query(sql);
      } catch (error) {
        return { ...traced, status: 'failed', error: postgresError(error) };
      }
      if (traced.status === 'traced') return traced;
      const after = await filenodes(query);
      const rewrites = [...before].filter(([name, node]) => after.has(name) && after.get(name) !== node).map(([name]) => name);
      return { ...traced, status: 'outside-transaction', rewrites: rewrites.sort() };
    },
    query,
    close: () => admin.end(),
  };
}

async function filenodes(query: Oracle['query']): Promise<Map<string, number>> {
  const rows = await query(RELATIONS);
  return new Map(rows.filter((row) => Number(row.filenode) !== 0).map((row) => [String(row.name), Number(row.filenode)]));
}

/** User relations as trace names them (schema-qualified unless in public), with their kind and storage file. */
const RELATIONS = `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
  c.relkind::text AS kind, pg_relation_filenode(c.oid)::int AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'`;

/** Drops every user schema and what it holds, and the public schema's objects: each example starts empty. */
async function reset(oracle: Oracle): Promise<void> {
  const schemas = await oracle.query(
    `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname !~ '^pg_'`,
  );
  const drops = schemas.map((row) => `DROP SCHEMA "${String(row.nspname)}" CASCADE;`).join(' ');
  await oracle.run(`${drops} DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
}

/** The tables (plain, partitioned, materialised views) that exist now. */
async function tables(oracle: Oracle): Promise<Set<string>> {
  const rows = await oracle.query(RELATIONS);
  return new Set(rows.filter((row) => ['r', 'p', 'm'].includes(String(row.kind))).map((row) => String(row.name)));
}

/** A column PostgreSQL asks for, typed by its name the way schemas usually are: ids as bigint, times, amounts. */
function columnType(name: string): string {
  if (/(^|_)id$/.test(name)) return 'bigint';
  if (/_at$/.test(name)) return 'timestamptz';
  if (/^(amount|total|count|quantity|price)/.test(name)) return 'bigint';
  return 'text';
}

function quoted(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** What PostgreSQL asked for, made so that the statement can run: a missing schema, table, column, index or type. */
function heal(traced: TracedStatement, statement: MigrationStatement): string | undefined {
  const message = traced.error?.message ?? '';
  const schema = /^schema "([^"]+)" does not exist/.exec(message);
  if (schema) return `CREATE SCHEMA ${quoted(schema[1])};`;
  const index = /^index "([^"]+)"(?: for table "([^"]+)")? does not exist/.exec(message);
  const reindex = statement.as('ReindexStmt');
  const missing = /^(?:relation|table) "([^"]+)" does not exist/.exec(message);
  const indexStatement = statement.as('DropStmt')?.removeType === 'OBJECT_INDEX' || reindex?.kind === 'REINDEX_OBJECT_INDEX';
  if (index || (missing && indexStatement)) {
    // An index of a table the statement names, or of a table of its own when the statement names none.
    const name = index?.[1] ?? missing![1];
    const table = index?.[2] ?? statementTable(statement) ?? `${name}_table`;
    return `CREATE TABLE IF NOT EXISTS ${quoted(table)} (id bigint); CREATE UNIQUE INDEX ${quoted(name)} ON ${quoted(table)} (id);`;
  }
  if (missing) return `CREATE TABLE ${quoted(missing[1])} (id bigint);`;
  const column = /^column "([^"]+)"(?: of relation "([^"]+)")?(?: named in key| referenced in foreign key constraint)? does not exist/.exec(
    message,
  );
  if (column) {
    const relation = column[2] ?? statementTable(statement);
    if (relation) return `ALTER TABLE ${quoted(relation)} ADD COLUMN "${column[1]}" ${columnType(column[1])};`;
  }
  // The model takes a column the migration adds for a new one: one the setup made too early is dropped first.
  const exists = /^column "([^"]+)" of relation "([^"]+)" already exists/.exec(message);
  if (exists) return `ALTER TABLE ${quoted(exists[2])} DROP COLUMN "${exists[1]}" CASCADE;`;
  const unique = /^there is no unique constraint matching given keys for referenced table "([^"]+)"/.exec(message);
  if (unique) return `ALTER TABLE ${quoted(unique[1])} ADD PRIMARY KEY (id);`;
  const type = /^type "([^"]+)" does not exist/.exec(message);
  if (type && statement.kind === 'AlterDomainStmt') return `CREATE DOMAIN ${quoted(type[1])} AS text;`;
  return undefined;
}

/** The table a statement is about, for a missing column PostgreSQL names without its table. */
function statementTable(statement: MigrationStatement): string | undefined {
  const relation =
    statement.as('IndexStmt')?.relation ??
    statement.as('AlterTableStmt')?.relation ??
    statement.as('UpdateStmt')?.relation ??
    statement.as('DeleteStmt')?.relation ??
    statement.as('RenameStmt')?.relation ??
    statement.as('ClusterStmt')?.relation;
  return relationName(relation)?.key;
}

function describe(locks: Map<string, number>): string {
  return (
    [...locks]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([table, mode]) => `${table} ${LOCK_NAMES[mode as LockMode]}`)
      .join(', ') || 'none'
  );
}

function collapse(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Whether a finding sits within a statement (findings may report a narrower range). */
function within(finding: Finding, statement: MigrationStatement): boolean {
  const range = statement.range();
  const at = (p: { line: number; character: number }) => p.line * 1e6 + p.character;
  return at(finding.range.start) >= at(range.start) && at(finding.range.start) <= at(range.end);
}

/** The up statements of a migration file with their model: its up sections for a dbmate or goose file. */
function modelled(text: string): MigrationStatement[] {
  const lines = new LineIndex(text);
  const templates = maskTemplates(text);
  const sections = migrationSections(text);
  if (!sections) {
    const statements = readStatements(text, lines, 0, text.length, templates);
    new MigrationModel(statements, undefined, true);
    return statements;
  }
  return sections
    .filter((section) => section.role === 'up')
    .flatMap((section) => {
      const statements = readStatements(text, lines, section.start, section.end, templates);
      new MigrationModel(statements, undefined, section.runsInTransaction);
      return statements;
    });
}

/** Runs each example on `oracle` and compares, statement by statement. */
export async function compare(examples: Example[], oracle: Oracle, known: KnownDifference[]): Promise<Row[]> {
  await loadSqlParser();
  const config = defaultConfig('2026-11-26');
  const rows: Row[] = [];
  for (const example of examples) {
    await reset(oracle);
    const text = example.files.map((file) => file.text).join('\n');
    for (const { names, sql } of BASE_SCHEMA) {
      const named = names.some((name) => new RegExp(`\\b${name}\\b`, 'i').test(text));
      const created = new RegExp(`\\bCREATE\\s+(TABLE|DOMAIN|TYPE)\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(public\\.)?${names[0]}\\b`, 'i').test(
        text,
      );
      if (named && !created) await oracle.run(sql);
    }
    for (const file of example.files) {
      const role = migrationPlace(file.path).role;
      if (role !== 'up') continue;
      const hazards = (await analyseMigration(file.text, { config, fileName: file.path })).hazards;
      const existing = await tables(oracle);
      const templates = maskTemplates(file.text)?.spans ?? [];
      for (const statement of modelled(file.text)) {
        const sql = file.text.slice(statement.start, statement.end);
        const row: Row = {
          example: example.name,
          file: file.path,
          line: statement.line,
          sql: collapse(sql),
          model: '',
          observed: '',
          stated: '',
          rewrites: '',
          status: 'not compared',
          notes: [],
        };
        rows.push(row);
        if (statement.problem) {
          row.notes.push(`not parsed (${statement.problem.kind})`);
          continue;
        }
        // The names a template stands for are the migration tool's to fill in: PostgreSQL cannot run it as written.
        if (templates.some((span) => span.start < statement.end && span.end > statement.start)) {
          row.notes.push('holds template syntax');
          continue;
        }
        // The model names the lock of a DROP or REINDEX of an index it did not see created by the index: its table is
        // found in the database, before the statement drops it.
        const resolve = async () => {
          const model = new Map<string, number>();
          for (const lock of statement.locks) {
            let table = lock.table.key;
            if (table.startsWith('index:')) {
              const found = await oracle.query(
                `SELECT i.indrelid::regclass::text AS t FROM pg_index i WHERE i.indexrelid = to_regclass('${table.slice(6).replace(/'/g, "''")}')`,
              );
              table = found[0] ? String(found[0].t) : table;
            }
            model.set(table, Math.max(model.get(table) ?? 0, lock.mode));
          }
          return model;
        };
        let model = await resolve();
        // The model takes a table it did not see created for one that exists: so does the setup.
        const unseen = [...model.keys()].filter((table) => !table.startsWith('index:') && !existing.has(table));
        const now = unseen.length > 0 ? await tables(oracle) : existing;
        for (const table of unseen)
          if (!now.has(table)) {
            const schema = table.includes('.') ? `CREATE SCHEMA IF NOT EXISTS ${quoted(table.split('.')[0])}; ` : '';
            await oracle.run(`${schema}CREATE TABLE ${quoted(table)} (id bigint);`).then(
              () => existing.add(table),
              () => undefined,
            );
          }
        let traced = await oracle.trace(sql);
        for (let attempt = 0; attempt < 8 && traced.status === 'failed'; attempt++) {
          const made = heal(traced, statement);
          if (!made) break;
          const before = await tables(oracle);
          try {
            await oracle.run(made);
          } catch {
            break;
          }
          for (const table of await tables(oracle)) if (!before.has(table)) existing.add(table);
          model = await resolve();
          traced = await oracle.trace(sql);
        }
        if (traced.status === 'failed') {
          row.notes.push(`PostgreSQL refused it: ${traced.error?.message ?? '?'}`);
          continue;
        }
        if (traced.status === 'not-traced' && !/cannot run inside a transaction/.test(traced.note ?? '')) {
          row.notes.push(traced.note ?? 'not traced');
          continue;
        }
        const observable = traced.status === 'traced';
        const observed = new Map<string, number>();
        for (const lock of traced.locks) if (existing.has(lock.relation)) observed.set(lock.relation, lockLevel(lock.mode as LockModeName));
        const rewritten = traced.rewrites.filter((name) => existing.has(name));
        const effects = hazards
          .filter((hazard) => within(hazard, statement))
          .flatMap((hazard) => (hazard.effects ?? []).map((effect) => ({ hazard, effect })));
        const stated = effects
          .filter(({ effect }) => effect.lock !== undefined)
          .map(({ hazard, effect }) => `${effect.table} ${LOCK_NAMES[effect.lock as LockMode]} (${hazard.ruleId})`);
        const statedRewrites = [...new Set(effects.filter(({ effect }) => effect.rewrite).map(({ effect }) => effect.table))].sort();
        const comparable = (locks: Map<string, number>) => new Map([...locks].filter(([, mode]) => mode >= 4));
        row.model = describe(comparable(model));
        row.observed = observable ? describe(comparable(observed)) : 'not observable (runs outside a transaction)';
        row.stated = stated.join(', ') || 'none';
        row.rewrites = `stated ${statedRewrites.join(', ') || 'none'}; observed ${rewritten.join(', ') || 'none'}`;
        const differences: string[] = [];
        if (observable && row.model !== row.observed) differences.push(`locks: model ${row.model}, observed ${row.observed}`);
        for (const { hazard, effect } of effects) {
          if (effect.lock === undefined || !observable) continue;
          const seen = observed.get(effect.table);
          if (seen !== effect.lock)
            differences.push(
              `${hazard.ruleId} states ${LOCK_NAMES[effect.lock as LockMode]} on ${effect.table}, observed ${seen ? LOCK_NAMES[seen as LockMode] : 'none'}`,
            );
        }
        if (statedRewrites.join(', ') !== rewritten.sort().join(', ')) differences.push(`rewrites: ${row.rewrites}`);
        row.notes = differences;
        if (differences.length === 0) row.status = 'agrees';
        else {
          const explained = differences.every((difference) =>
            known.some((entry) => entry.statement.test(row.sql) && entry.difference.test(difference)),
          );
          row.status = explained ? 'known' : 'differs';
        }
      }
    }
  }
  return rows;
}

/** The SQL files of a doc page's bad and good examples, read as scripts/docs-check.mjs reads them. */
function pageExamples(markdown: string): { bad: Map<string, string>; good: Map<string, string> } {
  const bad = new Map<string, string>();
  const good = new Map<string, string>();
  let target: Map<string, string> | undefined;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^(\*\*Bad|#{2,3} Bad)/.test(line)) target = bad;
    else if (/^(\*\*Good|#{2,3} Good)/.test(line)) target = good;
    else if (/^#{1,3} /.test(line)) target = undefined;
    const fence = /^```(yaml|yml|json|sql)\s*$/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    if (!target || fence[1] !== 'sql') continue;
    const named = /^--\s*([\w./-]+\.sql)\s*$/.exec((body[0] ?? '').trim());
    target.set(named ? named[1] : `migrations/000${target.size + 1}_example.sql`, body.join('\n') + '\n');
  }
  return { bad, good };
}

/** Every migration rule's bad and good examples (the good one replaces the bad one's files of the same name). */
export function docExamples(root: string, ruleIds: string[]): Example[] {
  const examples: Example[] = [];
  for (const id of ruleIds) {
    const page = path.join(root, 'docs', 'rules', `${id}.md`);
    const { bad, good } = pageExamples(fs.readFileSync(page, 'utf8'));
    const files = (map: Map<string, string>, which: string) =>
      [...map].map(([name, text]) => ({ path: `/docs/${id}/${which}/${name}`, text }));
    if (bad.size > 0) examples.push({ name: `${id} (bad)`, files: files(bad, 'bad') });
    if (good.size > 0) examples.push({ name: `${id} (good)`, files: files(new Map([...bad, ...good]), 'good') });
  }
  return examples;
}

/**
 * The SQL fixtures: a folder whose files are all numbered (a migration folder) is one example, its files in order;
 * any other file is an example of its own.
 */
export function fixtureExamples(root: string): Example[] {
  const fixtures = path.join(root, 'test', 'fixtures');
  const folders = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) folders.set(dir, [...(folders.get(dir) ?? []), full]);
    }
  };
  walk(fixtures);
  const examples: Example[] = [];
  for (const [dir, files] of [...folders].sort((a, b) => a[0].localeCompare(b[0]))) {
    const sorted = files.sort();
    const read = (file: string) => ({ path: path.relative(root, file), text: fs.readFileSync(file, 'utf8') });
    if (sorted.every((file) => /^(\d|V\d)/.test(path.basename(file))))
      examples.push({ name: path.relative(root, dir), files: sorted.map(read) });
    else for (const file of sorted) examples.push({ name: path.relative(root, file), files: [read(file)] });
  }
  return examples;
}

/** The table as Markdown, with its figures. */
export function table(oracle: string, rows: Row[]): string {
  const count = (status: Row['status']) => rows.filter((row) => row.status === status).length;
  const lines = [
    `# Static lock model against ${oracle}`,
    '',
    `${rows.length} statements: ${rows.length - count('not compared')} compared, ${count('agrees')} agree, ${count('known')} known differences, ${count('differs')} differ; ${count('not compared')} not compared.`,
    '',
    '| example | file:line | statement | model | observed | stated by rules | rewrites | status | notes |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const cell = (text: string) => text.replace(/\|/g, '\\|').slice(0, 160);
  for (const row of rows)
    lines.push(
      `| ${cell(row.example)} | ${cell(path.basename(row.file))}:${row.line} | ${cell(row.sql)} | ${row.model} | ${row.observed} | ${cell(row.stated)} | ${row.rewrites} | ${row.status} | ${cell(row.notes.join('; '))} |`,
    );
  return lines.join('\n') + '\n';
}
