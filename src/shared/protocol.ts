// What Stagegate's language server and its VS Code client say to each other beyond LSP: requests for what only
// Stagegate has (simulation, migration traces, readiness, rule documentation), a notification after each round of checks, and the
// commands each side runs. Other editors need none of this: diagnostics, fixes, hover, completion, symbols and
// CodeLens are plain LSP.

import { NotificationType, RequestType, RequestType0, type ProgressToken, type Range, type TextEdit } from 'vscode-languageserver-protocol';
import type { Readiness } from '../engine/readiness';
import type { BacktestReport } from '../engine/backtest/replay';
import type { Calibration } from '../engine/calibrate/fit';
import type { RuleMeta } from '../engine/rule-kit/rule';
import type { RunRequest, SimulationNote, SimulationReport } from '../engine/simulate/result';

/** Commands the CodeLens and code actions name. A client that runs them itself lists them in `clientCommands`. */
export const COMMANDS = {
  simulate: 'stagegate.simulate',
  scenarioMatrix: 'stagegate.scenarioMatrix',
  showRuleDocumentation: 'stagegate.showRuleDocumentation',
  traceMigration: 'stagegate.traceMigration',
  calibrate: 'stagegate.calibrate',
  backtest: 'stagegate.backtest',
} as const;

export interface InitializationOptions {
  /**
   * Commands the client runs itself (VS Code: the simulation webview, the rule pages it ships). The server runs the
   * others: a simulation summed up in a message, a rule page opened by its address.
   */
  clientCommands?: string[];
  /**
   * The client answers `stagegate/metricsAccess` (VS Code: workspace trust, the address asked once per workspace, the
   * secret store). Without it, the server asks with `window/showMessageRequest` before contacting a metrics server.
   */
  metricsAccess?: boolean;
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

/** Which history calibrate and backtest read: the span before now (`7d`), or two times (ISO or unix seconds). */
export interface HistoryParams {
  uri: string;
  last?: string;
  from?: string;
  to?: string;
}

export interface CalibrateResult {
  calibration: Calibration;
  /** What was derived, as `stagegate calibrate` prints it. */
  summary: string;
  /** The server, as it may be shown (no credentials, no query string). */
  server: string;
  /** The file the values are written into: the plan, or the `.stagegate.yaml` of a Rollout or Canary. */
  target: string;
  /** Whether the target file exists (a Rollout's `.stagegate.yaml` may not, yet). */
  targetExists: boolean;
  /** The target's text the edit was made for: a client applies it only to that text. */
  baseText: string;
  /** The edit that writes the calibration into the target's current text (the whole file when it is created). */
  edit: TextEdit;
  /** How a Rollout's or Canary's signals were found. */
  notes: string[];
}

/** Why no server was contacted (the workspace is not trusted, the user refused the address), or what failed. */
export type MetricsFailure = { refused: string } | { error: string };

/**
 * Reads the plan's (or Rollout's, Canary's) recorded history from its metrics server and derives its traffic and
 * baseline, as `stagegate calibrate` does; the answer carries the edit that writes them in. Nothing is written by the
 * server. Before any query the server asks the client (`stagegate/metricsAccess`, or `window/showMessageRequest`).
 */
export const CalibrateRequest = new RequestType<HistoryParams, CalibrateResult | MetricsFailure, void>('stagegate/calibrate');

export interface BacktestParams extends HistoryParams {
  /** How often a rollout starts (`1h`). */
  every?: string;
}

/** Replays the plan's recorded history through its gates; answers what `stagegate backtest --format json` prints. The same access check first. */
export const BacktestRequest = new RequestType<BacktestParams, BacktestReport | MetricsFailure, void>('stagegate/backtest');

export interface MetricsAccessParams {
  /** `scheme://host:port`: what the permission is for. */
  address: string;
  /** The address as written (credentials and query string removed). */
  server: string;
  /** What named the address: a workspace-relative file, or the environment variable. */
  namedBy: string;
}

/** The client's answer: allowed (with the headers its secret store holds for the address), or refused and why. */
export type MetricsAccessResult = { allowed: true; headers: Record<string, string> } | { allowed: false; reason: string };

/** Sent by the server to the client before it contacts a metrics server; a refusal means no request is sent. */
export const MetricsAccessRequest = new RequestType<MetricsAccessParams, MetricsAccessResult, void>('stagegate/metricsAccess');

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
