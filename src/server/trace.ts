// Migration traces run in the language server, as simulations do, so that every editor gets them: the trace core
// (PGlite, loaded from dist/trace.js only when a trace runs) applies the migrations before the traced one in its folder,
// as `stagegate trace <folder>` would, then the traced one, and the server keeps what each statement did: an inlay
// hint at the end of each statement's line and a diagnostic where PostgreSQL refused one. A change to any file of the
// run clears them all: later statements ran on what the earlier ones left.

import { promises as fs } from 'fs';
import * as path from 'path';
import {
  DiagnosticSeverity,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Diagnostic,
  type InlayHint,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { TraceDatabase } from '../node/trace/database';
import type { LockModeName, ObservedLock, TracedStatement, TraceResult } from '../node/trace/trace';
import type { TracedStatementInfo, TraceMigrationResult } from '../shared/protocol';
import { DIAGNOSTIC_SOURCE, toLspRange, toUri } from './convert';

/** The diagnostic code of a statement PostgreSQL refused, as `stagegate trace` names the finding. */
export const TRACE_FAILED_CODE = 'trace-statement-failed';

/** SQL files of a migration folder a trace in the editor reads at most. */
const MAX_FOLDER_FILES = 2000;

/** Longest inlay hint label; the whole text is in its tooltip. */
const MAX_LABEL_LENGTH = 120;

/** The trace core, loaded when the first trace runs: PGlite is megabytes of JavaScript and WASM that checks never need. */
function traceCore() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openPglite } = require('../node/trace/database') as typeof import('../node/trace/database');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { traceMigrations, lockLevel } = require('../node/trace/trace') as typeof import('../node/trace/trace');
  return { openPglite, traceMigrations, lockLevel };
}

/** What the trace needs of the server's workspace. */
export interface TraceSources {
  /**
   * The SQL files of a folder on disk, as `stagegate trace <folder>` finds them (with `nested`, those of its subfolders
   * too), up to `limit`; `truncated` when there were more.
   */
  sqlFiles(folder: string, nested: boolean, limit: number): Promise<{ files: string[]; truncated: boolean }>;
  /** The file's current text: the editor's when open, else the disk's. */
  textOf(file: string): Promise<string | undefined>;
  /** How reports name the file (relative to its workspace folder). */
  relative(file: string): string;
}

/**
 * The folder whose migrations run before `file`: the nearest folder named `migrations` above it (Prisma and diesel keep
 * each migration in a folder of its own under it), else the file's own folder (its subfolders left out).
 */
export function migrationFolder(file: string): string {
  for (let folder = path.dirname(file); ;) {
    if (isMigrationsFolder(folder)) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return path.dirname(file);
    folder = parent;
  }
}

function isMigrationsFolder(folder: string): boolean {
  return path.basename(folder).toLowerCase() === 'migrations';
}

/**
 * The migrations of `file`'s folder that sort before it, in the order `stagegate trace <folder>` applies them (each
 * folder's entries by name, depth first), then `file` itself.
 */
export function migrationsUpTo(file: string, candidates: string[]): string[] {
  const folder = migrationFolder(file);
  const segments = (candidate: string) => path.relative(folder, candidate).split(path.sep);
  const target = segments(file);
  const earlier = candidates.filter((candidate) => {
    if (candidate === file || !candidate.startsWith(folder + path.sep)) return false;
    // Outside a `migrations` folder, only the file's neighbours: its folder's subfolders are something else.
    if (!isMigrationsFolder(folder) && path.dirname(candidate) !== folder) return false;
    return compareSegments(segments(candidate), target) < 0;
  });
  return [...earlier.sort((a, b) => compareSegments(segments(a), segments(b))), file];
}

function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = a[i].localeCompare(b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

interface TracedFile {
  text: string;
  statements: TracedStatementInfo[];
}

/** The last trace: each file of the run with the text it was traced with. */
interface Run {
  files: Map<string, TracedFile>;
}

export class MigrationTraces {
  private run: Run | undefined;

  constructor(
    private readonly sources: TraceSources,
    /** Called with the files whose trace diagnostics changed, and theirs now (empty when cleared). */
    private readonly publish: (changes: Map<string, Diagnostic[]>) => void,
    /** Asks the client to fetch inlay hints again. */
    private readonly refreshHints: () => void,
  ) {}

  /**
   * Traces `file` after the earlier migrations of its folder on a fresh PGlite. Cancelling stops it between two
   * queries (PGlite's start cannot be interrupted: the request ends at once and the database is closed when it is up).
   */
  async trace(file: string, progress: WorkDoneProgressReporter, token: CancellationToken): Promise<TraceMigrationResult> {
    const folder = migrationFolder(file);
    const scan = await this.sources.sqlFiles(folder, isMigrationsFolder(folder), MAX_FOLDER_FILES);
    if (scan.truncated)
      return {
        error: `${this.sources.relative(folder)} holds more than ${MAX_FOLDER_FILES} SQL files, the most a trace in the editor applies; run \`stagegate trace\` on the files to apply.`,
      };
    const paths = migrationsUpTo(file, scan.files);
    const inputs: { path: string; display: string; text: string }[] = [];
    for (const candidate of paths) {
      const text = await this.sources.textOf(candidate);
      if (text === undefined) {
        if (candidate === file) return { error: `${this.sources.relative(file)} cannot be read.` };
        continue;
      }
      inputs.push({ path: candidate, display: this.sources.relative(candidate), text });
    }
    const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'The trace was cancelled.');
    const core = traceCore();
    progress.begin('Tracing migration', undefined, 'Starting PostgreSQL (PGlite)…', true);
    let database: TraceDatabase | undefined;
    try {
      const opening = core.openPglite();
      database = await untilCancelled(opening, token);
      if (!database) {
        void opening.then((late) => late.close()).catch(() => undefined);
        throw cancelled();
      }
      const earlier = inputs.length - 1;
      progress.report(earlier > 0 ? `Applying ${earlier} earlier migration${earlier === 1 ? '' : 's'}, then this one…` : 'Applying…');
      const result = await core.traceMigrations(inputs, cancellable(database, token, progress));
      return this.keep(result, inputs, core.lockLevel);
    } catch (error) {
      if (token.isCancellationRequested) throw cancelled();
      if (error instanceof ResponseError) throw error;
      return { error: `The trace could not run: ${(error as Error).message}` };
    } finally {
      await database?.close().catch(() => undefined);
      progress.done();
    }
  }

  /** Keeps the run's hints and failures for the editor (replacing the last run's), and sums it up. */
  private keep(
    result: TraceResult,
    inputs: { path: string; display: string; text: string }[],
    lockLevel: (mode: LockModeName) => number,
  ): TraceMigrationResult {
    const byDisplay = new Map(inputs.map((input) => [input.display, input]));
    const files = new Map<string, TracedFile>();
    const statements: TracedStatementInfo[] = [];
    for (const row of result.statements) {
      const input = byDisplay.get(row.file);
      if (!input) continue;
      const info = describe(row, toUri(input.path));
      statements.push(info);
      if (!files.has(input.path)) files.set(input.path, { text: input.text, statements: [] });
      files.get(input.path)!.statements.push(info);
    }
    this.clear();
    this.run = { files };
    this.publish(new Map([...files].map(([file, traced]) => [file, failures(traced.statements)])));
    this.refreshHints();
    const failed = statements.some((row) => row.status === 'failed');
    const strongest = result.statements
      .flatMap((row) => row.locks)
      .reduce<ObservedLock | undefined>((best, lock) => (!best || lockLevel(lock.mode) > lockLevel(best.mode) ? lock : best), undefined);
    return {
      database: result.database,
      files: inputs.map((input) => input.display).filter((display) => !result.skipped.some((skip) => skip.file === display)),
      statements,
      skipped: result.skipped,
      ...(strongest ? { strongestLock: strongest } : {}),
      summary: summarise(result, statements, strongest),
      failed,
    };
  }

  /** Inlay hints of a traced file whose text is still the one traced. */
  hints(file: string, text: string): InlayHint[] {
    const traced = this.run?.files.get(file);
    if (!traced || traced.text !== text) return [];
    const lines = text.split(/\r?\n|\r/);
    return traced.statements.map((row) => {
      const line = row.range.end.line;
      return {
        position: { line, character: lines[line]?.length ?? 0 },
        label: row.label.length > MAX_LABEL_LENGTH ? `${row.label.slice(0, MAX_LABEL_LENGTH - 1)}…` : row.label,
        tooltip: [row.label, row.note].filter(Boolean).join('\n\n'),
        paddingLeft: true,
      };
    });
  }

  /** The trace's diagnostics of a file (a refused statement), while its text is the one traced. */
  diagnostics(file: string): Diagnostic[] {
    const traced = this.run?.files.get(file);
    return traced ? failures(traced.statements) : [];
  }

  /** A file changed (in the editor or on disk): if it was part of the run, the whole run no longer holds. */
  changed(file: string, text?: string): void {
    const traced = this.run?.files.get(file);
    if (!traced || traced.text === text) return;
    this.clear();
    this.refreshHints();
  }

  private clear(): void {
    if (!this.run) return;
    const cleared = new Map([...this.run.files.keys()].map((file) => [file, [] as Diagnostic[]]));
    this.run = undefined;
    this.publish(cleared);
  }
}

/** The database with every query checking for cancellation first, and progress counted per statement. */
function cancellable(database: TraceDatabase, token: CancellationToken, progress: WorkDoneProgressReporter): TraceDatabase {
  let statements = 0;
  return {
    label: database.label,
    mode: database.mode,
    async query(sql) {
      if (token.isCancellationRequested) throw new Error('cancelled');
      // Each statement of a throwaway database runs in a transaction of its own.
      if (sql === 'BEGIN') progress.report(`Statement ${++statements}…`);
      return database.query(sql);
    },
    close: () => database.close(),
  };
}

/** The promise's value, or undefined as soon as the token is cancelled. */
function untilCancelled<T>(promise: Promise<T>, token: CancellationToken): Promise<T | undefined> {
  if (token.isCancellationRequested) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const subscription = token.onCancellationRequested(() => resolve(undefined));
    promise.then(
      (value) => {
        subscription.dispose();
        if (token.isCancellationRequested) {
          resolve(undefined);
          void (value as { close?: () => Promise<void> }).close?.().catch(() => undefined);
        } else resolve(value);
      },
      (error: unknown) => {
        subscription.dispose();
        reject(error);
      },
    );
  });
}

function describe(row: TracedStatement, uri: string): TracedStatementInfo {
  return {
    uri,
    range: toLspRange(row.range),
    status: row.status,
    locks: row.locks,
    rewrites: row.rewrites,
    ms: row.ms,
    label: label(row),
    ...(row.note ? { note: row.note } : {}),
    ...(row.error ? { error: { message: row.error.message, ...(row.error.code ? { code: row.error.code } : {}) } } : {}),
  };
}

/** What the hint says: the locks by mode, strongest first, the rewrites and the time; or why it did not run. */
function label(row: TracedStatement): string {
  switch (row.status) {
    case 'failed':
      return `failed: ${row.error?.message ?? 'refused'}`;
    case 'not-run':
      return 'not run: an earlier statement failed';
    case 'not-traced':
      return row.note ?? 'not run';
    default: {
      const parts: string[] = [];
      if (row.status === 'outside-transaction') parts.push('locks not observable (runs outside a transaction)');
      else if (row.locks.length === 0) parts.push('no lock on an existing relation');
      else {
        const byMode = new Map<string, string[]>();
        for (const lock of row.locks) byMode.set(lock.mode, [...(byMode.get(lock.mode) ?? []), lock.relation]);
        parts.push([...byMode].map(([mode, relations]) => `${mode} on ${relations.join(', ')}`).join('; '));
      }
      if (row.rewrites.length > 0) parts.push(`rewrote ${row.rewrites.join(', ')}`);
      parts.push(`${row.ms.toFixed(1)} ms`);
      return parts.join(' · ');
    }
  }
}

/** A refused statement as a diagnostic over the statement, with PostgreSQL's message. */
function failures(statements: TracedStatementInfo[]): Diagnostic[] {
  return statements
    .filter((row) => row.status === 'failed')
    .map((row) => ({
      range: row.range,
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      code: TRACE_FAILED_CODE,
      message:
        `PostgreSQL refused the statement: ${row.error?.message ?? 'refused'}` +
        `${row.error?.code ? ` (SQLSTATE ${row.error.code})` : ''}. The statements after it were not run.`,
    }));
}

function summarise(result: TraceResult, statements: TracedStatementInfo[], strongest: ObservedLock | undefined): string {
  const run = statements.filter((row) => row.status === 'traced' || row.status === 'outside-transaction').length;
  const files = new Set(statements.map((row) => row.uri)).size;
  const parts = [`Traced ${run} statement${run === 1 ? '' : 's'} of ${files} file${files === 1 ? '' : 's'} on ${result.database}`];
  if (strongest) parts.push(`strongest lock ${strongest.mode} on ${strongest.relation}`);
  const rewrites = new Set(statements.flatMap((row) => row.rewrites));
  if (rewrites.size > 0) parts.push(`rewrote ${[...rewrites].join(', ')}`);
  const failed = result.statements.find((row) => row.status === 'failed');
  if (failed) parts.push(`failed at ${failed.file}:${failed.line}: ${failed.error?.message ?? 'refused'}`);
  return parts.join('; ') + '.';
}

/** Reads a file that is not open, for the earlier migrations of the folder. */
export async function readFromDisk(file: string): Promise<string | undefined> {
  try {
    // A byte-order mark is not part of the SQL (the CLI drops it too).
    return (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}
