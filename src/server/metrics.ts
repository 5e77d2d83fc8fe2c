// Calibrate and backtest in the language server, beside the simulator they feed, for every editor. A plan's metrics
// address is content of a file, so no query leaves before the client has allowed the address: VS Code answers
// `stagegate/metricsAccess` (workspace trust, the address asked once per workspace, its secret store); any other
// editor is asked with the plain LSP `window/showMessageRequest`, once per address while the server runs. There is no
// other path to a metrics server in the server. Credentials are read from the environment (the plan's `env:NAME`
// headers) or come from the client's secret store, and every answer is scrubbed of them before it leaves.

import * as path from 'path';
import { parseDocument } from 'yaml';
import type { Connection, TextEdit } from 'vscode-languageserver/node';
import { MessageType } from 'vscode-languageserver/node';
import type { BacktestReport } from '../engine/backtest/replay';
import type { Calibration } from '../engine/calibrate/fit';
import { LABEL_LOOKBACK_MINUTES, type LabelMeasurementState } from '../engine/calibrate/labels';
import type { Finding } from '../engine/finding';
import { calibrationWindowMinutes, readMetricSources, shortestInterval, withWindow, type MetricSources } from '../engine/calibrate/sources';
import { writeCalibration, writeResourceCalibration } from '../engine/calibrate/write';
import { CONFIG_FILE_NAME } from '../engine/config/load';
import { durationMinutes } from '../engine/model/units';
import { DEFAULT_SEED } from '../engine/simulate';
import { compilePlan } from '../engine/simulate/compile';
import { resourceMetricSources } from '../engine/workspace/resource-metrics';
import { loadSimulation } from '../engine/workspace/simulation';
import { findConfigFile, readIfExists } from '../node/files';
import { measureLabelsWith } from '../node/measure-labels';
import { redact, requestHeaders, serverAddress } from '../node/metrics-access';
import { iso, readBacktest, readCalibration } from '../node/metrics-read';
import { displayUrl, PrometheusClient, PrometheusError } from '../node/prometheus';
import { formatCalibrationText } from '../report/calibration-text';
import {
  MetricsAccessRequest,
  type BacktestParams,
  type CalibrateResult,
  type HistoryParams,
  type MetricsFailure,
} from '../shared/protocol';
import { toPath, toUri } from './convert';
import type { ServerWorkspace } from './server-workspace';

const DEFAULT_CALIBRATE_LAST = '7d';
const DEFAULT_BACKTEST_LAST = '14d';
const DEFAULT_EVERY = '1h';
/** The longest history read at once, as `stagegate calibrate` and `backtest` allow. */
const MAX_HISTORY_DAYS = 366;
const TIMEOUT_MS = 30_000;
/** The environment variable that names the server for every plan, as in the CLI. */
const URL_VARIABLE = 'STAGEGATE_PROMETHEUS_URL';

const ALLOW = 'Allow';
const DO_NOT_ALLOW = 'Do Not Allow';

/** What the server said of one plan's labels, and the queries that asked (the measurement holds while they stand). */
interface KeptLabels {
  lookbackMinutes: number;
  /** The plan's label queries and needs when measured, as JSON: a text whose queries or needs differ drops it. */
  asked: string;
  state: LabelMeasurementState;
}

export class MetricsRuns {
  /** Answers given through `window/showMessageRequest` (editors without Stagegate's client), per address. */
  private readonly answered = new Map<string, boolean>();
  /**
   * The labels measured by the last Calibrate of each plan, per file and document. Kept while the server runs and
   * the plan's label queries stay as they were; never measured but inside a command the user ran.
   */
  private readonly labels = new Map<string, Map<number, KeptLabels>>();

  constructor(
    private readonly connection: Connection,
    private readonly files: ServerWorkspace,
    /** Whether the client answers `stagegate/metricsAccess` itself. */
    private readonly clientAnswersAccess: () => boolean,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Called when a plan's labels were measured: its readiness and findings changed. */
    private readonly labelsMeasured: () => void = () => undefined,
  ) {}

  /** What was measured of the plans of `file`, by document, while their label queries are those measured. */
  measuredLabels(file: string): (document: number) => LabelMeasurementState | undefined {
    const kept = this.labels.get(file);
    if (!kept) return () => undefined;
    const current = new Map<number, LabelMeasurementState>();
    for (const [document, entry] of kept) {
      const plan = this.files.engine.labelMeasurePlans(file, entry.lookbackMinutes).find((candidate) => candidate.document === document);
      if (plan && JSON.stringify(plan.measure) === entry.asked) current.set(document, entry.state);
    }
    return (document) => current.get(document);
  }

  /** The `metrics-label-missing` findings of the plans of `file` last measured, as `check --metrics` places them. */
  labelFindings(file: string): Finding[] {
    const kept = this.labels.get(file);
    if (!kept) return [];
    const measured = this.measuredLabels(file);
    return [...kept.keys()].flatMap((document) => {
      const state = measured(document);
      return state?.state === 'measured' ? this.files.engine.labelFindings(file, document, state.measurement) : [];
    });
  }

  async calibrate(params: HistoryParams): Promise<CalibrateResult | MetricsFailure> {
    const file = toPath(params.uri);
    const shown = this.files.relative(file);
    await this.known(file);
    const text = this.files.engine.source(file)?.text ?? (await readIfExists(file));
    if (text === undefined) return { error: `${shown} cannot be read.` };

    // A Rollout or Canary is calibrated from the templates it references, and written into `.stagegate.yaml`.
    const configPath = (await findConfigFile(file)) ?? path.join(path.dirname(file), CONFIG_FILE_NAME);
    const configText = await readIfExists(configPath);
    const resource = await resourceMetricSources(this.files.engine, file, configText);
    let read: { sources?: MetricSources; problems: string[] };
    let shortest: number | undefined;
    const json = /\.json$/i.test(file);
    if (resource) {
      read = resource;
      shortest = resource.shortestIntervalMinutes;
    } else {
      const document = parseDocument(text);
      if (document.errors.length > 0) return { error: `${shown} does not parse (${document.errors[0].message.split('\n')[0]}).` };
      const plan = document.toJS() as unknown;
      read = readMetricSources(plan);
      shortest = shortestInterval(plan);
    }
    const { sources, problems } = read;
    if (!sources || problems.length > 0) return { error: `${shown} cannot be calibrated: ${problems.join(' ')}` };
    const windowMinutes = calibrationWindowMinutes(shortest);
    const range = historyRange(params, Date.now() / 1000, windowMinutes, DEFAULT_CALIBRATE_LAST);
    if ('error' in range) return range;

    const connected = await this.connect(sources, resource ? `${shown} (through the templates it references)` : shown);
    if (!('client' in connected)) return connected;
    const { client, url, secrets } = connected;
    let calibration: Calibration;
    try {
      calibration = await readCalibration(client, sources, { ...range, windowMinutes });
    } catch (error) {
      return { error: redact(failure(error), secrets) };
    }

    // The plan's labels, asked of the same server with the same credentials while the user's command runs.
    if (!resource)
      await this.measureLabels(file, client, range.to, Math.min(LABEL_LOOKBACK_MINUTES, (range.to - range.from) / 60), secrets);

    const server = displayUrl(url);
    const stamp = { at: iso(Math.floor(Date.now() / 60_000) * 60), server };
    const target = resource ? configPath : file;
    const base = resource ? (configText ?? '') : text;
    let updated: string;
    try {
      updated = resource ? writeResourceCalibration(configText, calibration, stamp) : writeCalibration(text, json, calibration, stamp);
    } catch (error) {
      return { error: `${this.files.relative(target)}: not written: ${(error as Error).message}` };
    }
    // A server that echoes a credential back (as a label value, say) does not get it written into a shared file.
    if (redact(updated, secrets) !== updated)
      return { error: `${server} answered with a credential among its values: nothing is written.` };
    const notes = (resource?.notes ?? []).map((note) => withWindow(note, windowMinutes));
    return scrub(
      {
        calibration,
        summary: formatCalibrationText(calibration, server),
        server,
        target: toUri(target),
        targetExists: resource ? configText !== undefined : true,
        baseText: base,
        edit: minimalEdit(base, updated),
        notes,
      },
      secrets,
    );
  }

  async backtest(params: BacktestParams): Promise<BacktestReport | MetricsFailure> {
    const file = toPath(params.uri);
    const shown = this.files.relative(file);
    await this.known(file);
    const text = this.files.engine.source(file)?.text;
    if (text === undefined) return { error: `${shown} is not a release plan Stagegate reads.` };
    const document = parseDocument(text);
    if (document.errors.length > 0) return { error: `${shown} does not parse (${document.errors[0].message.split('\n')[0]}).` };
    const raw = document.toJS() as unknown;
    const { sources, problems } = readMetricSources(raw);
    if (sources && !sources.queries.some((entry) => entry.signal === 'errors'))
      problems.push('metrics.queries.errors is missing: backtest replays error-rate gates.');
    if (!sources || problems.length > 0) return { error: `${shown} cannot be backtested: ${problems.join(' ')}` };
    const { simulator, findings, schemaErrors } = await loadSimulation(this.files.engine, file, { file: shown });
    if (!simulator || schemaErrors.length > 0) {
      const first = (simulator ? schemaErrors : findings)[0];
      return {
        error: `${shown} cannot be backtested: ${first ? `${first.message} (line ${first.range.start.line + 1})` : 'it cannot be simulated.'}`,
      };
    }
    const windowMinutes = calibrationWindowMinutes(shortestInterval(raw));
    const every = params.every ?? DEFAULT_EVERY;
    const everyMinutes = durationMinutes(every);
    if (everyMinutes === undefined || everyMinutes <= 0 || everyMinutes % windowMinutes !== 0)
      return { error: `Rollouts start every whole number of ${windowMinutes}-minute windows, such as 1h (not "${every}").` };
    const range = historyRange(params, Date.now() / 1000, windowMinutes, DEFAULT_BACKTEST_LAST);
    if ('error' in range) return range;
    const { compiled, problems: compileProblems } = compilePlan(simulator.compiled.plan, { stepMinutes: windowMinutes });
    if (!compiled) return { error: `${shown} cannot be backtested: ${compileProblems.map((problem) => problem.message).join(' ')}` };
    const duration = compiled.totalSteps * windowMinutes * 60;
    if (range.to - range.from < duration)
      return {
        error: `The history (${(range.to - range.from) / 3600} h) is shorter than one rollout (${duration / 3600} h): read a longer history.`,
      };

    const connected = await this.connect(sources, shown);
    if (!('client' in connected)) return connected;
    const { client, url, secrets } = connected;
    try {
      const result = await readBacktest(
        client,
        sources,
        compiled,
        { ...range, windowMinutes },
        { firstStart: range.from, lastStart: range.to - duration, everySeconds: everyMinutes * 60, seed: DEFAULT_SEED },
      );
      return scrub(
        {
          plan: { name: compiled.plan.name, service: compiled.plan.service },
          window: { from: iso(range.from), to: iso(range.to) },
          every,
          evaluationWindow: `${windowMinutes}m`,
          seed: DEFAULT_SEED,
          source: { server: displayUrl(url) },
          ...result,
        } satisfies BacktestReport,
        secrets,
      );
    } catch (error) {
      return { error: redact(failure(error), secrets) };
    }
  }

  /** Measures the labels of every plan of `file` at `time`, keeps what the server said (scrubbed), and says so. */
  private async measureLabels(file: string, client: PrometheusClient, time: number, lookbackMinutes: number, secrets: string[]) {
    const kept = new Map<number, KeptLabels>();
    for (const { document, measure } of this.files.engine.labelMeasurePlans(file, lookbackMinutes)) {
      const state = await measureLabelsWith(client, measure, time, lookbackMinutes);
      kept.set(document, { lookbackMinutes, asked: JSON.stringify(measure), state: scrub(state, secrets) });
    }
    if (kept.size === 0 && !this.labels.has(file)) return;
    this.labels.set(file, kept);
    this.labelsMeasured();
  }

  /** A file asked about before its creation reached the server (file events come later) is read from disk now. */
  private async known(file: string): Promise<void> {
    if (!this.files.engine.source(file)) await this.files.changedOnDisk(file);
  }

  /** The client for the plan's server, once the address is allowed and the credentials are found; else why not. */
  private async connect(
    sources: MetricSources,
    shown: string,
  ): Promise<{ client: PrometheusClient; url: string; secrets: string[] } | MetricsFailure> {
    const fromEnvironment = this.env[URL_VARIABLE] || undefined;
    const url = fromEnvironment ?? sources.url;
    if (!url)
      return { error: `No metrics server: write metrics.prometheus.url in ${shown}, or set ${URL_VARIABLE} in the editor's environment.` };
    const address = serverAddress(url);
    if (!address) return { error: `${displayUrl(url)} is not an http:// or https:// address.` };
    try {
      // Refuses an address holding credentials before anyone is asked about it.
      new PrometheusClient({ url });
    } catch (error) {
      return { error: failure(error) };
    }
    const namedBy = fromEnvironment ? `the environment variable ${URL_VARIABLE}` : shown;
    const access = await this.access(address, displayUrl(url), namedBy);
    if (!access.allowed) return { refused: access.reason };
    const stored = Object.values(access.headers);
    const headers = requestHeaders(sources.headers, this.env, access.headers);
    if ('error' in headers) return { error: redact(headers.error, stored) };
    const secrets = [...new Set([...stored, ...Object.values(headers.headers)])];
    return { client: new PrometheusClient({ url, headers: headers.headers, timeoutMs: TIMEOUT_MS }), url, secrets };
  }

  private async access(
    address: string,
    server: string,
    namedBy: string,
  ): Promise<{ allowed: true; headers: Record<string, string> } | { allowed: false; reason: string }> {
    if (this.clientAnswersAccess()) {
      try {
        return await this.connection.sendRequest(MetricsAccessRequest, { address, server, namedBy });
      } catch (error) {
        return { allowed: false, reason: `The editor did not allow ${address} (${(error as Error).message}).` };
      }
    }
    let allowed = this.answered.get(address);
    if (allowed === undefined) {
      const answer = await this.connection.sendRequest('window/showMessageRequest', {
        type: MessageType.Warning,
        message: `Stagegate: ${namedBy} asks to query the metrics server ${address}. Allow it while this editor runs?`,
        actions: [{ title: ALLOW }, { title: DO_NOT_ALLOW }],
      });
      const title = (answer as { title?: string } | null)?.title;
      // Dismissed: asked again next time; answered: remembered.
      if (title === undefined) return { allowed: false, reason: `${address} was not allowed: no query was sent.` };
      allowed = title === ALLOW;
      this.answered.set(address, allowed);
    }
    return allowed ? { allowed: true, headers: {} } : { allowed: false, reason: `${address} is not allowed: no query was sent.` };
  }
}

/** The history of the request: `last` before now, or `from`/`to`, both ends on whole windows. */
export function historyRange(
  params: HistoryParams,
  now: number,
  windowMinutes: number,
  defaultLast: string,
): { from: number; to: number } | { error: string } {
  const step = windowMinutes * 60;
  let from: number;
  let to: number;
  if (params.from !== undefined || params.to !== undefined) {
    const start = instant(params.from);
    const end = instant(params.to);
    if (start === undefined || end === undefined) return { error: 'The history takes two times, ISO (2026-11-23T00:00Z) or unix seconds.' };
    [from, to] = [start, end];
  } else {
    const span = durationMinutes(params.last ?? defaultLast);
    if (span === undefined || span <= 0) return { error: `The history takes a duration such as 7d (not "${params.last}").` };
    [from, to] = [now - span * 60, now];
  }
  from = Math.floor(from / step) * step;
  to = Math.floor(to / step) * step;
  if (to - from < 2 * step) return { error: 'The history is shorter than two windows.' };
  if (to - from > MAX_HISTORY_DAYS * 86_400) return { error: `The history is longer than ${MAX_HISTORY_DAYS} days.` };
  return { from, to };
}

function instant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
  return Number.isFinite(seconds) ? seconds : undefined;
}

function failure(error: unknown): string {
  if (error instanceof PrometheusError) return error.message;
  return `The query could not run: ${(error as Error).message}`;
}

/** The answer with every credential replaced, wherever a server's values may have carried it. */
function scrub<T>(answer: T, secrets: string[]): T {
  const text = JSON.stringify(answer);
  const clean = redact(text, secrets);
  return clean === text ? answer : (JSON.parse(clean) as T);
}

/** One edit replacing only what differs between the two texts, so undo and the cursor stay where they were. */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end])
    end++;
  return {
    range: { start: position(before, start), end: position(before, before.length - end) },
    newText: after.slice(start, after.length - end),
  };
}

function position(text: string, offset: number): { line: number; character: number } {
  const head = text.slice(0, offset);
  const line = head.split('\n').length - 1;
  return { line, character: offset - (head.lastIndexOf('\n') + 1) };
}
