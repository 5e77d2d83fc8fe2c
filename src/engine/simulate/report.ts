// Builds the simulation report the charts draw (HTML report, webview) in small steps: one run in detail, a summary
// over many seeds, the scenario matrix. Between steps it reports progress, lets the caller's event loop run and
// checks for cancellation, so an editor stays responsive and a long matrix can be stopped.

import type { RunRequest, RunsSummary, SimulationReport } from './result';
import type { Simulator } from './simulator';

interface ReportRequest extends RunRequest {
  /** Runs per scenario of the matrix; no matrix when 0. */
  matrixRuns: number;
}

export interface ReportHooks {
  /** Called before each step with how many are done. */
  progress?(done: number, total: number, label: string): void;
  /** Checked between steps; true stops the report with `SimulationCancelled`. */
  cancelled?(): boolean;
  /** Lets the caller's event loop run between steps (default: setImmediate). */
  pause?(): Promise<void>;
}

/** Runs between two checks for cancellation: a fraction of a second on plans of ordinary size. */
const RUNS_PER_STEP = 250;

export class SimulationCancelled extends Error {
  constructor() {
    super('Simulation cancelled.');
  }
}

export async function buildReport(simulator: Simulator, request: ReportRequest, hooks: ReportHooks = {}): Promise<SimulationReport> {
  const pause = hooks.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const steps = (runs: number) => Math.ceil(runs / RUNS_PER_STEP);
  const scenarios = request.matrixRuns > 0 ? simulator.scenarios.map((scenario) => scenario.name) : [];
  const summaryFromMatrix = request.runs > 1 && request.matrixRuns === request.runs && scenarios.includes(request.scenario);
  const total = 1 + scenarios.length * steps(request.matrixRuns) + (request.runs > 1 && !summaryFromMatrix ? steps(request.runs) : 0);
  let done = 0;
  const step = async (label: string): Promise<void> => {
    if (hooks.cancelled?.()) throw new SimulationCancelled();
    hooks.progress?.(done, total, label);
    await pause();
    if (hooks.cancelled?.()) throw new SimulationCancelled();
  };
  const summarise = async (scenario: string, runs: number): Promise<RunsSummary> => {
    const batches = simulator.runInBatches(scenario, request.seed, runs, RUNS_PER_STEP);
    let from = 0;
    for (;;) {
      await step(`${scenario}, runs ${from + 1}–${Math.min(runs, from + RUNS_PER_STEP)} of ${runs}`);
      const next = batches.next();
      done++;
      if (next.done) return next.value;
      from = next.value;
    }
  };

  await step(`${request.scenario}, seed ${request.seed}`);
  const run = simulator.run(request.scenario, request.seed);
  done++;
  const summaries: RunsSummary[] = [];
  for (const name of scenarios) summaries.push(await summarise(name, request.matrixRuns));
  let summary: RunsSummary | null = null;
  if (request.runs > 1)
    summary = summaryFromMatrix
      ? summaries.find((candidate) => candidate.scenario === request.scenario)!
      : await summarise(request.scenario, request.runs);
  hooks.progress?.(total, total, 'done');
  const outline = simulator.outline();
  return {
    format: 'stagegate-simulation-report',
    version: 1,
    plan: outline,
    run,
    summary,
    matrix: scenarios.length > 0 ? simulator.matrixOf(summaries, request.seed, request.matrixRuns) : null,
  };
}
