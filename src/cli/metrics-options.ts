// The options `calibrate` and `backtest` share to say where recorded history comes from and which part of it to read:
// `--prometheus`, `--history`, `--save-history`, `--last`, `--from`/`--to`, `--window`, `--timeout`. One parser, so
// both commands accept and refuse the same things with the same messages.

import * as path from 'path';
import { calibrationWindowMinutes, isUsableWindow, type MetricSources } from '../engine/calibrate/sources';
import { durationMinutes } from '../engine/model/units';
import { HistoryError, HistoryRecorder, readHistory, writeHistory, type HistoryFile, type RangeSource } from '../node/history-file';
import { displayUrl, headersFromEnvironment, PrometheusClient, PrometheusError } from '../node/prometheus';
import { UsageError, type Io } from './io';

/** The longest history read at once: a year of 1-minute windows is half a million points per series. */
const MAX_HISTORY_DAYS = 366;
const DEFAULT_TIMEOUT = '30s';

/** The shared options, in the shape `util.parseArgs` takes. */
export const METRICS_OPTIONS = {
  prometheus: { type: 'string' },
  last: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  window: { type: 'string' },
  timeout: { type: 'string', default: DEFAULT_TIMEOUT },
  history: { type: 'string' },
  'save-history': { type: 'string' },
} as const;

export interface MetricsOptionValues {
  prometheus?: string;
  history?: string;
  'save-history'?: string;
  last?: string;
  from?: string;
  to?: string;
  window?: string;
  timeout?: string;
}

/** `--history` excludes a server (`--prometheus`) and saving (the file is already saved). */
export function checkSourceOptions(values: MetricsOptionValues): void {
  if (values.history !== undefined && values.prometheus !== undefined)
    throw new UsageError('--history and --prometheus exclude each other: the history is read from the file or from the server.');
  if (values.history !== undefined && values['save-history'] !== undefined)
    throw new UsageError('--history and --save-history exclude each other: --save-history saves what a server answered.');
  if (values.history === '' || values['save-history'] === '') throw new UsageError('--history and --save-history take a file name.');
}

/** The `--history` file, read and checked (a HistoryError names what is wrong); undefined without `--history`. */
export async function loadHistory(values: MetricsOptionValues, io: Io): Promise<HistoryFile | undefined> {
  return values.history === undefined ? undefined : readHistory(path.resolve(io.cwd, values.history), values.history);
}

/** The range options, completed by the saved history's own range when `--history` is given without one. */
export function rangeValues(values: MetricsOptionValues, history: HistoryFile | undefined): MetricsOptionValues {
  if (!history || values.last !== undefined || values.from !== undefined || values.to !== undefined) return values;
  return { ...values, from: history.envelope.range.from, to: history.envelope.range.to };
}

/** Where the history is read from, as the output shows it: the server, or the file and the server it was saved from. */
export interface HistorySource {
  reader: RangeSource;
  source: { server: string; history?: string };
  /** One line's worth: `http://host:9090`, or `history.json (saved from http://host:9090)`. */
  shown: string;
  /** Present with `--save-history`: collects what the server answered. */
  recorder?: HistoryRecorder;
}

/** A Prometheus client (recording what it answers with `--save-history`), or the `--history` file. */
export function historySource(
  values: MetricsOptionValues,
  history: HistoryFile | undefined,
  server: { url: string | undefined; sources: MetricSources; env: NodeJS.ProcessEnv; timeoutMs: number },
): HistorySource {
  if (history) {
    const saved = history.envelope.source.server;
    return { reader: history, source: { server: saved, history: history.shown }, shown: `${history.shown} (saved from ${saved})` };
  }
  const url = server.url!;
  const recorder = values['save-history'] === undefined ? undefined : new HistoryRecorder();
  const reader = new PrometheusClient({
    url,
    headers: headersFromEnvironment(server.sources.headers, server.env),
    timeoutMs: server.timeoutMs,
    onResponse: recorder?.record,
  });
  return { reader, source: { server: displayUrl(url) }, shown: displayUrl(url), recorder };
}

/** Writes what the run read to the `--save-history` file, atomically; says where on stderr. */
export async function saveHistory(
  values: MetricsOptionValues,
  io: Io,
  source: HistorySource,
  header: { command: string; savedAt: number; from: number; to: number; step: number },
): Promise<void> {
  const shown = values['save-history'];
  if (shown === undefined || !source.recorder) return;
  const envelope = source.recorder.envelope({
    savedBy: `stagegate ${header.command}`,
    savedAt: iso(Math.floor(header.savedAt)),
    server: source.source.server,
    from: header.from,
    to: header.to,
    step: header.step,
  });
  try {
    await writeHistory(path.resolve(io.cwd, shown), envelope);
  } catch (error) {
    throw new HistoryError(`${shown}: history not saved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const points = envelope.queries.length;
  io.stderr(`stagegate: saved the responses of ${points} ${points === 1 ? 'query' : 'queries'} to ${shown}.\n`);
}

/** A failure of the server or of the history file: its message on stderr, exit 2. Anything else is not ours. */
export function sourceFailure(error: unknown, io: Io): number {
  if (!(error instanceof PrometheusError) && !(error instanceof HistoryError)) throw error;
  io.stderr(`stagegate: ${error.message}\n`);
  return 2;
}

/** `--timeout` in milliseconds. */
export function timeoutMs(values: MetricsOptionValues): number {
  const text = values.timeout ?? DEFAULT_TIMEOUT;
  const minutes = durationMinutes(text);
  if (minutes === undefined || minutes <= 0) throw new UsageError(`--timeout takes a duration such as 30s (got "${text}").`);
  return minutes * 60_000;
}

/** The evaluation window, minutes: `--window`, else the plan's shortest interval brought to a divisor of an hour. */
export function windowMinutes(values: MetricsOptionValues, shortestIntervalMinutes: number | undefined): number {
  const minutes = values.window === undefined ? calibrationWindowMinutes(shortestIntervalMinutes) : durationMinutes(values.window);
  if (minutes === undefined || !isUsableWindow(minutes))
    throw new UsageError(`--window takes whole minutes dividing an hour, 1m to 1h (got "${values.window}").`);
  return minutes;
}

/** The server: `--prometheus`, else STAGEGATE_PROMETHEUS_URL, else the one the plan (or `where`) names. */
export function prometheusUrl(
  values: MetricsOptionValues,
  env: NodeJS.ProcessEnv,
  fromPlan: string | undefined,
  where = 'the plan',
): string {
  const url = values.prometheus ?? (env.STAGEGATE_PROMETHEUS_URL || undefined) ?? fromPlan;
  if (!url)
    throw new UsageError(
      `no Prometheus address: pass --prometheus URL, set STAGEGATE_PROMETHEUS_URL, or write metrics.prometheus.url in ${where}.`,
    );
  return url;
}

/** The history read: `--from`/`--to`, or the `--last` span before now; both ends on whole windows. */
export function timeRange(
  values: { last?: string; from?: string; to?: string },
  now: number,
  step: number,
  command: string,
  defaultLast: string,
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

/** An ISO time or unix seconds, as unix seconds. */
export function instant(text: string, option: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
  if (!Number.isFinite(seconds)) throw new UsageError(`${option} takes an ISO time (2026-11-23T00:00Z) or unix seconds (got "${text}").`);
  return seconds;
}

export function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
