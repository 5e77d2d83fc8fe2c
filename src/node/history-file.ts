// A saved metrics history: the exact Prometheus `query_range` response bodies a run of `calibrate` or `backtest`
// used, each under the query string and range it answered, in a small versioned JSON envelope. `--save-history`
// writes one; `--history` answers the same range queries from it instead of a server, so a backtest runs where
// production metrics cannot be reached (CI). Header values (credentials) are never part of it: the server is kept as
// `displayUrl` shows it.

import { promises as fs } from 'fs';
import type { Series } from '../engine/calibrate/fit';
import { formatMinutes } from '../engine/model/units';
import type { RangeQuery } from './prometheus';

export const HISTORY_FORMAT = 'stagegate-metrics-history';
export const HISTORY_VERSION = 1;

/** A file over this size is refused before it is parsed (a year of 1-minute windows of one series is ~15 MB). */
export const MAX_HISTORY_BYTES = 512 * 1024 * 1024;

export class HistoryError extends Error {}

/** One query as it was sent (`start`/`end`/`step` unix seconds, as query_range takes them) and every body answered. */
export interface SavedQuery {
  signal: string;
  query: string;
  start: number;
  end: number;
  step: number;
  /** The response bodies, in order: longer ranges are asked in parts (see PrometheusClient). */
  responses: unknown[];
}

export interface HistoryEnvelope {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_VERSION;
  /** What wrote it, and when (ISO). */
  savedBy: string;
  savedAt: string;
  source: { server: string };
  /** The history the command read (ISO; `from` is the start of the first window, `to` the end of the last). */
  range: { from: string; to: string };
  /** The evaluation window, as `$window` was filled in (`30m`); `step` in seconds. */
  window: string;
  step: number;
  queries: SavedQuery[];
}

/** Anything that answers range queries: a Prometheus server or a saved history. */
export interface RangeSource {
  queryRange(request: RangeQuery): Promise<Series[]>;
}

/** Collects the bodies a run's queries were answered with, to be saved. */
export class HistoryRecorder {
  private readonly queries = new Map<string, SavedQuery>();

  /** For PrometheusClient's `onResponse`. */
  readonly record = (request: RangeQuery, body: unknown): void => {
    const key = `${request.step} ${request.query}`;
    let saved = this.queries.get(key);
    if (!saved) {
      saved = { signal: request.name, query: request.query, start: request.start, end: request.end, step: request.step, responses: [] };
      this.queries.set(key, saved);
    }
    saved.responses.push(body);
  };

  envelope(header: { savedBy: string; savedAt: string; server: string; from: number; to: number; step: number }): HistoryEnvelope {
    return {
      format: HISTORY_FORMAT,
      version: HISTORY_VERSION,
      savedBy: header.savedBy,
      savedAt: header.savedAt,
      source: { server: header.server },
      range: { from: iso(header.from), to: iso(header.to) },
      window: formatMinutes(header.step / 60),
      step: header.step,
      queries: [...this.queries.values()],
    };
  }
}

/** The envelope as text: its fields indented, each response body on one line (a file of many points stays readable). */
export function historyText(envelope: HistoryEnvelope): string {
  const { queries, ...header } = envelope;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const entries = queries.map((query) => {
    const { responses, ...fields } = query;
    const lines = responses.map((body) => `        ${JSON.stringify(body)}`).join(',\n');
    return `    ${JSON.stringify(fields).replace(/}$/, '')},\n      "responses": [\n${lines}\n      ]\n    }`;
  });
  return `${head},\n  "queries": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

/** Writes the envelope beside `file` and renames it over it: an interrupted write never leaves half a history. */
export async function writeHistory(file: string, envelope: HistoryEnvelope): Promise<void> {
  const temporary = `${file}.history-${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, historyText(envelope), 'utf8');
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** The history file named by `--history`, read and checked. */
export async function readHistory(file: string, shown: string): Promise<HistoryFile> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    // A pipe or a device would block the read forever.
    if (!stat.isFile()) throw new HistoryError(`${shown}: not a regular file.`);
    if (stat.size > MAX_HISTORY_BYTES)
      throw new HistoryError(
        `${shown}: ${Math.round(stat.size / 2 ** 20)} MB, over the ${MAX_HISTORY_BYTES / 2 ** 20} MB a history may hold.`,
      );
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    throw new HistoryError(`${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  return HistoryFile.parse(text, shown);
}

/** A saved history read back: answers the range queries it holds, over its range or any part of it. */
export class HistoryFile implements RangeSource {
  private constructor(
    /** The file as named on the command line, for messages. */
    readonly shown: string,
    readonly envelope: HistoryEnvelope,
  ) {}

  /** The envelope checked field by field; every problem is a HistoryError naming the file and the field. */
  static parse(text: string, shown: string): HistoryFile {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      if (/^\s*(# (TYPE|HELP|UNIT|EOF)\b|[A-Za-z_:][A-Za-z0-9_:]*(\{[^}]*\})?\s+[-+0-9.eEInfNa]+(\s+\d+(\.\d+)?)?\s*$)/m.test(body))
        throw new HistoryError(
          `${shown} is OpenMetrics (or Prometheus text) exposition, which holds raw series: the plan's queries are PromQL over those ` +
            'series and need a PromQL engine to answer, which Stagegate does not have. Save the query results with ' +
            '--save-history from a server, or backfill the file into a Prometheus (promtool tsdb create-blocks-from openmetrics) and pass --prometheus.',
        );
      throw new HistoryError(`${shown} is not a metrics history: it is not JSON (${(error as Error).message}).`);
    }
    const envelope = record(value);
    const field = (name: string) => `${shown}: "${name}"`;
    if (!envelope)
      throw new HistoryError(`${shown} is not a metrics history: a JSON object with "format": "${HISTORY_FORMAT}" is expected.`);
    if (envelope.format !== HISTORY_FORMAT)
      throw new HistoryError(
        `${shown} is not a metrics history: "format" is ${JSON.stringify(envelope.format) ?? 'missing'}, not "${HISTORY_FORMAT}".`,
      );
    if (envelope.version !== HISTORY_VERSION)
      throw new HistoryError(
        `${field('version')} is ${JSON.stringify(envelope.version) ?? 'missing'}: this Stagegate reads version ${HISTORY_VERSION} (save the history again with it).`,
      );
    const range = record(envelope.range);
    const from = typeof range?.from === 'string' ? Date.parse(range.from) / 1000 : NaN;
    const to = typeof range?.to === 'string' ? Date.parse(range.to) / 1000 : NaN;
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from))
      throw new HistoryError(`${field('range')} must be { "from": ISO time, "to": a later ISO time }.`);
    if (!positive(envelope.step) || envelope.step % 60 !== 0)
      throw new HistoryError(
        `${field('step')} must be the evaluation window in seconds, whole minutes (got ${JSON.stringify(envelope.step)}).`,
      );
    const server = record(envelope.source)?.server;
    if (typeof server !== 'string') throw new HistoryError(`${field('source.server')} must be the address the history was saved from.`);
    if (!Array.isArray(envelope.queries)) throw new HistoryError(`${field('queries')} must be a list.`);
    envelope.queries.forEach((raw, index) => {
      const query = record(raw);
      const at = `queries[${index}]`;
      if (!query) throw new HistoryError(`${field(at)} must be an object.`);
      if (typeof query.query !== 'string' || query.query === '')
        throw new HistoryError(`${field(`${at}.query`)} must be the query string.`);
      if (typeof query.signal !== 'string') throw new HistoryError(`${field(`${at}.signal`)} must name the signal (requests, errors…).`);
      for (const name of ['start', 'end', 'step'])
        if (!positive(query[name])) throw new HistoryError(`${field(`${at}.${name}`)} must be a positive number (unix seconds).`);
      if ((query.end as number) < (query.start as number)) throw new HistoryError(`${field(`${at}.end`)} is before its start.`);
      if (!Array.isArray(query.responses)) throw new HistoryError(`${field(`${at}.responses`)} must be a list of query_range responses.`);
    });
    return new HistoryFile(shown, envelope as unknown as HistoryEnvelope);
  }

  /** The history's range, unix seconds. */
  get range(): { from: number; to: number } {
    return { from: Date.parse(this.envelope.range.from) / 1000, to: Date.parse(this.envelope.range.to) / 1000 };
  }

  async queryRange(request: RangeQuery): Promise<Series[]> {
    const { step, window } = this.envelope;
    if (request.step !== step)
      throw new HistoryError(
        `${request.name}: ${this.shown} was saved with ${window} windows (step ${step} s); this run uses ${formatMinutes(request.step / 60)}: pass --window ${window}, or save the history again.`,
      );
    const index = this.envelope.queries.findIndex((saved) => saved.query === request.query && saved.step === request.step);
    if (index < 0) {
      const other = this.envelope.queries.find((saved) => saved.signal === request.name);
      throw new HistoryError(
        `${request.name}: ${this.shown} holds no response for the query ${request.query}` +
          (other ? ` (its ${other.signal} query is ${other.query})` : ` (it holds ${this.signals()})`) +
          ': save the history again with this plan.',
      );
    }
    const saved = this.envelope.queries[index];
    if (request.start < saved.start || request.end > saved.end)
      throw new HistoryError(
        `${request.name}: ${this.shown} covers ${iso(saved.start - saved.step)} to ${iso(saved.end)}; this run asks ${iso(request.start - request.step)} to ${iso(request.end)}: pass --from and --to within it.`,
      );
    // One pass per body, points within the run's range appended to their series: a long fine history is half a
    // million points per query, and copies of it cost more than reading it.
    const bySeries = new Map<string, Series>();
    saved.responses.forEach((body, part) =>
      readMatrix(body, `${request.name}: ${this.shown}: "queries[${index}].responses[${part}]"`, request, (labels) => {
        const key = JSON.stringify(Object.entries(labels).sort());
        let series = bySeries.get(key);
        if (!series) bySeries.set(key, (series = { labels, points: [] }));
        return series.points;
      }),
    );
    return [...bySeries.values()];
  }

  private signals(): string {
    const names = this.envelope.queries.map((saved) => saved.signal);
    return names.length === 0 ? 'no query' : `queries for ${names.join(', ')}`;
  }
}

/** Values Prometheus writes that are not decimal numbers (read with Number() as the client reads them). */
const SPECIAL_VALUES = new Set(['NaN', '+Inf', '-Inf', 'Inf']);

/**
 * The points of a saved query_range body within `range`, appended to the list `into` gives for each series' labels;
 * every field checked, so a damaged body is named, never half read.
 */
function readMatrix(
  body: unknown,
  where: string,
  range: { start: number; end: number },
  into: (labels: Record<string, string>) => [number, number][],
): void {
  const response = record(body);
  if (response?.status !== 'success')
    throw new HistoryError(
      `${where} is not a successful query_range response ("status" is ${JSON.stringify(response?.status) ?? 'missing'}).`,
    );
  const data = record(response.data);
  if (data?.resultType !== 'matrix' || !Array.isArray(data.result))
    throw new HistoryError(`${where} is not a range result: "data.resultType" must be "matrix" with a "data.result" list.`);
  data.result.forEach((raw, index) => {
    const item = record(raw);
    const metric = record(item?.metric);
    if (!metric || !Object.values(metric).every((value) => typeof value === 'string'))
      throw new HistoryError(`${where}: "data.result[${index}].metric" must be an object of label values.`);
    const values = item!.values;
    if (!Array.isArray(values)) throw new HistoryError(`${where}: "data.result[${index}].values" must be a list of [time, "value"].`);
    const points = into(metric as Record<string, string>);
    for (let at = 0; at < values.length; at++) {
      const pair: unknown = values[at];
      const ok = Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'number' && typeof pair[1] === 'string';
      const value = ok ? Number(pair[1]) : NaN;
      if (!ok || (Number.isNaN(value) && !SPECIAL_VALUES.has(pair[1] as string)))
        throw new HistoryError(
          `${where}: "data.result[${index}].values[${at}]" must be [unix seconds, "value"] (got ${JSON.stringify(pair)}).`,
        );
      const time = pair[0] as number;
      if (time >= range.start && time <= range.end) points.push([time, value]);
    }
  });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function positive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
