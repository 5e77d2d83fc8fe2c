// The tools that run SQL migrations, and how each one runs a file against PostgreSQL: inside one transaction it
// opens, as one multi-statement query (which PostgreSQL runs as one implicit transaction when it holds more than one
// statement), or statement by statement. Comment directives, and files beside the migration, change it per file.
// Which tool runs a file is set in `.stagegate.yaml` (`migrations.tool`) or read from the repository's marker files.
// docs/configuration.md has the table, with the source of each line.

import { migrationSections } from './migration-roles';

export const MIGRATION_TOOLS = [
  'golang-migrate',
  'dbmate',
  'flyway',
  'liquibase',
  'sqitch',
  'diesel',
  'sqlx',
  'goose',
  'rails',
  'django',
  'prisma',
  'atlas',
  'raw',
] as const;

export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

export function isMigrationTool(value: unknown): value is MigrationTool {
  return typeof value === 'string' && (MIGRATION_TOOLS as readonly string[]).includes(value);
}

/** How messages name a tool. */
export const TOOL_NAMES: Record<MigrationTool, string> = {
  'golang-migrate': 'golang-migrate',
  dbmate: 'dbmate',
  flyway: 'Flyway',
  liquibase: 'Liquibase',
  sqitch: 'sqitch',
  diesel: 'diesel',
  sqlx: 'sqlx',
  goose: 'goose',
  rails: 'Rails',
  django: 'Django',
  prisma: 'Prisma Migrate',
  atlas: 'Atlas',
  raw: 'a plain SQL runner',
};

/** The tool that runs a migration, and what said so (for `check --verbose` and messages). */
export interface AssumedTool {
  tool: MigrationTool;
  /** `set by migrations.tool in .stagegate.yaml`, `assumed from ../flyway.toml`, `assumed from its -- migrate:up marker`... */
  from: string;
}

/** Why no tool is assumed for a migration although markers were found (two tools' markers in one folder). */
export interface ToolConflict {
  tools: MigrationTool[];
  from: string;
}

/**
 * How a stretch of a migration runs:
 * - `infer`: no tool known. One transaction, unless a statement PostgreSQL refuses inside one shows the tool runs the
 *   file without one (the model before tools were known; kept when none is set or found).
 * - `transaction`: the tool opens a transaction around it, whatever it holds.
 * - `query`: the tool sends it as one query; PostgreSQL runs a query of several statements as one implicit transaction.
 * - `flyway`: in a transaction, except that a script of only statements that cannot run in one runs without it
 *   (Flyway detects them; it refuses a script that mixes both unless `mixed` is set).
 * - `none`: statement by statement (autocommit); BEGIN ... COMMIT written in the file still delimit transactions.
 */
export type TransactionWrap = 'infer' | 'transaction' | 'query' | 'flyway' | 'none';

/** What messages say of a tool's transaction, for a statement that cannot run in one. */
export interface WrapReason {
  /** `Flyway runs each migration in a transaction (migrations.tool in .stagegate.yaml)`. */
  why: string;
  /** How to run the statement outside one with this tool. */
  remedy: string;
}

export interface TransactionUnit {
  /** UTF-16 offsets in the file: the statements that start in [start, end) run this way. */
  start: number;
  end: number;
  wrap: TransactionWrap;
  reason?: WrapReason;
}

/** Files beside a migration that change how its tool runs it, as read from disk (undefined when absent). */
export interface BesideFiles {
  /** Flyway's script configuration, `<script>.sql.conf`. */
  flywayConf?: string;
  /** diesel's `metadata.toml` in the migration's folder. */
  dieselMetadata?: string;
}

/** The files beside `path` that BesideFiles reads, by tool. */
export function besidePaths(tool: MigrationTool | undefined, path: string): { flywayConf?: string; dieselMetadata?: string } {
  if (tool === 'flyway') return { flywayConf: `${path}.conf` };
  if (tool === 'diesel') return { dieselMetadata: path.replace(/[^\\/]*$/, 'metadata.toml') };
  return {};
}

const ATLAS_TXMODE = /^[ \t]*--[ \t]*atlas:txmode[ \t]+(none|file|all)\b/im;
const SQLX_NO_TRANSACTION = /^\s*--[ \t]*no-transaction\b/i;
const LIQUIBASE_HEADER = /^\s*--[ \t]*liquibase[ \t]+formatted[ \t]+sql\b/i;
const LIQUIBASE_CHANGESET = /^[ \t]*--[ \t]*changeset[ \t]+([^\n]*)$/gim;
const FLYWAY_NO_TRANSACTION = /^[ \t]*(?:flyway\.)?executeInTransaction[ \t]*=[ \t]*false\b/im;
const DIESEL_NO_TRANSACTION = /^[ \t]*run_in_transaction[ \t]*=[ \t]*false\b/im;

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** How each stretch of a migration runs with `assumed`'s tool (everything `infer` when no tool is known). */
export function transactionUnits(
  assumed: AssumedTool | undefined,
  text: string,
  path: string,
  beside: BesideFiles = {},
): TransactionUnit[] {
  const whole = (wrap: TransactionWrap, reason?: WrapReason): TransactionUnit[] => [{ start: 0, end: text.length, wrap, reason }];
  if (!assumed) return whole('infer');
  const said = (why: string) => `${why} (${assumed.from})`;
  const own = 'Move it into a migration of its own: a query of one statement runs outside any transaction';
  switch (assumed.tool) {
    case 'golang-migrate':
      return whole('query', {
        why: said('golang-migrate sends the whole file to PostgreSQL as one query, which PostgreSQL runs as one implicit transaction'),
        remedy: `${own}, or add x-multi-statement=true to the database URL so that statements are sent one by one.`,
      });
    case 'prisma':
      return whole('query', {
        why: said('Prisma Migrate sends migration.sql to PostgreSQL as one script, which PostgreSQL runs as one implicit transaction'),
        remedy: `${own}.`,
      });
    case 'flyway': {
      const conf = `${fileName(path)}.conf`;
      if (beside.flywayConf !== undefined && FLYWAY_NO_TRANSACTION.test(beside.flywayConf)) return whole('none');
      return whole('flyway', {
        why: said('Flyway runs each migration in a transaction'),
        remedy: `Flyway runs a script without one only when none of its statements can run in one, and refuses a script that mixes both unless mixed=true: move it into a migration of its own, or add executeInTransaction=false to ${conf} beside it.`,
      });
    }
    case 'atlas': {
      const mode = ATLAS_TXMODE.exec(text)?.[1]?.toLowerCase();
      if (mode === 'none') return whole('none');
      return whole('transaction', {
        why: said('Atlas runs each migration file in a transaction unless the file says -- atlas:txmode none'),
        remedy: 'Add -- atlas:txmode none at the top of the file, in a migration of its own.',
      });
    }
    case 'sqlx':
      if (SQLX_NO_TRANSACTION.test(text))
        return whole('query', {
          why: said(
            'sqlx sends a -- no-transaction migration to PostgreSQL as one query, which PostgreSQL runs as one implicit transaction',
          ),
          remedy: `${own}.`,
        });
      return whole('transaction', {
        why: said('sqlx runs each migration in a transaction'),
        remedy: 'Start the file with -- no-transaction and keep the statement alone in its migration.',
      });
    case 'diesel':
      if (beside.dieselMetadata !== undefined && DIESEL_NO_TRANSACTION.test(beside.dieselMetadata))
        return whole('query', {
          why: said(
            'diesel sends a run_in_transaction = false migration to PostgreSQL as one batch, which PostgreSQL runs as one implicit transaction',
          ),
          remedy: `${own}.`,
        });
      return whole('transaction', {
        why: said('diesel runs each migration in a transaction'),
        remedy: 'Add metadata.toml beside it with run_in_transaction = false, and keep the statement alone in its migration.',
      });
    case 'liquibase':
      return liquibaseUnits(text, said);
    case 'dbmate':
    case 'goose':
      return sectionUnits(text, assumed.tool, said);
    case 'rails':
      return whole('transaction', {
        why: said('Rails runs each migration in a transaction'),
        remedy: 'Call disable_ddl_transaction! in the Rails migration that runs this SQL, and keep the statement alone in it.',
      });
    case 'django':
      return whole('transaction', {
        why: said('Django runs each migration in a transaction on PostgreSQL'),
        remedy: 'Set atomic = False on the Django migration that runs this SQL, and keep the statement alone in it.',
      });
    case 'sqitch':
    case 'raw':
      // sqitch hands the script to psql, which runs each statement on its own: its templates write BEGIN ... COMMIT.
      return whole('none');
  }
}

/** A dbmate or goose file: each section as its marker says; a file with no marker as the tool runs any migration. */
function sectionUnits(text: string, tool: 'dbmate' | 'goose', said: (why: string) => string): TransactionUnit[] {
  const wrapped: WrapReason =
    tool === 'dbmate'
      ? {
          why: said('dbmate runs each migration in a transaction'),
          remedy:
            'Write -- migrate:up transaction:false and keep the statement alone in its migration (dbmate still sends the section as one query).',
        }
      : { why: said('goose runs each migration in a transaction'), remedy: 'Add -- +goose NO TRANSACTION to the file.' };
  const sections = migrationSections(text);
  if (!sections) return [{ start: 0, end: text.length, wrap: 'transaction', reason: wrapped }];
  return sections.map((section): TransactionUnit => {
    if (section.runsInTransaction) return { start: section.start, end: section.end, wrap: 'transaction', reason: wrapped };
    if (section.tool === 'goose') return { start: section.start, end: section.end, wrap: 'none' };
    return {
      start: section.start,
      end: section.end,
      wrap: 'query',
      reason: {
        why: said('dbmate sends a transaction:false section to PostgreSQL as one query, which PostgreSQL runs as one implicit transaction'),
        remedy: 'Move it into a migration of its own: a query of one statement runs outside any transaction.',
      },
    };
  });
}

/** Liquibase formatted SQL: each changeset in a transaction of its own unless it says runInTransaction:false. */
function liquibaseUnits(text: string, said: (why: string) => string): TransactionUnit[] {
  const changesets = LIQUIBASE_HEADER.test(text) ? [...text.matchAll(LIQUIBASE_CHANGESET)] : [];
  const wrapped: WrapReason = {
    why: said('Liquibase runs each changeset in a transaction'),
    remedy: 'Add runInTransaction:false to its --changeset line, in a changeset of its own.',
  };
  if (changesets.length === 0) return [{ start: 0, end: text.length, wrap: 'transaction', reason: wrapped }];
  const units: TransactionUnit[] = [{ start: 0, end: changesets[0].index ?? 0, wrap: 'none' }];
  changesets.forEach((changeset, i) => {
    const start = changeset.index ?? 0;
    const end = changesets[i + 1]?.index ?? text.length;
    const inTransaction = !/\brunInTransaction:false\b/i.test(changeset[1]);
    units.push(inTransaction ? { start, end, wrap: 'transaction', reason: wrapped } : { start, end, wrap: 'none' });
  });
  return units;
}

/** Marker files of a folder, by the tool they name. */
const FOLDER_MARKERS: readonly [string, MigrationTool][] = [
  ['flyway.conf', 'flyway'],
  ['flyway.toml', 'flyway'],
  ['atlas.hcl', 'atlas'],
  ['atlas.sum', 'atlas'],
  ['sqitch.plan', 'sqitch'],
  ['sqitch.conf', 'sqitch'],
  ['diesel.toml', 'diesel'],
  ['migration_lock.toml', 'prisma'],
  ['liquibase.properties', 'liquibase'],
];
// Not markers: a Django or Rails project (manage.py, bin/rails) holds SQL files its framework does not run
// (psql scripts, structure dumps); those tools are only ever set by migrations.tool.

/** golang-migrate's layout: `000003_add_email.up.sql` beside `000003_add_email.down.sql`. */
const GOLANG_MIGRATE_NAME = /(^|[\\/])\d+_[^\\/]*\.(up|down)\.sql$/i;

/** The tool a file's own text names: dbmate's or goose's section markers, Liquibase's header. */
function toolInText(text: string): AssumedTool | undefined {
  const sections = migrationSections(text);
  if (sections)
    return { tool: sections[0].tool, from: `assumed from its ${sections[0].tool === 'dbmate' ? '-- migrate:up' : '-- +goose Up'} marker` };
  if (LIQUIBASE_HEADER.test(text)) return { tool: 'liquibase', from: 'assumed from its --liquibase formatted sql header' };
  return undefined;
}

function parentFolder(folder: string): string | undefined {
  const trimmed = folder.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return undefined;
  // The root itself ('/' or 'C:\').
  const parent = trimmed.slice(0, cut) || trimmed.slice(0, 1);
  return parent === folder ? undefined : parent;
}

/**
 * The tool that runs the migration at `path`: the configured one; else what the file's own markers say; else the
 * marker files of the nearest folder (the migration's own, then each one above it) that has any; else
 * golang-migrate's file name. A folder whose markers name two tools settles nothing: none is assumed.
 * `exists` answers whether a file exists (cached by the caller).
 */
export async function detectMigrationTool(
  path: string,
  text: string,
  configured: MigrationTool | undefined,
  exists: (file: string) => Promise<boolean>,
): Promise<{ assumed?: AssumedTool; conflict?: ToolConflict }> {
  if (configured) return { assumed: { tool: configured, from: 'set by migrations.tool in .stagegate.yaml' } };
  const inText = toolInText(text);
  if (inText) return { assumed: inText };
  const separator = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  let up = 0;
  for (let folder = parentFolder(path); folder !== undefined; folder = parentFolder(folder), up++) {
    const found: [string, MigrationTool][] = [];
    for (const [marker, tool] of FOLDER_MARKERS) {
      const file = folder.endsWith(separator) ? `${folder}${marker}` : `${folder}${separator}${marker}`;
      if (await exists(file)) found.push([marker, tool]);
    }
    if (found.length === 0) continue;
    const tools = [...new Set(found.map(([, tool]) => tool))];
    // Shown from the migration's folder, so that messages read the same wherever the check runs.
    const shown = found.map(([marker]) => `${'../'.repeat(up)}${marker}`).join(' and ');
    if (tools.length > 1) return { conflict: { tools, from: shown } };
    return { assumed: { tool: tools[0], from: `assumed from ${shown}` } };
  }
  if (GOLANG_MIGRATE_NAME.test(path))
    return { assumed: { tool: 'golang-migrate', from: "assumed from its name, golang-migrate's NNN_name.up.sql" } };
  return {};
}
