// `stagegate simulate`: replays failure scenarios through a plan's gates and prints one run, a summary over many
// seeds, or the scenario matrix, as text, JSON or a self-contained HTML report. Exit 0 when the simulation ran
// (its findings are information: `check` is the gate), 2 for usage, I/O problems, plans it cannot replay and plans
// with schema errors (unless --force).
// Every output says whether the plan has a modelled gate and carries the notes of what the simulation assumed.

import * as path from 'path';
import { parseArgs } from 'util';
import { todayIso } from '../engine/config/config';
import { documentKind } from '../engine/formats/recognise';
import {
  buildReport,
  DEFAULT_SCENARIO,
  DEFAULT_SEED,
  MAX_SIMULATION_RUNS,
  SCENARIO_KINDS,
  whyNotApplicable,
  type Simulator,
} from '../engine/simulate';
import { loadSimulation } from '../engine/workspace/simulation';
import { Workspace } from '../engine/workspace/workspace';
import { loadReportAssets, renderHtmlReport, type ReportAssets } from '../report/html';
import { count, formatMatrixText, formatRunText, formatSummaryText } from '../report/text';
import { collectInputs, emitReport, loadConfig, readIfExists, readText } from './files';
import { formatStylish } from './format';
import { terminalProgress } from './progress';
import { UsageError, type Io } from './io';

/** Runs per scenario of the matrix (`--all-scenarios`, and the HTML report) when `--runs` is not given. */
const DEFAULT_MATRIX_RUNS = 1000;

const FORMATS = ['text', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

export interface SimulateOptions {
  /** Where the HTML report's scripts come from; tests pass freshly built ones. */
  reportAssets?: () => ReportAssets | string;
}

export async function runSimulate(argv: string[], io: Io, options: SimulateOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      'all-scenarios': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      start: { type: 'string' },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'simulate needs a plan file.' : `simulate takes one plan file, not ${positionals.length}.`,
    );
  const allScenarios = values['all-scenarios'] === true;
  if (allScenarios && values.scenario !== undefined && format !== 'html') {
    throw new UsageError(
      '--scenario and --all-scenarios exclude each other (except with --format html, where --scenario picks the run shown in detail).',
    );
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : wholeNumber(values.seed, '--seed');
  const runs = values.runs === undefined ? undefined : wholeNumber(values.runs, '--runs');
  if (runs !== undefined && runs < 1) throw new UsageError('--runs takes a whole number, 1 or more.');
  if (runs !== undefined && runs > MAX_SIMULATION_RUNS) {
    throw new UsageError(
      `--runs ${runs} is above the limit of ${count(MAX_SIMULATION_RUNS)} runs (MAX_SIMULATION_RUNS); summaries settle long before that.`,
    );
  }
  if (seed + (runs ?? DEFAULT_MATRIX_RUNS) > Number.MAX_SAFE_INTEGER) throw new UsageError('--seed is too large for that many runs.');

  const shown = positionals[0];
  const absolute = path.resolve(io.cwd, shown);
  const { text } = await readText(absolute, shown);
  const shownPath = shown.split(path.sep).join('/');
  const { config } = await loadConfig(undefined, [shown], io, todayIso());
  const workspace = new Workspace(config, { read: readIfExists });
  // Named on the command line, the file is read as YAML or JSON whatever its name.
  workspace.setFile(absolute, text, 'yaml');
  // An Argo Rollout reads its AnalysisTemplates from the files beside it.
  const source = workspace.source(absolute);
  if (source?.documents.some((doc) => documentKind(doc.value, absolute, source.declared) === 'argo-rollout')) {
    for (const input of await collectInputs([path.dirname(shown)], io.cwd, config))
      if (input.absolute !== absolute) workspace.setFile(input.absolute, input.text, input.kind);
  }
  const start = values.start === undefined ? undefined : startTime(values.start);
  const { simulator, findings, notes, schemaErrors } = await loadSimulation(workspace, absolute, {
    file: shownPath,
    ...(start ? { start } : {}),
  });
  if (!simulator) {
    // A file of another language (a README, a script) named by mistake: one line, not a page of YAML errors.
    const notYaml =
      !/\.(ya?ml|json)$/i.test(shown) && findings.length > 0 && findings.every((finding) => finding.ruleId === 'syntax-error');
    if (notYaml) {
      const first = findings[0].range.start;
      throw new UsageError(
        `${shown} is not a release plan, an Argo Rollout or a Flagger Canary: it does not read as YAML or JSON (${findings.length} syntax error${findings.length === 1 ? '' : 's'}, the first at line ${first.line + 1}, column ${first.character + 1}).`,
      );
    }
    io.stderr(formatStylish([{ file: shownPath, findings }]));
    io.stderr(`stagegate: ${shown} cannot be simulated.\n`);
    return 2;
  }
  // A plan with schema errors is not the plan its authors meant: replaying what could be read of it is a choice.
  if (schemaErrors.length > 0 && values.force !== true) {
    io.stderr(formatStylish([{ file: shownPath, findings: schemaErrors }]));
    io.stderr(
      `stagegate: ${shown} has ${schemaErrors.length === 1 ? 'a schema error' : `${schemaErrors.length} schema errors`}: fix ${schemaErrors.length === 1 ? 'it' : 'them'}, or pass --force to simulate what could be read.\n`,
    );
    return 2;
  }
  // Text output lists the notes (and the errors simulated despite) itself; beside JSON and HTML, people at a
  // terminal still read them here.
  const told = [...schemaErrors, ...notes];
  if (told.length > 0 && format !== 'text') io.stderr(formatStylish([{ file: shownPath, findings: told }]));
  const scenario = values.scenario ?? DEFAULT_SCENARIO;
  if (!simulator.scenario(scenario)) throw new UsageError(unknownScenario(simulator, scenario));

  // Many runs take seconds: at a terminal, say how far they are (on stderr, so never in the output itself).
  const progress = terminalProgress(io, `simulating ${path.basename(shown)}`);
  const report = async (request: { runs: number; matrixRuns: number }) => {
    try {
      return await buildReport(simulator, { scenario, seed, ...request }, progress?.hooks);
    } finally {
      progress?.clear();
    }
  };
  let output: string;
  if (format === 'html') {
    const assets = (options.reportAssets ?? loadReportAssets)();
    if (typeof assets === 'string') {
      io.stderr(`stagegate: ${assets}\n`);
      return 2;
    }
    output = renderHtmlReport(await report({ runs: runs ?? 1, matrixRuns: runs ?? DEFAULT_MATRIX_RUNS }), assets);
  } else if (allScenarios) {
    const { matrix } = await report({ runs: 1, matrixRuns: runs ?? DEFAULT_MATRIX_RUNS });
    output = format === 'json' ? json(matrix) : formatMatrixText(matrix!);
  } else if (runs !== undefined && runs > 1) {
    const { summary } = await report({ runs, matrixRuns: 0 });
    output = format === 'json' ? json(summary) : formatSummaryText(summary!);
  } else {
    const result = simulator.run(scenario, seed);
    output = format === 'json' ? json(result) : formatRunText(result);
  }

  await emitReport(output, values.out, io);
  return 0;
}

function wholeNumber(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new UsageError(`${option} takes a whole number, 0 or more (got "${text}").`);
  return value;
}

function unknownScenario(simulator: Simulator, name: string): string {
  const known = simulator.scenarios.map((scenario) => scenario.name).join(', ');
  const builtIn = SCENARIO_KINDS.find((kind) => kind === name);
  const why = builtIn ? whyNotApplicable(simulator.plan, builtIn) : undefined;
  return `${why ? `${why}` : `unknown scenario "${name}"`}; this plan has: ${known}.`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** --start: an ISO 8601 time with its zone (2026-12-07T09:00Z), so the hour of the week does not depend on the machine. */
function startTime(value: string): Date {
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime()))
    throw new UsageError(`--start takes an ISO 8601 time with its zone, such as 2026-12-07T09:00Z, not "${value}".`);
  return time;
}
