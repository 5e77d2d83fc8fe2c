// The options `calibrate` and `backtest` share to say where recorded history comes from and which part of it to read:
// `--prometheus`, `--last`, `--from`/`--to`, `--window`, `--timeout`. One parser, so both commands accept and refuse
// the same things with the same messages.

import { calibrationWindowMinutes, isUsableWindow } from '../engine/calibrate/sources';
import { durationMinutes } from '../engine/model/units';
import { UsageError } from './io';

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
} as const;

export interface MetricsOptionValues {
  prometheus?: string;
  last?: string;
  from?: string;
  to?: string;
  window?: string;
  timeout?: string;
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
