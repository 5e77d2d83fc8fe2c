// The simulator's output shapes: plain JSON, rounded, in a fixed key order, so the same inputs give the same bytes
// and a chart (the HTML report, the webview) can draw them without knowing the engine.

import type { PlacedFinding } from '../finding';
import type { Metric } from '../model/plan';
import type { ScenarioKind } from '../model/scenario-kinds';

export type Outcome = 'completed' | 'rolled-back' | 'paused';
export type StageVerdict = 'passed' | 'failed' | 'inconclusive' | 'not-reached';
export type GateVerdict = 'pass' | 'fail' | 'inconclusive';

/** What stopped the rollout: the first failing gate (or the inconclusive one the policy acted on). */
export interface Detection {
  stage: string;
  /** Rollout minute of the evaluation that decided. */
  minute: number;
  /** The gate's name, or its metric and bound (`errorRate ≤ +25%`). */
  gate: string;
  metric: Metric;
  verdict: 'fail' | 'inconclusive';
  /** The new version's value over the window; null when the window had no new-version requests. */
  observed: number | null;
  /** The bound it crossed (for inconclusive: null). */
  threshold: number | null;
  /** The current version's value the bound was computed from, for relative bounds; else null. */
  baseline: number | null;
  /** `region=eu-west` when a breakdown value tripped; null for all traffic. */
  segment: string | null;
  /** New-version requests in the judged window. */
  samples: number;
}

/** How the rollout was stopped after a detection. */
export interface Stop {
  outcome: 'rolled-back' | 'paused';
  /** Who acted: the controller (automatic rollback) or a human, after HUMAN_REACTION_MINUTES. */
  by: 'automatic' | 'human';
  action: 'rollback' | 'disable-flags' | 'pause';
  /** Rollout minute at which no traffic reached the new version (or its failing code path) any more. */
  restoredMinute: number;
}

interface SegmentBlastRadius {
  /** `region=eu-west, device=web`, or `all` for a plan without dimensions. */
  segment: string;
  values: Record<string, string>;
  exposedRequests: number;
  failedRequests: number;
  users: number | null;
  peakTrafficShare: number;
}

interface BlastRadius {
  /** New-version requests served where and while the failure was active. */
  exposedRequests: number;
  /** Requests that failed because of the new version: its failures in excess of the current version's rate. */
  failedRequests: number;
  /** exposedRequests / traffic.requestsPerUser; null when the plan gives no requestsPerUser. */
  users: number | null;
  /** Highest share (0 to 1) of all traffic that reached the failing new version in one step. */
  peakTrafficShare: number;
  bySegment: SegmentBlastRadius[];
}

interface StageResult {
  name: string;
  /** Fraction of the stage's cohort on the new version, and of all traffic (internal cohorts are smaller). */
  weight: number;
  cohort: 'all' | 'internal';
  trafficShare: number;
  /** The schedule the plan gives, in rollout minutes. */
  plannedStart: number;
  plannedEnd: number;
  /** When the stage actually ran; null when it was not reached. */
  start: number | null;
  end: number | null;
  verdict: StageVerdict;
  /** New-version requests and errors during the stage. */
  requests: number;
  errors: number;
  failedRequests: number;
  evaluations: number;
}

/** One step of the run, for the whole traffic. */
export interface TimelineStep {
  /** Rollout minute at the step's start. */
  minute: number;
  /** Index into `stages`. */
  stage: number;
  /** Planned share (0 to 1) of all traffic on the new version during the step (a partial step when traffic is restored). */
  share: number;
  requests: number;
  baselineRequests: number;
  errors: number;
  /** New-version failures in excess of the current version's rate. */
  failedRequests: number;
  /** Whether the scenario's failure was active on the new version somewhere during the step. */
  failureActive: boolean;
}

/** One gate judged on one window: all traffic, and the breakdown value closest to (or furthest past) its bound. */
export interface GateEvaluation {
  stage: string;
  stageIndex: number;
  /** Rollout minute at the window's end, and its length. */
  minute: number;
  windowMinutes: number;
  gate: string;
  gateIndex: number;
  metric: Metric;
  verdict: GateVerdict;
  all: CellObservation;
  /** Present when the stage has a breakdown. */
  worst: CellObservation | null;
}

export interface CellObservation {
  segment: string | null;
  verdict: GateVerdict;
  samples: number;
  canary: number | null;
  baseline: number | null;
  /** Bounds in the metric's unit: the value must stay at or below `upper` and at or above `lower`. */
  upper: number | null;
  lower: number | null;
}

/**
 * Something the simulation assumed or could not model (severity info: a default baseline, traffic from
 * configuration, a manual pause replayed as a wait, an opaque metric that is not a gate), or an error of the plan's
 * file it was replayed despite. The shape of `check --format json`: the file as the face names it, 1-based positions.
 */
export type SimulationNote = PlacedFinding;

/** What every output of one plan carries: the gates it models and what it assumed. */
interface PlanFacts {
  /** Whether any stage has a modelled gate; when not, nothing can stop the rollout and a detection rate of 0 says nothing. */
  gated: boolean;
  /** Gates modelled per stage, by stage name (as detectionByStage); opaque metrics are not gates. */
  gates: Record<string, number>;
  /**
   * The rollout's start (ISO 8601, to the minute) from which traffic follows traffic.profile: `--start`, or the time
   * of the run. Only with a profile; without one, traffic does not depend on the start.
   */
  start?: string;
  notes: SimulationNote[];
}

export interface SimulationResult extends PlanFacts {
  plan: string;
  seed: number;
  scenario: string;
  kind: ScenarioKind;
  /** Whether the failure is the new version's own; when not, a stop is a false rollback, not a catch. */
  newVersionAtFault: boolean;
  description: string;
  stepMinutes: number;
  outcome: Outcome;
  detection: Detection | null;
  stop: Stop | null;
  /** Rollout minute at which the run ended (the last stage passed, or traffic was restored). */
  endMinute: number;
  blastRadius: BlastRadius;
  traffic: { totalRequests: number; newVersionRequests: number; currentVersionRequests: number };
  stages: StageResult[];
  evaluations: GateEvaluation[];
  timeline: TimelineStep[];
}

/** One run as the runner makes it; the simulator adds the plan's gates and notes. */
export type RunCore = Omit<SimulationResult, keyof PlanFacts>;

export interface Distribution {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface RunsSummary extends PlanFacts {
  plan: string;
  runs: number;
  /** The first seed; run i used seed + i. */
  seed: number;
  scenario: string;
  kind: ScenarioKind;
  /** Whether the failure is the new version's own; when not, every stop is a false rollback. */
  newVersionAtFault: boolean;
  description: string;
  /** Share of runs a gate stopped: caught runs when the new version is at fault, false rollbacks otherwise. */
  detectionRate: number;
  detectionByStage: Record<string, number>;
  /** Share of runs stopped by a gate on each metric (`errorRate`, `latencyP95Ms`, `kpi:<name>`). */
  detectionByMetric: Record<string, number>;
  /** When the new version is not at fault: share of runs stopped although the new version was not to blame. */
  falseRollbackRate?: number;
  outcomes: Record<Outcome, number>;
  meanDetectionMinute: number | null;
  blastRadius: {
    failedRequests: Distribution;
    exposedRequests: Distribution;
    users: Distribution | null;
    peakTrafficShare: Distribution;
  };
}

/** One scenario's summary as the runs make it, and as a row of the matrix (which states gates and notes once). */
export type ScenarioSummary = Omit<RunsSummary, keyof PlanFacts>;

export interface ScenarioMatrix extends PlanFacts {
  plan: string;
  runs: number;
  seed: number;
  scenarios: ScenarioSummary[];
}

/** Stage schedule and gates of the plan, for charts. */
export interface PlanOutline {
  name: string;
  service: string;
  strategy: 'canary' | 'blue-green';
  stepMinutes: number;
  stages: {
    name: string;
    weight: number;
    cohort: 'all' | 'internal';
    trafficShare: number;
    start: number;
    end: number;
    gates: { label: string; metric: Metric }[];
  }[];
  segments: string[];
}

/** One run shown in detail (`scenario`, `seed`) and the runs of its summary (none when `runs` is 1). */
export interface RunRequest {
  scenario: string;
  seed: number;
  runs: number;
}

/** Everything the HTML report and the webview draw. */
export interface SimulationReport {
  format: 'stagegate-simulation-report';
  version: 1;
  plan: PlanOutline;
  run: SimulationResult;
  summary: RunsSummary | null;
  matrix: ScenarioMatrix | null;
}

/** Rounds to `digits` decimals, turning -0 into 0 so JSON stays byte-stable. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

/** A number for labels and descriptions: at most 3 decimals, no trailing zeros (`1.5`, `0.2`, `12`). */
export function shortNumber(value: number): string {
  return String(round(value, 3));
}

/** Digits kept per kind of value in every output. */
export const DIGITS = { rate: 6, latency: 3, gauge: 6, minute: 3, share: 6, users: 1, mean: 3 } as const;
