// Applies up migrations in order to a database and observes what each statement did there: the locks its session held
// (pg_locks for its own backend), the relations it rewrote (pg_class.relfilenode changed) and the time it took. The
// statements are cut by the engine's reader, so lines match `check`. docs/trace.md says what is observed and how.

import { promises as fs } from 'fs';
import type { Finding, Range } from '../../engine/finding';
import { migrationPlace, migrationSections, sectionMarker } from '../../engine/formats/migration-roles';
import { MAX_FILE_BYTES } from '../../engine/limits';
import { loadSqlParser } from '../../engine/sql/parser';
import { readStatements } from '../../engine/sql/read-statements';
import type { MigrationStatement } from '../../engine/sql/statement';
import { maskTemplates } from '../../engine/sql/templates';
import { LineIndex } from '../../engine/text/line-index';
import { utf8Length } from '../../engine/text/text-facts';
import { postgresError, type PostgresError, type TraceDatabase } from './database';

/** A migration to trace: its path on disk (for its role), how reports show it, and its text. */
export interface TraceFile {
  path: string;
  display: string;
  text: string;
}

/** PostgreSQL's lock modes as its documentation writes them, weakest first (the engine's LockMode is the index + 1). */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type LockModeName = (typeof LOCK_MODES)[number];

/** 1 (ACCESS SHARE) to 8 (ACCESS EXCLUSIVE), as the engine's `LockMode`. */
export function lockLevel(mode: LockModeName): number {
  return LOCK_MODES.indexOf(mode) + 1;
}

export interface ObservedLock {
  /** Schema-qualified unless in `public`. */
  relation: string;
  /** The strongest mode the statement held on it. */
  mode: LockModeName;
}

export interface TracedStatement {
  file: string;
  /** 1-based, as `check` reports. */
  line: number;
  sql: string;
  range: Range;
  /**
   * `traced`: run and observed; `outside-transaction`: run, but only outside a transaction, so its locks could not be
   * read; `not-traced`: not run (see `note`); `failed`: PostgreSQL refused it; `not-run`: after a failure.
   */
  status: 'traced' | 'outside-transaction' | 'not-traced' | 'failed' | 'not-run';
  /** Locks on relations that existed before the statement (strongest mode per relation). */
  locks: ObservedLock[];
  /** Relations whose storage was replaced (relfilenode changed): tables and indexes rewritten. */
  rewrites: string[];
  /** Time the statement took, in milliseconds (0 when it did not run). */
  ms: number;
  note?: string;
  error?: PostgresError;
}

export interface TraceFinding {
  file: string;
  finding: Finding;
}

export interface TraceResult {
  database: string;
  statements: TracedStatement[];
  findings: TraceFinding[];
  /** Files and sections not traced, and why (down migrations, verify scripts, files too large). */
  skipped: { file: string; reason: string }[];
}

interface Relation {
  oid: number;
  name: string;
  kind: string;
  filenode: number;
}

/** Relations in user schemas (not the catalogue, toast or temporary schemas). */
const RELATIONS = `SELECT c.oid::int AS oid, CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
  c.relkind::text AS kind, pg_relation_filenode(c.oid)::int AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'`;

/** The relation locks this session holds, by relation oid. */
const HELD_LOCKS = `SELECT l.relation::int AS oid, l.mode FROM pg_locks l
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted`;

/** SQLSTATE 25001: the statement cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM...). */
const ACTIVE_SQL_TRANSACTION = '25001';

/** SQLSTATE 0A000, PGlite's answer to CREATE EXTENSION for an extension it does not carry. */
const FEATURE_NOT_SUPPORTED = '0A000';

/** Tables as findings speak of them: a plain or partitioned table or a materialised view holds rows others read. */
const TABLE_KINDS = new Set(['r', 'p', 'm']);

/**
 * Applies `files` in order to `database` and reports what each statement did. Only up migrations run: down
 * migrations, sqitch verify scripts and the down sections of dbmate and goose files are listed in `skipped`. The first
 * statement PostgreSQL refuses is reported and stops the run: later statements depend on it.
 */
export async function traceMigrations(files: TraceFile[], database: TraceDatabase): Promise<TraceResult> {
  await loadSqlParser();
  const result: TraceResult = { database: database.label, statements: [], findings: [], skipped: [] };
  let failed = false;
  for (const file of files) {
    const role = await roleOf(file.path);
    if (role !== 'up') {
      result.skipped.push({ file: file.display, reason: role === 'down' ? 'a down migration' : 'a verify script' });
      continue;
    }
    if (utf8Length(file.text) > MAX_FILE_BYTES) {
      result.skipped.push({ file: file.display, reason: `larger than the ${MAX_FILE_BYTES / (1024 * 1024)} MiB limit` });
      continue;
    }
    const lines = new LineIndex(file.text);
    const templates = maskTemplates(file.text);
    const sections = migrationSections(file.text);
    const spans = sections ? sections.filter((section) => section.role === 'up') : [{ start: 0, end: file.text.length }];
    if (sections)
      for (const section of sections.filter((candidate) => candidate.role === 'down'))
        result.skipped.push({
          file: `${file.display}:${lines.positionAt(section.start).line + 1}`,
          reason: `its ${sectionMarker(section.tool, 'down')} section, a down migration`,
        });
    // What existed before this file ran: the tables its statements may block or rewrite while they hold data.
    const before = new Map((await relations(database)).map((relation) => [relation.oid, relation]));
    for (const span of spans) {
      for (const statement of readStatements(file.text, lines, span.start, span.end, templates)) {
        const row = baseRow(file, statement);
        if (failed) {
          result.statements.push({ ...row, status: 'not-run', note: 'not run: an earlier statement failed' });
          continue;
        }
        const traced = await traceStatement(database, statement, row);
        result.statements.push(traced);
        if (traced.status === 'failed') failed = true;
        result.findings.push(...findingsOf(traced, statement, before));
      }
    }
  }
  return result;
}

type BaseRow = Pick<TracedStatement, 'file' | 'line' | 'sql' | 'range' | 'locks' | 'rewrites' | 'ms'>;

function baseRow(file: TraceFile, statement: MigrationStatement): BaseRow {
  return {
    file: file.display,
    line: statement.line,
    sql: file.text.slice(statement.start, statement.end),
    range: statement.range(),
    locks: [],
    rewrites: [],
    ms: 0,
  };
}

async function traceStatement(database: TraceDatabase, statement: MigrationStatement, row: BaseRow): Promise<TracedStatement> {
  if (statement.problem?.kind === 'templated')
    return { ...row, status: 'not-traced', note: 'not run: it holds template syntax, filled in only when the migration tool runs it' };
  if (statement.problem?.kind === 'too-large')
    return { ...row, status: 'not-traced', note: 'not run: larger than the 1 MiB statement limit' };
  const control = statement.as('TransactionStmt');
  if (control)
    return {
      ...row,
      status: 'not-traced',
      note:
        database.mode === 'commit'
          ? 'transaction control, not run: trace runs each statement in its own transaction'
          : 'transaction control, not run: the trace is one transaction, rolled back at the end',
    };
  if (database.mode === 'rollback') return traceRolledBack(database, row);
  const traced = await traceCommitted(database, row);
  // PGlite loads no extension: a migration that creates one (often only for gen_random_uuid(), built in since
  // PostgreSQL 13) goes on; a statement that needs the extension fails in its turn, with PostgreSQL's error.
  const extension = statement.as('CreateExtensionStmt');
  if (traced.status === 'failed' && extension && traced.error?.code === FEATURE_NOT_SUPPORTED)
    return {
      ...row,
      status: 'not-traced',
      note: `not run: the embedded PostgreSQL carries no extension "${extension.extname ?? ''}"; a statement that needs it fails in its turn`,
      error: traced.error,
    };
  return traced;
}

/** A throwaway database: the statement in its own transaction, its locks read before the commit releases them. */
async function traceCommitted(database: TraceDatabase, row: BaseRow): Promise<TracedStatement> {
  const before = await relations(database);
  await database.query('BEGIN');
  const started = performance.now();
  try {
    await database.query(row.sql);
  } catch (error) {
    const ms = performance.now() - started;
    await database.query('ROLLBACK');
    const refused = postgresError(error);
    if (refused.code !== ACTIVE_SQL_TRANSACTION) return { ...row, ms: round(ms), status: 'failed', error: refused };
    return runOutsideTransaction(database, row, before);
  }
  const ms = performance.now() - started;
  const held = await database.query(HELD_LOCKS);
  await database.query('COMMIT');
  const after = await relations(database);
  return { ...row, status: 'traced', ms: round(ms), locks: strongest(held, new Set(), before), rewrites: rewritten(before, after) };
}

/**
 * CREATE INDEX CONCURRENTLY, VACUUM and the like refuse a transaction block: run alone, they take and release their
 * locks within the statement, so none can be read after it. Their rewrites can still be seen.
 */
async function runOutsideTransaction(database: TraceDatabase, row: BaseRow, before: Relation[]): Promise<TracedStatement> {
  const started = performance.now();
  try {
    await database.query(row.sql);
  } catch (error) {
    return { ...row, ms: round(performance.now() - started), status: 'failed', error: postgresError(error) };
  }
  const ms = performance.now() - started;
  return {
    ...row,
    status: 'outside-transaction',
    ms: round(ms),
    rewrites: rewritten(before, await relations(database)),
    note: 'runs only outside a transaction: its locks are taken and released within the statement, so they cannot be observed after it',
  };
}

/**
 * A server: the run is one transaction, rolled back at the end; each statement in a savepoint, so that a refused one
 * leaves the others. Locks the run already held (an earlier statement's) cannot be told apart from this statement's:
 * only the locks it added are its own.
 */
async function traceRolledBack(database: TraceDatabase, row: BaseRow): Promise<TracedStatement> {
  const before = await relations(database);
  const heldBefore = lockSet(await database.query(HELD_LOCKS));
  await database.query('SAVEPOINT stagegate_trace');
  const started = performance.now();
  try {
    await database.query(row.sql);
  } catch (error) {
    const ms = performance.now() - started;
    await database.query('ROLLBACK TO SAVEPOINT stagegate_trace');
    const refused = postgresError(error);
    if (refused.code === ACTIVE_SQL_TRANSACTION)
      return {
        ...row,
        status: 'not-traced',
        note: 'not run: it cannot run inside a transaction, and a trace on --database is one transaction that is never committed',
      };
    return { ...row, ms: round(ms), status: 'failed', error: refused };
  }
  const ms = performance.now() - started;
  const held = await database.query(HELD_LOCKS);
  await database.query('RELEASE SAVEPOINT stagegate_trace');
  const after = await relations(database);
  const locks = strongest(held, heldBefore, before);
  const already = strongest(held, new Set(), before).filter((lock) => !locks.some((own) => own.relation === lock.relation));
  const note =
    already.length > 0
      ? `the run, one transaction, already held ${already.map((lock) => `${lock.mode} on ${lock.relation}`).join(', ')}: a lock taken again is not seen again`
      : undefined;
  return { ...row, status: 'traced', ms: round(ms), locks, rewrites: rewritten(before, after), ...(note ? { note } : {}) };
}

async function relations(database: TraceDatabase): Promise<Relation[]> {
  return (await database.query(RELATIONS)).map((row) => ({
    oid: Number(row.oid),
    name: String(row.name),
    kind: String(row.kind),
    filenode: Number(row.filenode),
  }));
}

function lockSet(rows: Record<string, unknown>[]): Set<string> {
  return new Set(rows.map((row) => `${String(row.oid)} ${String(row.mode)}`));
}

/** `AccessExclusiveLock` as PostgreSQL's documentation writes it: `ACCESS EXCLUSIVE`. */
function modeName(mode: string): LockModeName | undefined {
  const name = mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(name) ? (name as LockModeName) : undefined;
}

/**
 * The strongest new mode per relation, on relations that existed before the statement: locks on what the statement
 * itself created block no one, and the catalogue's own locks (taken by the observing queries too) are left out.
 */
function strongest(held: Record<string, unknown>[], heldBefore: Set<string>, before: Relation[]): ObservedLock[] {
  const existing = new Map(before.map((relation) => [relation.oid, relation]));
  const modes = new Map<string, LockModeName>();
  for (const row of held) {
    if (heldBefore.has(`${String(row.oid)} ${String(row.mode)}`)) continue;
    const relation = existing.get(Number(row.oid));
    const mode = modeName(String(row.mode));
    if (!relation || !mode) continue;
    const known = modes.get(relation.name);
    if (!known || lockLevel(mode) > lockLevel(known)) modes.set(relation.name, mode);
  }
  return [...modes]
    .map(([relation, mode]) => ({ relation, mode }))
    .sort((a, b) => lockLevel(b.mode) - lockLevel(a.mode) || a.relation.localeCompare(b.relation));
}

/** Relations that existed before and after the statement whose storage file changed. */
function rewritten(before: Relation[], after: Relation[]): string[] {
  const now = new Map(after.map((relation) => [relation.oid, relation]));
  return before
    .filter((relation) => {
      const later = now.get(relation.oid);
      return later !== undefined && relation.filenode !== 0 && later.filenode !== relation.filenode;
    })
    .map((relation) => relation.name)
    .sort();
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The findings of one traced statement, on tables that existed before its migration file ran. */
function findingsOf(row: TracedStatement, statement: MigrationStatement, before: Map<number, Relation>): TraceFinding[] {
  const findings: Finding[] = [];
  const range = row.range;
  if (row.status === 'failed' && row.error) {
    const code = row.error.code ? ` (SQLSTATE ${row.error.code})` : '';
    findings.push({
      ruleId: 'trace-statement-failed',
      severity: 'error',
      message: `PostgreSQL refused the statement: ${row.error.message}${code}. The statements after it were not run.`,
      range: errorRange(row, statement) ?? range,
    });
  }
  const tables = new Map(
    [...before.values()].filter((relation) => TABLE_KINDS.has(relation.kind)).map((relation) => [relation.name, relation]),
  );
  const modeOn = (table: string) => row.locks.find((lock) => lock.relation === table)?.mode;
  const rewrittenTables = row.rewrites.filter((name) => tables.has(name));
  for (const table of rewrittenTables) {
    const mode = modeOn(table);
    findings.push({
      ruleId: 'trace-table-rewrite',
      severity: 'warning',
      message:
        `Rewrote "${table}" (its storage was replaced)${mode ? ` holding ${mode}` : ''}: the whole table is copied ` +
        `while ${mode === 'ACCESS EXCLUSIVE' || !mode ? 'reads and writes' : 'writes'} of it wait, for as long as the copy takes.`,
      range,
    });
  }
  for (const lock of row.locks) {
    if (!tables.has(lock.relation) || rewrittenTables.includes(lock.relation) || lockLevel(lock.mode) < lockLevel('SHARE')) continue;
    const blocked = lock.mode === 'ACCESS EXCLUSIVE' ? 'reads and writes' : 'writes';
    findings.push({
      ruleId: 'trace-blocking-lock',
      severity: 'warning',
      message: `Held ${lock.mode} on "${lock.relation}", which existed before this migration: ${blocked} of it wait until the transaction ends.`,
      range,
    });
  }
  return findings.map((finding) => ({ file: row.file, finding }));
}

/** Where PostgreSQL says it stopped (a 1-based character position), to the end of that line of the statement. */
function errorRange(row: TracedStatement, statement: MigrationStatement): Range | undefined {
  const position = row.error?.position;
  if (position === undefined || position > row.sql.length) return undefined;
  // PostgreSQL counts characters; the statement is UTF-16 text: step over surrogate pairs.
  let offset = 0;
  for (let seen = 1; seen < position && offset < row.sql.length; seen++) offset += row.sql.codePointAt(offset)! > 0xffff ? 2 : 1;
  const byteOffset = statement.byteStart + utf8Length(row.sql.slice(0, offset));
  return statement.rangeToLineEnd(byteOffset);
}

/** What a migration's path says it is; sqitch's folders count only beside a `sqitch.plan`, as in `check`. */
async function roleOf(path: string): Promise<'up' | 'down' | 'verify'> {
  const place = migrationPlace(path);
  if (place.sqitchPlan === undefined) return place.role;
  try {
    await fs.access(place.sqitchPlan);
    return place.role;
  } catch {
    return 'up';
  }
}
