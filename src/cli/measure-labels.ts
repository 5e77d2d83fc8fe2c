// Asks a metrics server whether a plan's request and error series carry the labels its readiness needs (the version,
// each flag, each breakdown dimension): one `count by (...)` query per series selector. Used by `check --metrics`
// and by `calibrate`, which already talks to the server. Every failure becomes a reason, never an exception.

import { readMetricSources } from '../engine/calibrate/sources';
import {
  hasMeasurableSeries,
  LABEL_LOOKBACK_MINUTES,
  labelFindings,
  labelMeasurePlan,
  readLabelCounts,
  type LabelMeasurePlan,
  type LabelMeasurementState,
} from '../engine/calibrate/labels';
import { parseSourceFile } from '../engine/parse/source-file';
import { toJsonFindings } from './format';
import type { PlacedFinding } from '../engine/finding';
import { formatMinutes } from '../engine/model/units';
import { headersFromEnvironment, PrometheusClient, PrometheusError } from '../node/prometheus';

export interface LabelServer {
  /** `--prometheus`, else `STAGEGATE_PROMETHEUS_URL`, else the plan's `metrics.prometheus.url`. */
  url?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The labels the plan's series lack, measured at `time` (unix seconds) over the plan's lookback. */
export async function measureLabels(
  plan: unknown,
  measure: LabelMeasurePlan,
  server: LabelServer,
  time: number,
  lookbackMinutes: number,
): Promise<LabelMeasurementState> {
  const { sources } = readMetricSources(plan, false);
  const url = server.url ?? (server.env.STAGEGATE_PROMETHEUS_URL || undefined) ?? sources?.url;
  if (!url)
    return {
      state: 'failed',
      reason: 'no Prometheus address: pass --prometheus URL, set STAGEGATE_PROMETHEUS_URL, or write metrics.prometheus.url in the plan.',
    };
  if (measure.checks.length === 0)
    return { state: 'failed', reason: 'metrics.queries.requests and errors name no series (no vector selector in them).' };
  try {
    const client = new PrometheusClient({
      url,
      headers: headersFromEnvironment(sources?.headers ?? {}, server.env),
      timeoutMs: server.timeoutMs,
    });
    const answers = [];
    for (const check of measure.checks) {
      const name = `the labels of the ${check.signals.join(' and ')} series`;
      const samples = await client.queryInstant({ name, query: check.query, time });
      if (samples.length === 0)
        return {
          state: 'failed',
          reason: `${name}: ${check.selector} matched no series in the ${formatMinutes(lookbackMinutes)} before ${iso(time)}: check the query and the server. The query was: ${check.query}`,
        };
      answers.push(samples.map((sample) => ({ labels: sample.labels, count: sample.value })));
    }
    return { state: 'measured', measurement: readLabelCounts(measure, answers, time, lookbackMinutes) };
  } catch (error) {
    if (error instanceof PrometheusError) return { state: 'failed', reason: error.message };
    throw error;
  }
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
}

/** What calibrate reports of a plan's labels: the findings, as `check --format json` places them, or why not measured. */
export type PlanLabels = { findings: PlacedFinding[] } | { notMeasured: string };

/**
 * The labels of the plan in `text` measured at `time` over the last day of the history (or all of it when shorter);
 * undefined for a plan with no requests or errors query.
 */
export async function measuredLabelsOfPlan(
  absolute: string,
  text: string,
  shown: string,
  server: LabelServer,
  time: number,
  historyMinutes: number,
): Promise<PlanLabels | undefined> {
  const source = parseSourceFile(absolute, text);
  const doc = source.documents[0];
  if (!doc || !hasMeasurableSeries(doc.value)) return undefined;
  const lookback = Math.min(LABEL_LOOKBACK_MINUTES, historyMinutes);
  const state = await measureLabels(doc.value, labelMeasurePlan(doc.value, lookback), server, time, lookback);
  if (state.state === 'failed') return { notMeasured: state.reason };
  return { findings: toJsonFindings([{ file: shown, findings: labelFindings(source, doc, state.measurement) }]) };
}

export function formatLabelsText(labels: PlanLabels): string {
  const head = '\nlabels (readiness: version, flags, breakdown)\n';
  if ('notMeasured' in labels) return `${head}  not measured: ${labels.notMeasured}\n`;
  if (labels.findings.length === 0) return `${head}  every label the plan needs is on its request and error series.\n`;
  return head + labels.findings.map((row) => `  ${row.file}:${row.line}:${row.column}  ${row.severity}  ${row.message}\n`).join('');
}
