// How messages and hovers describe a gate's statistics: its cells, values in the metric's unit, its exposure.

import { formatCount, formatPercent, trafficView, type StageView } from '../model/plan-view';
import type { GateStatistics } from './gate-power';

/** ", judged on all traffic and 3 breakdown values (smallest: region=ap-south, about 3,240 requests)". */
export function describeCells(stats: GateStatistics): string {
  if (stats.cells.length <= 1) return '';
  const smallest = stats.cells.reduce((low, cell) => (cell.requests < low.requests ? cell : low));
  return `, judged on all traffic and ${stats.cells.length - 1} breakdown values (smallest: ${smallest.label}, about ${formatCount(smallest.requests)} requests)`;
}

export function describeValue(stats: GateStatistics, value: number): string {
  if (stats.metric === 'gauge') return describeGauge(value);
  return stats.metric === 'latencyP95Ms' ? `${Math.round(value)} ms` : formatPercent(value);
}

/** A gauge's value in its own unit, which the plan does not name: three significant digits, grouped. */
function describeGauge(value: number): string {
  const rounded = Number(value.toPrecision(3));
  return Math.abs(rounded) >= 1000 ? rounded.toLocaleString('en-US') : String(rounded);
}

/** ", its value wandering 5% from window to window (the default without baseline.dispersion.gauges.cpu)". */
export function describeGaugeSpread(stats: GateStatistics, metric: string): string {
  if (!stats.gaugeSpread) return '';
  const { relativeSd, given } = stats.gaugeSpread;
  const key = `baseline.dispersion.gauges.${metric.slice('gauge:'.length)}`;
  return `, its value wandering ${formatPercent(relativeSd)} from window to window (${given ? key : `the default without ${key}`})`;
}

/** "at 1% of 1,200 rps" or "on internal traffic (2% of 1,200 rps)". */
export function describeExposure(stage: StageView, value: Record<string, unknown>): string {
  const traffic = trafficView(value);
  const rps = formatCount(traffic.requestsPerSecond ?? 0);
  return stage.internal
    ? `on ${stage.weight ?? 100}% of internal traffic (${formatPercent(traffic.internalShare)} of ${rps} rps)`
    : `at ${stage.weight}% of ${rps} rps`;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** ", at × 0.42 of the rate (traffic.profile, a rollout starting at the week's quietest hour, Sunday 03:00 UTC)". */
export function describeProfile(stats: GateStatistics): string {
  if (!stats.profile) return '';
  const { startMinuteOfWeek, factor } = stats.profile;
  const hour = Math.floor(startMinuteOfWeek / 60);
  const when = `${DAYS[Math.floor(hour / 24)]} ${String(hour % 24).padStart(2, '0')}:00 UTC`;
  return `, at × ${Number(factor.toPrecision(2))} of the rate (traffic.profile, a rollout starting at the week's quietest hour, ${when})`;
}
