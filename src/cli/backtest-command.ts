// `stagegate backtest`: replays the recorded requests and errors of a Prometheus-compatible server through the plan's
// gates, a rollout starting every `--every`, and reports how often a good release would have been stopped. Exit 0
// when it ran, 2 for usage, I/O and server problems (the message names the query and the cause).

import * as path from 'path';
import { parseArgs } from 'util';
import { parseDocument } from 'yaml';
import type { BacktestReport, BacktestResult } from '../engine/backtest/replay';
import { readMetricSources, shortestInterval } from '../engine/calibrate/sources';
import { todayIso } from '../engine/config/config';
import { durationMinutes } from '../engine/model/units';
import { compilePlan } from '../engine/simulate/compile';
import { DEFAULT_SEED } from '../engine/simulate';
import { loadSimulation } from '../engine/workspace/simulation';
import { Workspace } from '../engine/workspace/workspace';
import type { HistoryFile } from '../node/history-file';
import { readBacktest } from '../node/metrics-read';
import { renderBacktestHtml } from '../report/backtest-html';
import { loadReportAssets, type ReportAssets } from '../report/html';
import { emitReport, loadConfig, readIfExists, readText } from './files';
import { formatStylish } from './format';
import { UsageError, type Io } from './io';
import {
  checkSourceOptions,
  historySource,
  instant,
  iso,
  loadHistory,
  METRICS_OPTIONS,
  prometheusUrl,
  rangeValues,
  saveHistory,
  sourceFailure,
  timeoutMs,
  timeRange,
  windowMinutes as evaluationWindow,
  type HistorySource,
} from './metrics-options';

const FORMATS = ['text', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_LAST = '14d';
const DEFAULT_EVERY = '1h';
/** Trips listed in text output; JSON lists them all. */
const TEXT_TRIPS = 20;

export interface BacktestCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** The time taken as now, unix seconds (tests). */
  now?: number;
  /** The HTML report's scripts (tests pass freshly built ones); by default read beside the CLI bundle. */
  reportAssets?: () => ReportAssets | string;
}

export async function runBacktest(argv: string[], io: Io, options: BacktestCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...METRICS_OPTIONS,
      every: { type: 'string', default: DEFAULT_EVERY },
      seed: { type: 'string' },
      incident: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'backtest needs a plan file.' : `backtest takes one plan file, not ${positionals.length}.`,
    );
  const timeout = timeoutMs(values);
  checkSourceOptions(values);
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (values.seed !== undefined && (!/^\d+$/.test(values.seed.trim()) || !Number.isSafeInteger(seed)))
    throw new UsageError(`--seed takes a whole number, 0 or more (got "${values.seed}").`);

  const incidents = (values.incident ?? []).map((text) => {
    const parts = text.split('/');
    if (parts.length !== 2) throw new UsageError(`--incident takes FROM/TO, two times joined by a slash (got "${text}").`);
    const span = { from: instant(parts[0], '--incident'), to: instant(parts[1], '--incident') };
    if (!(span.to > span.from)) throw new UsageError(`--incident ${text} ends before it starts.`);
    return span;
  });

  const shown = positionals[0];
  const absolute = path.resolve(io.cwd, shown);
  const { text } = await readText(absolute, shown);
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new UsageError(`${shown}: does not parse (${document.errors[0].message.split('\n')[0]}).`);
  const raw = document.toJS() as unknown;
  const { sources, problems } = readMetricSources(raw);
  const missingErrors = sources && !sources.queries.some((entry) => entry.signal === 'errors');
  if (!sources || problems.length > 0 || missingErrors) {
    const all = missingErrors ? [...problems, 'metrics.queries.errors is missing: backtest replays error-rate gates.'] : problems;
    io.stderr(all.map((problem) => `${shown}: ${problem}\n`).join(''));
    io.stderr(`stagegate: ${shown} cannot be backtested.\n`);
    return 2;
  }

  // The plan as the simulator reads it, so gates are judged the same way.
  const shownPath = shown.split(path.sep).join('/');
  const { config } = await loadConfig(undefined, [shown], io, todayIso());
  const workspace = new Workspace(config, { read: readIfExists });
  workspace.setFile(absolute, text, 'yaml');
  const { simulator, findings, schemaErrors } = await loadSimulation(workspace, absolute, { file: shownPath });
  if (!simulator || schemaErrors.length > 0) {
    io.stderr(formatStylish([{ file: shownPath, findings: simulator ? schemaErrors : findings }]));
    io.stderr(`stagegate: ${shown} cannot be backtested.\n`);
    return 2;
  }

  const windowMinutes = evaluationWindow(values, shortestInterval(raw));
  const step = windowMinutes * 60;
  const everyMinutes = durationMinutes(values.every);
  if (everyMinutes === undefined || everyMinutes <= 0 || (everyMinutes * 60) % step !== 0)
    throw new UsageError(`--every takes a whole number of ${windowMinutes}-minute windows, such as 1h (got "${values.every}").`);
  let history: HistoryFile | undefined;
  try {
    history = await loadHistory(values, io);
  } catch (error) {
    return sourceFailure(error, io);
  }
  const { from, to } = timeRange(rangeValues(values, history), options.now ?? Date.now() / 1000, step, 'backtest', DEFAULT_LAST);

  const { compiled, problems: compileProblems } = compilePlan(simulator.compiled.plan, { stepMinutes: windowMinutes });
  if (!compiled) {
    io.stderr(compileProblems.map((problem) => `${shown}: ${problem.message}\n`).join(''));
    io.stderr(`stagegate: ${shown} cannot be backtested.\n`);
    return 2;
  }
  const duration = compiled.totalSteps * step;
  if (to - from < duration)
    throw new UsageError(
      `the history (${(to - from) / 3600} h) is shorter than one rollout (${duration / 3600} h): widen --last or --from/--to.`,
    );

  const url = history ? undefined : prometheusUrl(values, env, sources.url);

  let result: BacktestResult;
  let source: HistorySource;
  try {
    source = historySource(values, history, { url, sources, env, timeoutMs: timeout });
    result = await readBacktest(
      source.reader,
      sources,
      compiled,
      { from, to, windowMinutes },
      { firstStart: from, lastStart: to - duration, everySeconds: everyMinutes * 60, seed, incidents },
    );
    await saveHistory(values, io, source, { command: 'backtest', savedAt: options.now ?? Date.now() / 1000, from, to, step });
  } catch (error) {
    return sourceFailure(error, io);
  }

  const header = {
    plan: { name: compiled.plan.name, service: compiled.plan.service },
    window: { from: iso(from), to: iso(to) },
    every: values.every,
    evaluationWindow: `${windowMinutes}m`,
    seed,
    source: source.source,
  };
  const report: BacktestReport = { ...header, ...result };
  let output: string;
  if (format === 'html') {
    const assets = (options.reportAssets ?? loadReportAssets)();
    if (typeof assets === 'string') {
      io.stderr(`stagegate: ${assets}\n`);
      return 2;
    }
    output = renderBacktestHtml(report, assets);
  } else output = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatBacktestText(result, header);
  await emitReport(output, values.out, io);
  return 0;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function formatBacktestText(
  result: BacktestResult,
  header: { window: { from: string; to: string }; every: string; evaluationWindow: string; source: { server: string; history?: string } },
): string {
  const stopped = result.trips.filter((trip) => trip.incident === undefined).length;
  const stageWidth = Math.max(12, ...result.byGate.map((entry) => entry.stage.length));
  const gateWidth = Math.max(28, ...result.byGate.map((entry) => entry.gate.length));
  const out = [
    `Backtested on ${header.source.history ? `${header.source.history} (saved from ${header.source.server})` : header.source.server}, ${header.window.from} to ${header.window.to}: ${result.replays} rollouts, one every ${header.every}, windows of ${header.evaluationWindow}.`,
    `falseRollbackRate  ${percent(result.falseRollbackRate)} (${stopped} of ${result.replays} stopped outside incidents; the history holds no bad release)`,
    '',
    'by gate',
    ...result.byGate.map(
      (entry) =>
        `  ${entry.stage.padEnd(stageWidth)} ${entry.gate.padEnd(gateWidth)} ${String(entry.trips).padStart(4)}  ${percent(entry.rate)}`,
    ),
  ];
  if (result.trips.length > 0) {
    out.push('', 'stopped rollouts (start: stage, gate, segment, window, canary value against bound, samples)');
    for (const trip of result.trips.slice(0, TEXT_TRIPS)) {
      const bound = trip.upper !== null ? `> ${trip.upper}` : trip.lower !== null ? `< ${trip.lower}` : '';
      const value = trip.verdict === 'fail' ? `${trip.canary} ${bound}` : 'inconclusive';
      const during = trip.incident ? ` (incident ${trip.incident})` : '';
      out.push(
        `  ${trip.start}: ${trip.stage}, ${trip.gate}, ${trip.segment}, ${trip.from}–${trip.to}, ${value}, ${trip.samples} requests${during}`,
      );
    }
    if (result.trips.length > TEXT_TRIPS) out.push(`  … and ${result.trips.length - TEXT_TRIPS} more (--format json lists them all)`);
  }
  if (result.incidents.length > 0) {
    out.push('', 'incidents, found in the history or given (a rollout starting with each, its canary carrying it)');
    for (const incident of result.incidents) {
      const origin = incident.origin === 'found' ? `found: ${incident.signals.join(' and ')} on ${incident.segments.join(', ')}` : 'given';
      out.push(
        incident.caught
          ? `  ${incident.from}/${incident.to} (${origin}): caught by ${incident.stage}, ${incident.gate}, ${incident.segment}, at minute ${incident.minute}, after ${incident.failedRequests} failed requests`
          : `  ${incident.from}/${incident.to} (${origin}): missed (${incident.failedRequests} failed requests on the canary)`,
      );
    }
  }
  if (result.notes.length > 0) out.push('', ...result.notes.map((note) => `note: ${note}`));
  return out.join('\n') + '\n';
}
