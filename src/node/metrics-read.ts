// Reading a plan's recorded history from a Prometheus-compatible server, for `stagegate calibrate` and `backtest` and
// for the editor's commands alike: each signal's query asked over the range at one point per window, an empty answer
// turned into a message naming the query, and the series handed to the engine.

import { backtest, countsBySegment, type BacktestOptions, type BacktestResult } from '../engine/backtest/replay';
import { calibrate, type Calibration, type Series } from '../engine/calibrate/fit';
import { groupingLabels, withWindow, type MetricSources, type Signal } from '../engine/calibrate/sources';
import type { CompiledPlan } from '../engine/simulate/compile';
import type { RangeSource } from './history-file';
import { PrometheusError } from './prometheus';

export interface HistoryRange {
  /** Unix seconds, both on whole windows. */
  from: number;
  to: number;
  windowMinutes: number;
}

/** The calibration of `sources` over the range; a PrometheusError naming the query when one answers nothing. */
export async function readCalibration(client: RangeSource, sources: MetricSources, range: HistoryRange): Promise<Calibration> {
  const { from, to, windowMinutes } = range;
  const step = windowMinutes * 60;
  const results = new Map<string, Series[]>();
  for (const { signal, query } of sources.queries) {
    const expanded = withWindow(query, windowMinutes);
    const series = await client.queryRange({ name: signal, query: expanded, start: from + step, end: to, step });
    if (series.every((one) => one.points.length === 0)) {
      const hint =
        signal === 'errors'
          ? ' If the service had no failures at all, end the query with `or vector(0)`.'
          : ' Check the query and the time range.';
      throw new PrometheusError(
        `${signal}: the query returned no data between ${iso(from)} and ${iso(to)}.${hint} The query was: ${expanded}`,
      );
    }
    results.set(signal, series);
  }
  const requestsQuery = sources.queries.find((entry) => entry.signal === 'requests')!.query;
  return calibrate({
    windowSeconds: step,
    from,
    to,
    dimensions: groupingLabels(requestsQuery),
    requests: results.get('requests')!,
    errors: results.get('errors'),
    latencyP95Ms: results.get('latencyP95Ms'),
    kpis: named(results, 'kpi:'),
    gauges: named(results, 'gauge:'),
  });
}

/** Replays the recorded requests, errors (and p95 latency and KPIs, when queried) of the range through the compiled plan. */
export async function readBacktest(
  client: RangeSource,
  sources: MetricSources,
  compiled: CompiledPlan,
  range: HistoryRange,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const { from, to, windowMinutes } = range;
  const step = windowMinutes * 60;
  const read = async (signal: Signal): Promise<Series[]> => {
    const expanded = withWindow(sources.queries.find((entry) => entry.signal === signal)!.query, windowMinutes);
    const series = await client.queryRange({ name: signal, query: expanded, start: from + step, end: to, step });
    if (signal === 'requests' && series.every((one) => one.points.length === 0))
      throw new PrometheusError(
        `requests: the query returned no data between ${iso(from)} and ${iso(to)}. Check the query and the time range. The query was: ${expanded}`,
      );
    return series;
  };
  const windows = (to - from) / step;
  const requests = await read('requests');
  const errors = await read('errors');
  const latency = sources.queries.some((entry) => entry.signal === 'latencyP95Ms') ? await read('latencyP95Ms') : undefined;
  // The KPIs the plan's gates can be judged on: those with a baseline (the simulator's) and a query.
  const kpis: Record<string, Series[]> = {};
  for (const name of compiled.kpiNames)
    if (sources.queries.some((entry) => entry.signal === `kpi:${name}`)) kpis[name] = await read(`kpi:${name}`);
  const recorded = countsBySegment(compiled, requests, errors, from, windows, step, latency, kpis);
  return backtest(compiled, recorded, options);
}

function named(results: Map<string, Series[]>, prefix: string): Record<string, Series[]> {
  return Object.fromEntries(
    [...results].filter(([signal]) => signal.startsWith(prefix)).map(([signal, series]) => [signal.slice(prefix.length), series]),
  );
}

export function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
