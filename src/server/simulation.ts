// Simulations run in the language server, off the editor's thread: the report is built in steps, reporting progress
// to the client and stopping when the client cancels the request. A plan with schema errors is simulated as read
// (the editor shows the errors); its report says so, as `simulate --force` does.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { buildReport, DEFAULT_SCENARIO, DEFAULT_SEED, SimulationCancelled } from '../engine/simulate';
import type { RunRequest, SimulationReport } from '../engine/simulate/result';
import { loadSimulation } from '../engine/workspace/simulation';
import type { SimulateParams, SimulateResult } from '../shared/protocol';
import { toPath } from './convert';
import type { ServerWorkspace } from './server-workspace';

/** Runs of a summary when the client does not say. */
const DEFAULT_RUNS = 200;

export async function simulate(
  connection: Connection,
  files: ServerWorkspace,
  params: SimulateParams,
  token: CancellationToken,
): Promise<SimulateResult> {
  const path = toPath(params.uri);
  // Notes name the file as the workspace does; the report carries them, so the webview shows them with the results.
  const loaded = await loadSimulation(files.engine, path, { file: files.relative(path) });
  if (!loaded.simulator) {
    const first = loaded.findings[0];
    return {
      error: first
        ? `The plan cannot be simulated: ${first.message} (line ${first.range.start.line + 1})`
        : 'The plan cannot be simulated.',
    };
  }
  const simulator = loaded.simulator;
  const scenarios = simulator.scenarios.map((scenario) => scenario.name);
  const wanted = params.request.scenario ?? DEFAULT_SCENARIO;
  const scenario = scenarios.includes(wanted) ? wanted : scenarios.includes(DEFAULT_SCENARIO) ? DEFAULT_SCENARIO : scenarios[0];
  const request: RunRequest = { scenario, seed: params.request.seed ?? DEFAULT_SEED, runs: params.request.runs ?? DEFAULT_RUNS };
  const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
  progress.begin('Simulating', 0, undefined, true);
  let report: SimulationReport;
  try {
    report = await buildReport(
      simulator,
      { ...request, matrixRuns: params.matrix ? request.runs : 0 },
      {
        cancelled: () => token.isCancellationRequested,
        progress: (done, total, label) => progress.report(Math.round((done / total) * 100), label),
      },
    );
  } catch (error) {
    if (error instanceof SimulationCancelled) throw new ResponseError(LSPErrorCodes.RequestCancelled, error.message);
    throw error;
  } finally {
    progress.done();
  }
  return { report, scenarios, request, notes: report.run.notes };
}
