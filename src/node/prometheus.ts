// A client of the Prometheus HTTP API (`/api/v1/query_range` and `/api/v1/query`, the documented, stable part that Thanos, Mimir and
// VictoriaMetrics also serve), on Node's fetch. Every failure becomes a PrometheusError whose message names the
// query and says what happened; header values (credentials) never appear in a message.

import type { Series } from '../engine/calibrate/fit';

/** Prometheus refuses more than 11,000 points per series in one query_range; longer ranges are asked in parts. */
export const MAX_POINTS_PER_REQUEST = 10_000;
export const DEFAULT_TIMEOUT_MS = 30_000;

export class PrometheusError extends Error {}

export interface PrometheusClientOptions {
  url: string;
  /** Header name → value, already read from the environment. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Points per series asked in one request (MAX_POINTS_PER_REQUEST); smaller in tests of the joining. */
  maxPointsPerRequest?: number;
  /** Called with each successful response body as parsed, to save the history a run used (`--save-history`). */
  onResponse?: (request: RangeQuery, body: unknown) => void;
}

export interface RangeQuery {
  /** The signal's name, for messages (`errors`, `kpi:payment-success`). */
  name: string;
  query: string;
  /** Unix seconds; `start` and `end` are evaluation times, every `step` seconds. */
  start: number;
  end: number;
  step: number;
}

export interface InstantQuery {
  /** What the query is for, for messages. */
  name: string;
  query: string;
  /** Unix seconds: the evaluation time. */
  time: number;
}

/** One series of an instant query's answer. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The address as it may be shown and written: no user, password, query string or fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return '(an address that is not a URL)';
  }
}

export class PrometheusClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new PrometheusError(`"${displayUrl(options.url)}" is not an http:// or https:// address.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new PrometheusError(`${displayUrl(options.url)} is not an http:// or https:// address.`);
    if (parsed.username || parsed.password)
      throw new PrometheusError(
        `the address of ${displayUrl(options.url)} holds credentials: send them as a header read from the environment (metrics.prometheus.headers: { Authorization: env:NAME }).`,
      );
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The series of a range query, parts joined; an empty list when the query matched nothing. */
  async queryRange(request: RangeQuery): Promise<Series[]> {
    const bySeries = new Map<string, Series>();
    const span = (this.options.maxPointsPerRequest ?? MAX_POINTS_PER_REQUEST) * request.step;
    for (let start = request.start; start <= request.end; start += span) {
      const end = Math.min(request.end, start + span - request.step);
      for (const series of await this.queryPart(request, start, end)) {
        const key = JSON.stringify(Object.entries(series.labels).sort());
        const known = bySeries.get(key);
        if (known) known.points.push(...series.points);
        else bySeries.set(key, series);
      }
    }
    return [...bySeries.values()];
  }

  /**
   * The series of an instant query at `time` (unix seconds): each with its labels and value; an empty list when the
   * query matched nothing.
   */
  async queryInstant(request: InstantQuery): Promise<Sample[]> {
    const payload = await this.post(
      'query',
      request,
      new URLSearchParams({ query: request.query, time: String(request.time), timeout: `${Math.ceil(this.timeoutMs / 1000)}s` }),
    );
    if (payload.data?.resultType !== 'vector' || !Array.isArray(payload.data.result))
      throw new PrometheusError(
        `${request.name}: ${displayUrl(this.base)} answered a ${payload.data?.resultType ?? 'malformed'} result, not a vector. The query was: ${request.query}`,
      );
    return payload.data.result.map((raw) => {
      const item = raw as { metric?: Record<string, string>; value?: [number, string] };
      return { labels: item.metric ?? {}, value: Number(item.value?.[1]) };
    });
  }

  /** One request to `/api/v1/<endpoint>`: the server's answer, or a PrometheusError naming the query and what went wrong. */
  private async post(
    endpoint: 'query' | 'query_range',
    request: { name: string; query: string },
    body: URLSearchParams,
  ): Promise<{
    status?: string;
    errorType?: string;
    error?: string;
    data?: { resultType?: string; result?: unknown[] };
    warnings?: string[];
  }> {
    const where = displayUrl(this.base);
    let response: Response;
    try {
      response = await fetch(`${this.base}/api/v1/${endpoint}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...this.options.headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PrometheusError(`${request.name}: ${where} did not answer within ${this.timeoutMs / 1000} s (--timeout).`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PrometheusError(
        `${request.name}: cannot reach Prometheus at ${where} (${cause?.code ?? cause?.message ?? (error as Error).message}).`,
      );
    }
    const text = await response.text().catch(() => '');
    let payload: {
      status?: string;
      errorType?: string;
      error?: string;
      data?: { resultType?: string; result?: unknown[] };
      warnings?: string[];
    };
    try {
      payload = JSON.parse(text);
    } catch {
      payload = {};
    }
    if (!response.ok || payload.status !== 'success') {
      if (response.status === 401 || response.status === 403)
        throw new PrometheusError(
          `${request.name}: ${where} answered ${response.status} ${response.statusText}: check the credentials of metrics.prometheus.headers.`,
        );
      const reason = payload.error
        ? `${payload.errorType ? `${payload.errorType}: ` : ''}${payload.error}`
        : `${response.status} ${response.statusText}${text && !text.trimStart().startsWith('<') ? `: ${text.slice(0, 200).trim()}` : ''}`;
      throw new PrometheusError(`${request.name}: Prometheus at ${where} rejected the query (${reason}). The query was: ${request.query}`);
    }
    return payload;
  }

  private async queryPart(request: RangeQuery, start: number, end: number): Promise<Series[]> {
    const where = displayUrl(this.base);
    const body = new URLSearchParams({
      query: request.query,
      start: String(start),
      end: String(end),
      step: String(request.step),
      timeout: `${Math.ceil(this.timeoutMs / 1000)}s`,
    });
    const payload = await this.post('query_range', request, body);
    if (payload.data?.resultType !== 'matrix' || !Array.isArray(payload.data.result))
      throw new PrometheusError(`${request.name}: ${where} answered a ${payload.data?.resultType ?? 'malformed'} result, not a matrix.`);
    this.options.onResponse?.(request, payload);
    return payload.data.result.map((raw) => {
      const item = raw as { metric?: Record<string, string>; values?: [number, string][] };
      return {
        labels: item.metric ?? {},
        points: (item.values ?? []).map(([time, value]) => [Number(time), Number(value)] as [number, number]),
      };
    });
  }
}

/** Header values from the environment; names a variable that is not set (never a value). */
export function headersFromEnvironment(references: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, variable] of Object.entries(references)) {
    const value = env[variable];
    if (value === undefined || value === '')
      throw new PrometheusError(`metrics.prometheus.headers.${header} reads the environment variable ${variable}, which is not set.`);
    headers[header] = value;
  }
  return headers;
}
