// Builds a simulation report step by step, yielding between scenarios, so an editor stays responsive
// and a long scenario matrix can report progress and be cancelled.

import type { SimulationReport, RunsSummary } from './result';
import type { Simulator } from './simulator';

export interface StagedReportRequest {
  scenario: string;
  seed: number;
  runs: number;
  /** Also run every scenario (the matrix) with `runs` seeds each. */
  matrix: boolean;
}

export interface StagedReportHooks {
  /** Called before each step with how many are done. */
  progress?(done: number, total: number, label: string): void;
  /** Checked between steps; true stops the report with `SimulationCancelled`. */
  cancelled?(): boolean;
  /** Lets the caller's event loop run between steps (default: setImmediate). */
  pause?(): Promise<void>;
}

export class SimulationCancelled extends Error {
  constructor() {
    super('Simulation cancelled.');
  }
}

export async function stagedReport(
  simulator: Simulator,
  request: StagedReportRequest,
  hooks: StagedReportHooks = {},
): Promise<SimulationReport> {
  const pause = hooks.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const scenarios = request.matrix ? simulator.scenarios.map((scenario) => scenario.name) : [];
  const total = 1 + (request.runs > 1 && !request.matrix ? 1 : 0) + scenarios.length;
  let done = 0;
  const step = async <T>(label: string, work: () => T): Promise<T> => {
    if (hooks.cancelled?.()) throw new SimulationCancelled();
    hooks.progress?.(done, total, label);
    await pause();
    if (hooks.cancelled?.()) throw new SimulationCancelled();
    const result = work();
    done++;
    return result;
  };
  const run = await step(`${request.scenario}, seed ${request.seed}`, () => simulator.run(request.scenario, request.seed));
  const summaries: RunsSummary[] = [];
  for (const name of scenarios)
    summaries.push(await step(`${name}, ${request.runs} runs`, () => simulator.runMany(name, request.seed, request.runs)));
  let summary: RunsSummary | null = null;
  if (request.runs > 1)
    summary =
      summaries.find((candidate) => candidate.scenario === request.scenario) ??
      (await step(`${request.scenario}, ${request.runs} runs`, () => simulator.runMany(request.scenario, request.seed, request.runs)));
  hooks.progress?.(total, total, 'done');
  return {
    format: 'stagegate-simulation-report',
    version: 1,
    plan: simulator.outline(),
    run,
    summary,
    matrix: request.matrix ? { plan: simulator.outline().name, runs: request.runs, seed: request.seed, scenarios: summaries } : null,
  };
}
