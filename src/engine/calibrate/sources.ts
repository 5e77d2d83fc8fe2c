// A plan's `metrics:` section read into what a Prometheus client needs: the server, the headers (as names of
// environment variables, never values) and one query per signal, with `$window` filled in. No I/O here.

import { durationMinutes, formatMinutes } from '../model/units';

export type Signal = 'requests' | 'errors' | 'latencyP95Ms' | `kpi:${string}` | `gauge:${string}`;

export interface SignalQuery {
  signal: Signal;
  /** The query as written, with `$window` still in it. */
  query: string;
}

export interface MetricSources {
  url?: string;
  /** Header name → the environment variable that holds its value. */
  headers: Record<string, string>;
  queries: SignalQuery[];
}

const SIGNAL = /^(requests|errors|latencyP95Ms|(kpi|gauge):[A-Za-z0-9][A-Za-z0-9_.-]*)$/;
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Shortest and longest calibration windows; within an hour so that every window falls in one hour of the week. */
export const MIN_WINDOW_MINUTES = 1;
export const MAX_WINDOW_MINUTES = 60;
/** Windows that divide an hour evenly, so that windows never straddle two hours of the week. */
const HOUR_DIVISORS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

/**
 * The plan's metric sources; `problems` says what cannot be used (the schema reports the same at its place; this is
 * for the command that needs them).
 */
export function readMetricSources(
  plan: unknown,
  /** Whether `requests` must be among the queries (a plan's own section; `.stagegate.yaml` may complete a template's). */
  requireRequests = true,
): { sources?: MetricSources; problems: string[] } {
  const metrics = record(record(plan)?.metrics);
  if (!metrics) return { problems: ['The plan has no metrics section: add metrics.queries (see docs/metrics.md).'] };
  const problems: string[] = [];
  const prometheus = record(metrics.prometheus) ?? {};
  const url = typeof prometheus.url === 'string' ? prometheus.url : undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record(prometheus.headers) ?? {})) {
    const match = typeof value === 'string' ? ENV_REFERENCE.exec(value) : null;
    // The value is never repeated: written literally, it is the credential that should not be in the file.
    if (!match) problems.push(`metrics.prometheus.headers.${name} must name an environment variable (env:NAME), not hold a value.`);
    else headers[name] = match[1];
  }
  const queries: SignalQuery[] = [];
  for (const [signal, query] of Object.entries(record(metrics.queries) ?? {})) {
    if (!SIGNAL.test(signal))
      problems.push(`metrics.queries.${signal} is not a signal: use requests, errors, latencyP95Ms, kpi:<name> or gauge:<name>.`);
    else if (typeof query !== 'string' || query.trim() === '') problems.push(`metrics.queries.${signal} must be a PromQL query.`);
    else queries.push({ signal: signal as Signal, query });
  }
  if (requireRequests && !queries.some((entry) => entry.signal === 'requests'))
    problems.push('metrics.queries.requests is missing: the requests per second are what every other value is weighed by.');
  return { sources: { ...(url ? { url } : {}), headers, queries }, problems };
}

/** The query with `$window` replaced by the window written as PromQL writes durations (`30m`, `1h`). */
export function withWindow(query: string, windowMinutes: number): string {
  return query.replace(/\$window\b/g, formatMinutes(windowMinutes));
}

/** The labels a query groups by (`sum by (region, device) (...)`), apart from histogram buckets (`le`). */
export function groupingLabels(query: string): string[] {
  const labels = new Set<string>();
  for (const match of query.matchAll(/\bby\s*\(([^)]*)\)/g))
    for (const label of match[1].split(',').map((part) => part.trim())) if (label && label !== 'le') labels.add(label);
  return [...labels];
}

/**
 * The evaluation window of a calibration: the plan's shortest gate interval (each gate judges the traffic of one
 * interval, so dispersion is measured at that scale), brought within 1m–1h and down to a divisor of an hour.
 */
export function calibrationWindowMinutes(shortestIntervalMinutes: number | undefined): number {
  const wanted = Math.min(MAX_WINDOW_MINUTES, Math.max(MIN_WINDOW_MINUTES, shortestIntervalMinutes ?? 5));
  return [...HOUR_DIVISORS].reverse().find((divisor) => divisor <= wanted) ?? MIN_WINDOW_MINUTES;
}

/** The plan's shortest stage interval, minutes (5m where a stage gives none). */
export function shortestInterval(plan: unknown): number | undefined {
  const stages = (plan as { stages?: unknown })?.stages;
  if (!Array.isArray(stages)) return undefined;
  const intervals = stages.map((stage) => durationMinutes((stage as { interval?: unknown })?.interval) ?? 5);
  return intervals.length > 0 ? Math.min(...intervals) : undefined;
}

/** Whether a window length (minutes) can be used: whole minutes dividing an hour. */
export function isUsableWindow(minutes: number): boolean {
  return HOUR_DIVISORS.includes(minutes);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
