// Short human summaries of simulation results, for the CLI's text format and the report's headings.
// Pure functions of the result: no locale, no clock, so the same result always reads the same.

import type {
  Detection,
  RunsSummary,
  ScenarioMatrix,
  ScenarioSummary,
  SimulationNote,
  SimulationReport,
  SimulationResult,
} from '../engine/simulate/result';

/** What every output of a plan shows before its results: whether it is gated, and what it was replayed despite. */
interface PlanFacts {
  plan: string;
  gated: boolean;
  notes: SimulationNote[];
}

/**
 * The lines that come first: a plan without a modelled gate (nothing can stop it, so a detection rate of 0 says
 * nothing), and a file simulated despite its errors. Empty for a gated plan read without error.
 */
export function planWarnings(facts: PlanFacts): string[] {
  const lines: string[] = [];
  if (!facts.gated)
    lines.push(`Not gated: no gate of ${facts.plan} is modelled, so nothing in this simulation can stop the rollout (the notes say why).`);
  const errors = facts.notes.filter((note) => note.severity === 'error').length;
  if (errors > 0)
    lines.push(
      `Simulated despite ${errors} error${errors === 1 ? '' : 's'} in ${facts.notes.find((note) => note.severity === 'error')!.file || 'the file'}: the plan replayed is what could be read of it (the notes list them).`,
    );
  return lines;
}

/** "checkout.rollout.yaml:37:27  Metric … is opaque …", one note per line; errors say so and name their rule. */
export function formatNote(note: SimulationNote): string {
  const where = `${note.file ? `${note.file}:` : ''}${note.line}:${note.column}`;
  return note.severity === 'info' ? `${where}  ${note.message}` : `${where}  ${note.severity}  ${note.message}  ${note.ruleId}`;
}

function noteLines(notes: SimulationNote[]): string[] {
  return notes.length === 0 ? [] : [`Notes (${notes.length}):`, ...notes.map((note) => `  ${formatNote(note)}`)];
}

/** "error-spike caught in canary-1 at minute 12 by errorRate in region=eu-west; 1,840 requests failed before rollback." */
export function describeRun(result: SimulationResult): string {
  const failed = result.blastRadius.failedRequests;
  const failedText = `${count(failed)} request${failed === 1 ? '' : 's'} failed`;
  // When the new version is not at fault, a stop is a false rollback and going on is right.
  const nothingToCatch = !result.newVersionAtFault;
  if (!result.detection || !result.stop) {
    // Without a modelled gate nothing could have stopped it: not a miss of the plan's gates.
    const why = result.gated ? '' : 'no gate is modelled, so ';
    if (nothingToCatch)
      return result.gated
        ? `${result.scenario}: no gate stopped the rollout; it completed at minute ${number(result.endMinute)}.`
        : `${result.scenario}: no gate is modelled; the rollout completed at minute ${number(result.endMinute)}.`;
    return `${result.scenario} not caught: ${why}the rollout completed at minute ${number(result.endMinute)}; ${failedText}.`;
  }
  const detection = result.detection;
  const what = nothingToCatch
    ? `${result.scenario}: false rollback`
    : `${result.scenario} ${detection.verdict === 'fail' ? 'caught' : 'stopped (inconclusive)'}`;
  const caught = `${what} in ${detection.stage} at minute ${number(detection.minute)} by ${detection.gate}${detection.segment ? ` in ${detection.segment}` : ''}`;
  const stop = result.stop;
  const restored =
    stop.outcome === 'paused'
      ? `rollout paused; traffic restored at minute ${number(stop.restoredMinute)} by a human`
      : `${stop.by === 'human' ? 'a human rolled back' : stop.action === 'disable-flags' ? 'flags disabled' : 'rolled back'}; traffic restored at minute ${number(stop.restoredMinute)}`;
  if (nothingToCatch && failed === 0) return `${caught} (${restored}).`;
  return `${caught}; ${failedText} before traffic was restored (${restored}).`;
}

function describeDetection(detection: Detection): string {
  const value = (x: number | null) =>
    x === null
      ? 'none'
      : detection.metric === 'latencyP95Ms'
        ? `${number(x)} ms`
        : detection.metric.startsWith('gauge:')
          ? number(x)
          : percent(x);
  if (detection.verdict === 'inconclusive') return `${detection.samples} new-version requests in the window, fewer than minSamples`;
  return `observed ${value(detection.observed)} against a bound of ${value(detection.threshold)}${detection.baseline !== null ? ` (current version ${value(detection.baseline)})` : ''}`;
}

export function formatRunText(result: SimulationResult): string {
  const lines = [
    ...planWarnings(result),
    `${result.plan} · ${result.scenario} (seed ${result.seed}): ${result.description}`,
    describeRun(result),
  ];
  if (result.detection) lines.push(`  ${describeDetection(result.detection)}, on ${count(result.detection.samples)} new-version requests.`);
  const radius = result.blastRadius;
  lines.push(
    `Blast radius: ${count(radius.exposedRequests)} requests exposed${radius.users === null ? '' : ` (${count(Math.round(radius.users))} users)`}, ${count(radius.failedRequests)} failed, peak ${percent(radius.peakTrafficShare)} of traffic.`,
  );
  const worst = [...radius.bySegment]
    .filter((segment) => segment.failedRequests > 0)
    .sort((a, b) => b.failedRequests - a.failedRequests || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0))
    .slice(0, 3);
  if (worst.length > 0)
    lines.push(`  most failed: ${worst.map((segment) => `${segment.segment} ${count(segment.failedRequests)}`).join('; ')}`);
  lines.push(
    `Stages: ${result.stages.map((stage) => `${stage.name} ${stage.verdict}${stage.start === null ? '' : ` (minute ${number(stage.start)}–${number(stage.end ?? stage.start)})`}`).join(' · ')}`,
  );
  lines.push(...noteLines(result.notes));
  return lines.join('\n') + '\n';
}

export function formatSummaryText(summary: RunsSummary): string {
  const lines = [
    ...planWarnings(summary),
    `${summary.plan} · ${summary.scenario} over ${count(summary.runs)} runs (seeds ${summary.seed}–${summary.seed + summary.runs - 1}): ${summary.description}`,
  ];
  lines.push(
    summary.gated
      ? `${summary.newVersionAtFault ? 'caught' : 'stopped (false rollbacks)'} in ${percent(summary.detectionRate)} of runs${whereText(summary)}${summary.meanDetectionMinute === null ? '' : `; mean detection at minute ${number(summary.meanDetectionMinute)}`}.`
      : 'not gated: no gate is modelled, so no run could be stopped.',
  );
  const { failedRequests, exposedRequests, users } = summary.blastRadius;
  lines.push(
    `failed requests: p50 ${count(failedRequests.p50)}, p95 ${count(failedRequests.p95)}, max ${count(failedRequests.max)} (mean ${number(failedRequests.mean)})`,
  );
  lines.push(
    `exposed requests: p50 ${count(exposedRequests.p50)}, p95 ${count(exposedRequests.p95)}, max ${count(exposedRequests.max)}${users ? `; users p95 ${count(Math.round(users.p95))}` : ''}`,
  );
  lines.push(
    `outcomes: completed ${percent(summary.outcomes.completed)}, rolled back ${percent(summary.outcomes['rolled-back'])}, paused ${percent(summary.outcomes.paused)}`,
  );
  lines.push(...noteLines(summary.notes));
  return lines.join('\n') + '\n';
}

export function formatMatrixText(matrix: ScenarioMatrix): string {
  // A stop is a catch only when the new version is at fault; otherwise it is a false rollback.
  const header = ['scenario', 'caught', 'false rollbacks', 'where', 'mean minute', 'failed p50 / p95 / max', 'exposed p95'];
  const rate = (summary: ScenarioSummary) => (matrix.gated ? percent(summary.detectionRate) : NOT_GATED);
  const rows = matrix.scenarios.map((summary) => [
    summary.scenario,
    summary.newVersionAtFault ? rate(summary) : '-',
    summary.newVersionAtFault ? '-' : rate(summary),
    whereText(summary).replace(/^: /, '') || '-',
    summary.meanDetectionMinute === null ? '-' : number(summary.meanDetectionMinute),
    `${count(summary.blastRadius.failedRequests.p50)} / ${count(summary.blastRadius.failedRequests.p95)} / ${count(summary.blastRadius.failedRequests.max)}`,
    count(summary.blastRadius.exposedRequests.p95),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return (
    [
      ...planWarnings(matrix),
      `${matrix.plan}: ${matrix.scenarios.length} scenarios × ${count(matrix.runs)} runs (seeds ${matrix.seed}–${matrix.seed + matrix.runs - 1})`,
      '',
      line(header),
      ...rows.map(line),
      ...(matrix.notes.length > 0 ? ['', ...noteLines(matrix.notes)] : []),
    ].join('\n') + '\n'
  );
}

/** What the matrix shows instead of a rate when no gate is modelled: 0% would read as gates that missed. */
export const NOT_GATED = 'not gated';

/** ": internal 94.1%, canary-1 5.9%" for the stages that caught anything. */
function whereText(summary: ScenarioSummary): string {
  const parts = Object.entries(summary.detectionByStage)
    .filter(([, rate]) => rate > 0)
    .map(([stage, rate]) => `${stage} ${percent(rate)}`);
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** 1234567 → "1,234,567", without the locale (so output is the same everywhere). */
export function count(value: number): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

/** 0.93333 → "93.33%". */
export function percent(rate: number): string {
  return `${number(Math.round(rate * 10000) / 100)}%`;
}

/** At most 3 decimals, trailing zeros dropped, thousands grouped. */
export function number(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  const [whole, fraction] = String(Math.abs(rounded)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = rounded < 0 ? '-' : '';
  return fraction ? `${sign}${grouped}.${fraction.slice(0, 3)}` : `${sign}${grouped}`;
}

/** "catches error-spike 74%, segment-outage 100% · false rollbacks 1%", from the matrix or the last summary. */
export function stageSummary(report: SimulationReport, stage: string): string | undefined {
  // A stage without a modelled gate catches nothing because nothing watches it, not because its gates missed.
  const named = report.plan.stages.filter((candidate) => candidate.name === stage);
  if (named.length > 0 && named.every((candidate) => candidate.gates.length === 0)) return 'no modelled gate';
  const summaries: ScenarioSummary[] = report.matrix?.scenarios ?? (report.summary ? [report.summary] : []);
  if (summaries.length === 0) {
    const detection = report.run.detection;
    if (detection?.stage !== stage) return undefined;
    if (!report.run.newVersionAtFault) return `false rollback in ${report.run.scenario} at minute ${number(detection.minute)}`;
    return `caught ${report.run.scenario} at minute ${number(detection.minute)} (${count(report.run.blastRadius.failedRequests)} failed requests)`;
  }
  const caught = summaries
    .filter((summary) => summary.newVersionAtFault && (summary.detectionByStage[stage] ?? 0) > 0)
    .sort((a, b) => b.detectionByStage[stage] - a.detectionByStage[stage])
    .map((summary) => `${summary.scenario} ${lensPercent(summary.detectionByStage[stage])}`);
  // Stops where the new version was not at fault (healthy, a dependency failing for both) are false rollbacks.
  const falseRollbacks = Math.max(
    0,
    ...summaries.filter((summary) => !summary.newVersionAtFault).map((summary) => summary.detectionByStage[stage] ?? 0),
  );
  const parts = [];
  if (caught.length)
    parts.push(`catches ${caught.slice(0, 3).join(', ')}${caught.length > 3 ? ` and ${caught.length - 3} more` : ''} of runs`);
  if (falseRollbacks > 0) parts.push(`false rollbacks ${lensPercent(falseRollbacks)}`);
  return parts.length ? parts.join(' · ') : 'catches nothing in the simulation';
}

/** A share for a CodeLens title: whole percents, one decimal below 10%. */
function lensPercent(value: number): string {
  return `${Number((value * 100).toFixed(value < 0.1 ? 1 : 0))}%`;
}
