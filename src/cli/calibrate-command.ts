// `stagegate calibrate`: reads the current version's recorded history from a Prometheus-compatible server and derives
// the plan's traffic and baseline (and how much each signal wanders); `--write` puts them into the plan. Exit 0 when
// it calibrated, 2 for usage, I/O and server problems (the message names the query and the cause).

import { promises as fs } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { parseDocument } from 'yaml';
import type { Calibration } from '../engine/calibrate/fit';
import { readMetricSources, shortestInterval, withWindow, type MetricSources } from '../engine/calibrate/sources';
import { writeCalibration, writeResourceCalibration } from '../engine/calibrate/write';
import type { HistoryFile } from '../node/history-file';
import { readCalibration } from '../node/metrics-read';
import { formatCalibrationText } from '../report/calibration-text';
import { resourceCalibration } from './calibrate-resource';
import { measuredLabelsOfPlan, formatLabelsText, type PlanLabels } from './measure-labels';
import { UsageError, type Io } from './io';
import {
  checkSourceOptions,
  historySource,
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

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_LAST = '7d';

export interface CalibrateOptions {
  env?: NodeJS.ProcessEnv;
  /** The time taken as now, unix seconds (tests). */
  now?: number;
}

export async function runCalibrate(argv: string[], io: Io, options: CalibrateOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...METRICS_OPTIONS,
      write: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'calibrate needs a plan file.' : `calibrate takes one plan file, not ${positionals.length}.`,
    );
  const timeout = timeoutMs(values);
  checkSourceOptions(values);

  const shown = positionals[0];
  const absolute = path.resolve(io.cwd, shown);
  let text: string;
  try {
    text = await fs.readFile(absolute, 'utf8');
  } catch (error) {
    throw new UsageError(`${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const json = /\.json$/i.test(shown);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // A Rollout or Canary is calibrated from the templates it references, and written into `.stagegate.yaml`.
  const resource = await resourceCalibration(absolute, body, shown, io);
  let read: { sources?: MetricSources; problems: string[] };
  let shortest: number | undefined;
  if (resource) {
    read = resource;
    shortest = resource.shortestIntervalMinutes;
  } else {
    const document = parseDocument(body);
    if (document.errors.length > 0) throw new UsageError(`${shown}: does not parse (${document.errors[0].message.split('\n')[0]}).`);
    const plan = document.toJS() as unknown;
    read = readMetricSources(plan);
    shortest = shortestInterval(plan);
  }
  const { sources, problems } = read;
  if (!sources || problems.length > 0) {
    io.stderr(problems.map((problem) => `${shown}: ${problem}\n`).join(''));
    io.stderr(`stagegate: ${shown} cannot be calibrated.\n`);
    return 2;
  }

  const windowMinutes = evaluationWindow(values, shortest);
  // How each signal of a Rollout or Canary was found, with the queries as they will run.
  for (const note of resource?.notes ?? []) io.stderr(`stagegate: ${shown}: ${withWindow(note, windowMinutes)}\n`);
  const step = windowMinutes * 60;
  let history: HistoryFile | undefined;
  try {
    history = await loadHistory(values, io);
  } catch (error) {
    return sourceFailure(error, io);
  }
  const { from, to } = timeRange(rangeValues(values, history), options.now ?? Date.now() / 1000, step, 'calibrate', DEFAULT_LAST);

  const url = history
    ? undefined
    : prometheusUrl(values, env, sources.url, resource ? '.stagegate.yaml (no referenced template names one)' : 'the plan');

  let calibration: Calibration;
  let source: HistorySource;
  try {
    source = historySource(values, history, { url, sources, env, timeoutMs: timeout });
    calibration = await readCalibration(source.reader, sources, { from, to, windowMinutes });
    await saveHistory(values, io, source, { command: 'calibrate', savedAt: options.now ?? Date.now() / 1000, from, to, step });
  } catch (error) {
    return sourceFailure(error, io);
  }

  // A plan's series are asked, as `check --metrics` asks them, whether they carry the labels its readiness needs; a
  // saved history holds no label counts, so they are measured only against a server.
  const labels: PlanLabels | undefined = resource
    ? undefined
    : url
      ? await measuredLabelsOfPlan(absolute, body, shown, { url, env, timeoutMs: timeout }, to, (to - from) / 60)
      : {
          notMeasured:
            'a saved history holds the range queries only, not the label counts: `stagegate check --readiness --metrics` measures them against the server.',
        };
  const server = source.shown;
  if (format === 'json') {
    const { notes, ...rest } = calibration;
    io.stdout(JSON.stringify({ ...rest, source: source.source, notes, ...(labels ? { labels } : {}) }, null, 2) + '\n');
  } else io.stdout(formatCalibrationText(calibration, server) + (labels ? formatLabelsText(labels) : ''));

  if (values.write) {
    // A resource's values go to `simulation:` in `.stagegate.yaml` (created beside it when there is none).
    const target = resource ? resource.configPath : absolute;
    const targetShown = resource ? path.relative(io.cwd, target) || target : shown;
    let updated: string;
    try {
      const stamp = { at: iso(Math.floor((options.now ?? Date.now() / 1000) / 60) * 60), server };
      updated = resource
        ? writeResourceCalibration(resource.configText, calibration, stamp)
        : writeCalibration(text, json, calibration, stamp);
    } catch (error) {
      io.stderr(`stagegate: ${targetShown}: not written: ${(error as Error).message}\n`);
      return 2;
    }
    // Written beside the plan and renamed over it: an interrupted write never leaves half a plan.
    const temporary = `${target}.calibrate-${process.pid}.tmp`;
    try {
      await fs.writeFile(temporary, updated, 'utf8');
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw new UsageError(`${targetShown}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    io.stderr(`stagegate: wrote the calibration into ${targetShown}${resource ? ' (simulation:)' : ''}.\n`);
  }
  return 0;
}

export { shortestInterval };
