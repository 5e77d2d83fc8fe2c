// What Stagegate's language server and its VS Code client say to each other beyond LSP: requests for what only
// Stagegate has (simulation, migration traces, readiness, rule documentation), a notification after each round of checks, and the
// commands each side runs. Other editors need none of this: diagnostics, fixes, hover, completion, symbols and
// CodeLens are plain LSP.

import { NotificationType, RequestType, RequestType0, type ProgressToken, type Range, type TextEdit } from 'vscode-languageserver-protocol';
import type { Readiness } from '../engine/readiness';
import type { RuleMeta } from '../engine/rule-kit/rule';
import type { RunRequest, SimulationNote, SimulationReport } from '../engine/simulate/result';

/** Commands the CodeLens and code actions name. A client that runs them itself lists them in `clientCommands`. */
export const COMMANDS = {
  simulate: 'stagegate.simulate',
  scenarioMatrix: 'stagegate.scenarioMatrix',
  showRuleDocumentation: 'stagegate.showRuleDocumentation',
  traceMigration: 'stagegate.traceMigration',
} as const;

export interface InitializationOptions {
  /**
   * Commands the client runs itself (VS Code: the simulation webview, the rule pages it ships). The server runs the
   * others: a simulation summed up in a message, a rule page opened by its address.
   */
  clientCommands?: string[];
}

export interface SimulateParams {
  uri: string;
  request: Partial<RunRequest>;
  /** Also run every scenario (the matrix), `request.runs` runs each. */
  matrix: boolean;
  workDoneToken?: ProgressToken;
}

export type SimulateResult =
  /** `notes`: the report's, as `simulate --format json` gives them (what was assumed, what is not a gate, the file's errors). */
  { report: SimulationReport; scenarios: string[]; request: RunRequest; notes: SimulationNote[] } | { error: string };

/** Simulates a plan, Argo Rollout or Flagger Canary in the server, with progress and cancellation. */
export const SimulateRequest = new RequestType<SimulateParams, SimulateResult, void>('stagegate/simulate');

export interface TraceMigrationParams {
  /** The migration to trace; the migrations before it in its folder are applied first. */
  uri: string;
  workDoneToken?: ProgressToken;
}

/** What one statement did on the database: the row `stagegate trace --format json` prints, placed in its file. */
export interface TracedStatementInfo {
  uri: string;
  /** 0-based, as LSP ranges. */
  range: Range;
  status: 'traced' | 'outside-transaction' | 'not-traced' | 'failed' | 'not-run';
  locks: { relation: string; mode: string }[];
  rewrites: string[];
  ms: number;
  /** What the inlay hint at the end of the statement says. */
  label: string;
  note?: string;
  error?: { message: string; code?: string };
}

export type TraceMigrationResult =
  | {
      /** The database the statements ran on, e.g. `PGlite 0.5.17 (PostgreSQL 18.7, in memory)`. */
      database: string;
      /** The files applied, in order (workspace-relative); the traced migration is the last. Down migrations are in `skipped`. */
      files: string[];
      statements: TracedStatementInfo[];
      skipped: { file: string; reason: string }[];
      /** The strongest lock a statement held on a relation that existed before it. */
      strongestLock?: { relation: string; mode: string };
      /** One line: statements run, the strongest lock, rewrites, the failure. */
      summary: string;
      failed: boolean;
    }
  | { error: string };

/**
 * Traces a migration on an embedded PostgreSQL (PGlite), after the migrations before it in its folder, with progress
 * and cancellation. Afterwards the server answers `textDocument/inlayHint` for the traced files (the observed locks and
 * rewrites at the end of each statement's line) and adds a diagnostic at a statement PostgreSQL refused; both are
 * cleared when a traced file changes.
 */
export const TraceMigrationRequest = new RequestType<TraceMigrationParams, TraceMigrationResult, void>('stagegate/traceMigration');

export const ReadinessRequest = new RequestType<{ uri: string }, Readiness[], void>('stagegate/readiness');

export const RulesRequest = new RequestType0<RuleMeta[], void>('stagegate/rules');

/**
 * A new flag, owned and expiring as configuration says: the edit that adds it to the flag set `uri` when that file is
 * one, else the text of a new flag file.
 */
export const NewFlagRequest = new RequestType<{ uri?: string; key: string }, { edit: TextEdit } | { fileText: string }, void>(
  'stagegate/newFlag',
);

export interface CheckSummary {
  files: number;
  errors: number;
  warnings: number;
  /** Milliseconds the round of checks took. */
  ms: number;
}

/** Sent after each round of checks has published its diagnostics. */
export const CheckedNotification = new NotificationType<CheckSummary>('stagegate/checked');

export interface ServerStatus {
  /** The server's process. */
  pid: number;
  /** Every file the server checks (paths). */
  files: string[];
  /** Files the workspace scan left out, over its limit. */
  unscanned: boolean;
  heapUsedBytes: number;
  /** How the server delivers diagnostics to this client. */
  diagnostics: 'push' | 'pull';
  configurationProblems: string[];
  lastCheck: CheckSummary;
}

/**
 * Resolves once every change the server has received is checked and published, with the server's state; the heap
 * after a full garbage collection when asked.
 */
export const StatusRequest = new RequestType<{ collectGarbage?: boolean }, ServerStatus, void>('stagegate/status');
