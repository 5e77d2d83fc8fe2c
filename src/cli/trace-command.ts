// `stagegate trace`: applies SQL migrations in order to a throwaway PostgreSQL (embedded PGlite, or a server given by
// --database) and prints what each statement did there: locks held, relations rewritten, time taken. Exit 0 when no
// statement failed, 1 when one failed (or warnings above --max-warnings), 2 for a usage, connection or I/O problem and
// for a --database that holds user tables without --allow. Loaded only for this command (dist/trace.js).

import { parseArgs } from 'util';
import { todayIso } from '../engine/config/config';
import { inRunOrder } from '../engine/formats/migration-order';
import { openPglite, openServer, DatabaseNotEmptyError, type TraceDatabase } from '../node/trace/database';
import { traceMigrations, type TracedStatement, type TraceResult } from '../node/trace/trace';
import { collectFiles, loadConfig } from './files';
import { formatStylish, toJsonFindings, type FileFindings } from './format';
import { UsageError, type Io } from './io';

const FORMATS = ['text', 'json'] as const;

export async function runTrace(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      database: { type: 'string' },
      allow: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'max-warnings': { type: 'string' },
      config: { type: 'string' },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
  const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0))
    throw new UsageError('--max-warnings takes a whole number, 0 or more.');
  if (values.database !== undefined && !/^postgres(ql)?:\/\//i.test(values.database))
    throw new UsageError('--database takes a PostgreSQL URL: postgresql://user:password@host:port/database.');
  if (values.allow && values.database === undefined) throw new UsageError('--allow applies to --database only.');
  if (positionals.length === 0) throw new UsageError('trace needs the migration files or folders to apply, in order.');

  const { config } = await loadConfig(values.config, positionals, io, todayIso());
  const collected = await collectFiles(positionals, io.cwd, config);
  // Flyway's V10 runs after V2 although it sorts before it: the files go in as their tools run them.
  const migrations = inRunOrder(
    collected.inputs.filter((input) => input.kind === 'sql'),
    (input) => input.absolute,
  );
  const notSql = collected.inputs.filter((input) => input.kind !== 'sql');
  if (migrations.length === 0) throw new UsageError(`${positionals.join(', ')}: no SQL migrations found; nothing was traced.`);
  for (const input of notSql) io.stderr(`stagegate: skipped ${input.display}: not a SQL migration.\n`);

  const database = await open(values.database, values.allow);
  let result: TraceResult;
  try {
    result = await traceMigrations(
      migrations.map((input) => ({ path: input.absolute, display: input.display, text: input.text })),
      database,
    );
  } finally {
    await database.close().catch(() => undefined);
  }

  const byFile = new Map<string, FileFindings>();
  for (const { file, finding } of result.findings) {
    if (!byFile.has(file)) byFile.set(file, { file, findings: [] });
    byFile.get(file)!.findings.push(finding);
  }
  const findings = toJsonFindings([...byFile.values()]);
  if (format === 'json') {
    const statements = result.statements.map(({ range: _range, ...row }) => row);
    io.stdout(JSON.stringify({ database: result.database, statements, findings, skipped: result.skipped }, null, 2) + '\n');
  } else {
    io.stdout(formatStatements(result.statements));
    const stylish = formatStylish([...byFile.values()]);
    if (stylish) io.stdout('\n' + stylish);
  }
  if (format === 'text') {
    for (const skip of result.skipped) io.stderr(`stagegate: skipped ${skip.file}: ${skip.reason}.\n`);
    io.stderr(`stagegate: ${summary(result)}\n`);
  }

  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  if (errors > 0) return 1;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    if (format === 'text') io.stderr(`stagegate: ${warnings} warnings, more than --max-warnings ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

async function open(url: string | undefined, allow: boolean): Promise<TraceDatabase> {
  if (url === undefined) {
    try {
      return await openPglite();
    } catch (error) {
      throw new UsageError(`cannot start the embedded PostgreSQL (PGlite): ${(error as Error).message}`);
    }
  }
  try {
    return await openServer(url, { allow });
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) throw new UsageError(`--database: ${error.message}`);
    // The URL may hold a password: the message is the driver's (which names the host or the database), never the URL.
    const reason = (error as Error).message || ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new UsageError(`--database: cannot connect (${reason}).`);
  }
}

/** One block per file: each statement's line, time, locks and rewrites, and why one was not observed. */
function formatStatements(statements: TracedStatement[]): string {
  const out: string[] = [];
  let file: string | undefined;
  const lineWidth = Math.max(...statements.map((row) => String(row.line).length), 1);
  for (const row of statements) {
    if (row.file !== file) {
      if (file !== undefined) out.push('');
      out.push(row.file);
      file = row.file;
    }
    out.push(`  ${String(row.line).padStart(lineWidth)}  ${abbreviate(row.sql)}`);
    out.push(`  ${' '.repeat(lineWidth)}  ${describe(row)}`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

function describe(row: TracedStatement): string {
  switch (row.status) {
    case 'failed':
      return `failed: ${row.error?.message ?? 'refused'}`;
    case 'not-run':
    case 'not-traced':
      return row.note ?? 'not run';
    default: {
      const locks =
        row.locks.length === 0 ? 'no lock on an existing relation' : row.locks.map((lock) => `${lock.mode} on ${lock.relation}`).join(', ');
      const parts = [
        `${row.ms.toFixed(1)} ms`,
        row.status === 'outside-transaction' ? 'locks not observable (runs outside a transaction)' : locks,
      ];
      if (row.rewrites.length > 0) parts.push(`rewrote ${row.rewrites.join(', ')}`);
      // On a server, the locks the run already held: without them "no lock" would mislead.
      if (row.status === 'traced' && row.note) parts.push(row.note);
      return parts.join(' · ');
    }
  }
}

/** The statement on one line, cut at 72 characters. */
function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 72 ? `${flat.slice(0, 71)}…` : flat;
}

function summary(result: TraceResult): string {
  const count = (status: TracedStatement['status']) => result.statements.filter((row) => row.status === status).length;
  const run = count('traced') + count('outside-transaction');
  const files = new Set(result.statements.map((row) => row.file)).size;
  const parts = [`traced ${run} statement${run === 1 ? '' : 's'} of ${files} file${files === 1 ? '' : 's'} on ${result.database}`];
  const failed = count('failed');
  const notRun = count('not-run');
  const notTraced = count('not-traced');
  if (failed > 0) parts.push(`${failed} failed`);
  if (notRun > 0) parts.push(`${notRun} not run after the failure`);
  if (notTraced > 0) parts.push(`${notTraced} not traced`);
  return parts.join('; ') + '.';
}
