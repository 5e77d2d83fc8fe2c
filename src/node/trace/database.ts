// The databases a trace runs on: PGlite (PostgreSQL compiled to WASM, in memory, thrown away after the run) or a
// server reached through node-postgres. Both are loaded only when a trace runs: `check` never pays for them.

/** An error PostgreSQL reported, as both drivers give it. */
export interface PostgresError {
  message: string;
  /** SQLSTATE, e.g. `42P01`. */
  code?: string;
  /** 1-based character position in the statement, when PostgreSQL gives one. */
  position?: number;
}

export interface TraceDatabase {
  /** How reports name it: `PGlite 0.5 (PostgreSQL 17.5, in memory)`, `PostgreSQL 15.14 at 127.0.0.1:5432/app`. */
  readonly label: string;
  /**
   * `commit`: each statement runs in its own transaction, committed (a throwaway database).
   * `rollback`: the whole run is one transaction, rolled back at the end; nothing is ever committed.
   */
  readonly mode: 'commit' | 'rollback';
  /** Runs SQL through the simple-query protocol (no parameters); rows of the last statement. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A statement PostgreSQL refused, normalised from either driver's error. */
export function postgresError(error: unknown): PostgresError {
  const raw = error as { message?: unknown; code?: unknown; position?: unknown };
  const position = raw?.position === undefined || raw.position === null ? undefined : Number(raw.position);
  return {
    message: typeof raw?.message === 'string' ? raw.message : String(error),
    code: typeof raw?.code === 'string' ? raw.code : undefined,
    position: position !== undefined && Number.isInteger(position) && position > 0 ? position : undefined,
  };
}

/** An embedded PostgreSQL in memory: nothing to install, nothing kept after `close`. Starts in a few seconds. */
export async function openPglite(): Promise<TraceDatabase> {
  // Loaded here, not at the top: PGlite's WASM is only for `trace`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const db = await PGlite.create();
  const version = String((await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?');
  return {
    label: `PGlite (PostgreSQL ${version}, in memory)`,
    mode: 'commit',
    async query(sql) {
      const results = await db.exec(sql);
      return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
    },
    close: () => db.close(),
  };
}

/** Why a server is refused: it holds user tables and `--allow` was not given. */
export class DatabaseNotEmptyError extends Error {}

/** User tables, views and sequences of a database: what `--allow` must accept before a trace runs there. */
const USER_RELATIONS = `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp)'`;

/**
 * A PostgreSQL server through node-postgres. The whole trace is one transaction, rolled back by `close`: the run
 * never commits there. A database that holds user tables is refused unless `allow` (it may be someone's data).
 */
export async function openServer(url: string, options: { allow?: boolean } = {}): Promise<TraceDatabase> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client({ connectionString: url, application_name: 'stagegate trace' });
  // A dropped connection is reported by the query that meets it; this keeps it from being an uncaught 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const [{ n }] = (await client.query<{ n: number }>(USER_RELATIONS)).rows;
    if (n > 0 && !options.allow)
      throw new DatabaseNotEmptyError(
        `the database holds ${n} user table${n === 1 ? '' : 's'} or view${n === 1 ? '' : 's'}; trace applies migrations there ` +
          '(in one transaction, rolled back at the end). Give --allow to trace against it anyway, or point --database at an empty database.',
      );
    const version = String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?');
    await client.query('BEGIN');
    const where = `${client.host}:${client.port}/${client.database ?? ''}`;
    return {
      label: `PostgreSQL ${version.split(' ')[0]} at ${where} (one transaction, rolled back)`,
      mode: 'rollback',
      async query(sql) {
        const result = await client.query(sql);
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return (last?.rows ?? []) as Record<string, unknown>[];
      },
      async close() {
        try {
          await client.query('ROLLBACK');
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
