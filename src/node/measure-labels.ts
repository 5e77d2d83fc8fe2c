// Asks a metrics server whether a plan's request and error series carry the labels its readiness needs (the version,
// each flag, each breakdown dimension): one `count by (...)` query per series selector. Shared by the CLI (`check
// --metrics`, `calibrate`) and the language server (the editor's Calibrate command, after its address check). Every
// failure becomes a reason, never an exception.

import { readMetricSources } from '../engine/calibrate/sources';
import { readLabelCounts, type LabelMeasurePlan, type LabelMeasurementState } from '../engine/calibrate/labels';
import { formatMinutes } from '../engine/model/units';
import { headersFromEnvironment, PrometheusClient, PrometheusError } from './prometheus';

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
  if (measure.checks.length === 0) return noSelector();
  try {
    const client = new PrometheusClient({
      url,
      headers: headersFromEnvironment(sources?.headers ?? {}, server.env),
      timeoutMs: server.timeoutMs,
    });
    return await measureLabelsWith(client, measure, time, lookbackMinutes);
  } catch (error) {
    if (error instanceof PrometheusError) return { state: 'failed', reason: error.message };
    throw error;
  }
}

/** The same measurement through a client already made (the language server's, once its address is allowed). */
export async function measureLabelsWith(
  client: Pick<PrometheusClient, 'queryInstant'>,
  measure: LabelMeasurePlan,
  time: number,
  lookbackMinutes: number,
): Promise<LabelMeasurementState> {
  if (measure.checks.length === 0) return noSelector();
  try {
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

function noSelector(): LabelMeasurementState {
  return { state: 'failed', reason: 'metrics.queries.requests and errors name no series (no vector selector in them).' };
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
}
