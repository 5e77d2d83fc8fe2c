// `stagegate calibrate`: reads the current version's recorded history from a Prometheus-compatible server and derives
// the plan's traffic and baseline (and how much each signal wanders); `--write` puts them into the plan. Exit 0 when
// it calibrated, 2 for usage, I/O and server problems (the message names the query and the cause).

import { promises as fs } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { parseDocument } from 'yaml';
import type { Calibration } from '../engine/calibrate/fit';
import {
  calibrationWindowMinutes,
  isUsableWindow,
  readMetricSources,
  shortestInterval,
  withWindow,
  type MetricSources,
} from '../engine/calibrate/sources';
import { writeCalibration, writeResourceCalibration } from '../engine/calibrate/write';
import { durationMinutes } from '../engine/model/units';
import { iso, readCalibration } from '../node/metrics-read';
import { displayUrl, headersFromEnvironment, PrometheusClient, PrometheusError } from '../node/prometheus';
import { formatCalibrationText } from '../report/calibration-text';
import { resourceCalibration } from './calibrate-resource';
import { UsageError, type Io } from './io';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_LAST = '7d';
/** The longest history read at once: a year of 1-minute windows is half a million points per series. */
const MAX_HISTORY_DAYS = 366;

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
      prometheus: { type: 'string' },
      last: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      window: { type: 'string' },
      timeout: { type: 'string', default: '30s' },
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
  const timeoutMinutes = durationMinutes(values.timeout);
  if (timeoutMinutes === undefined || timeoutMinutes <= 0)
    throw new UsageError(`--timeout takes a duration such as 30s (got "${values.timeout}").`);

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

  const windowMinutes = values.window === undefined ? calibrationWindowMinutes(shortest) : durationMinutes(values.window);
  if (windowMinutes === undefined || !isUsableWindow(windowMinutes))
    throw new UsageError(`--window takes whole minutes dividing an hour, 1m to 1h (got "${values.window}").`);
  // How each signal of a Rollout or Canary was found, with the queries as they will run.
  for (const note of resource?.notes ?? []) io.stderr(`stagegate: ${shown}: ${withWindow(note, windowMinutes)}\n`);
  const step = windowMinutes * 60;
  const { from, to } = timeRange(values, options.now ?? Date.now() / 1000, step);

  const url = values.prometheus ?? (env.STAGEGATE_PROMETHEUS_URL || undefined) ?? sources.url;
  if (!url)
    throw new UsageError(
      `no Prometheus address: pass --prometheus URL, set STAGEGATE_PROMETHEUS_URL, or write metrics.prometheus.url in ${resource ? '.stagegate.yaml (no referenced template names one)' : 'the plan'}.`,
    );

  let calibration: Calibration;
  try {
    const client = new PrometheusClient({ url, headers: headersFromEnvironment(sources.headers, env), timeoutMs: timeoutMinutes * 60_000 });
    calibration = await readCalibration(client, sources, { from, to, windowMinutes });
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    io.stderr(`stagegate: ${error.message}\n`);
    return 2;
  }

  const server = displayUrl(url);
  if (format === 'json') {
    const { notes, ...rest } = calibration;
    io.stdout(JSON.stringify({ ...rest, source: { server }, notes }, null, 2) + '\n');
  } else io.stdout(formatCalibrationText(calibration, server));

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

/** The history read: `--from`/`--to`, or the `--last` span before now; both ends on whole windows. */
export function timeRange(
  values: { last?: string; from?: string; to?: string },
  now: number,
  step: number,
  command = 'calibrate',
  defaultLast = DEFAULT_LAST,
): { from: number; to: number } {
  if (values.last !== undefined && (values.from !== undefined || values.to !== undefined))
    throw new UsageError('--last and --from/--to exclude each other.');
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together.');
  let from: number;
  let to: number;
  if (values.from !== undefined) {
    from = instant(values.from, '--from');
    to = instant(values.to!, '--to');
  } else {
    const span = durationMinutes(values.last ?? defaultLast);
    if (span === undefined || span <= 0) throw new UsageError(`--last takes a duration such as 7d (got "${values.last}").`);
    to = now;
    from = now - span * 60;
  }
  from = Math.floor(from / step) * step;
  to = Math.floor(to / step) * step;
  if (to - from < 2 * step) throw new UsageError('the history is shorter than two windows: widen --last or --from/--to.');
  if (to - from > MAX_HISTORY_DAYS * 86_400)
    throw new UsageError(`the history is longer than ${MAX_HISTORY_DAYS} days (the limit of ${command}).`);
  return { from, to };
}

export function instant(text: string, option: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
  if (!Number.isFinite(seconds)) throw new UsageError(`${option} takes an ISO time (2026-11-23T00:00Z) or unix seconds (got "${text}").`);
  return seconds;
}

export { iso };
