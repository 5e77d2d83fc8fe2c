// What `calibrate` reports of a plan's labels: measured (by src/node/measure-labels, as `check --metrics` measures
// them) at the end of its history, and printed with the calibration.

import { hasMeasurableSeries, LABEL_LOOKBACK_MINUTES, labelFindings, labelMeasurePlan } from '../engine/calibrate/labels';
import { parseSourceFile } from '../engine/parse/source-file';
import { toJsonFindings } from './format';
import type { PlacedFinding } from '../engine/finding';
import { measureLabels, type LabelServer } from '../node/measure-labels';

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
