// Statistical rules on gates: can a window detect a regression, and does a healthy release pass it?

import type { DocumentContext, DocumentRule } from '../context';
import { gateStatistics, type GateStatistics } from './gate-power';
import { baselineView, formatCount, formatPercent, stageViews, trafficView, type GateView, type StageView } from './plan-view';
import { formatMinutes } from '../../model/units';

type GateWithStatistics = { stage: StageView; gate: GateView; stats: GateStatistics };

/** Per parsed plan and target: three rules read the same statistics, and an unchanged file keeps its parsed value. */
const statisticsCache = new WeakMap<object, Map<number, GateWithStatistics[]>>();

function gatesWithStatistics(context: DocumentContext, value: Record<string, unknown>, targetPower: number): GateWithStatistics[] {
  let byTarget = statisticsCache.get(value);
  if (!byTarget) statisticsCache.set(value, (byTarget = new Map()));
  let gates = byTarget.get(targetPower);
  if (!gates) {
    gates = [];
    const traffic = trafficView(value);
    const baseline = baselineView(value);
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        const stats = gateStatistics(gate, stage, traffic, baseline, targetPower);
        if (stats) gates.push({ stage, gate, stats });
      }
    }
    byTarget.set(targetPower, gates);
  }
  return gates;
}

/** Where the bound that decides the gate is written: the binding one of max, min, maxIncrease and minRatio. */
function boundRange(context: DocumentContext, stage: StageView, gate: GateView, stats: GateStatistics) {
  const key = bindingBound(gate, stats);
  const located = context.locate(['stages', stage.index, 'gates', gate.index, key]);
  return located.depth === 5 ? located.value : context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value;
}

function bindingBound(gate: GateView, stats: GateStatistics): 'max' | 'min' | 'maxIncrease' | 'minRatio' {
  const same = (value: number | undefined) => value !== undefined && Math.abs(value - stats.threshold) < 1e-12;
  if (stats.metric === 'kpi') return same(gate.min) ? 'min' : 'minRatio';
  return same(gate.max) ? 'max' : 'maxIncrease';
}

/** "max 0.1%", or "maxIncrease -10% (a bound of 162 ms)" when a relative bound is the binding one. */
function describeBound(gate: GateView, stats: GateStatistics): string {
  const threshold = describeValue(stats, stats.threshold);
  const key = bindingBound(gate, stats);
  return key === 'max' || key === 'min' ? `${key} ${threshold}` : `${key} ${String(gate.raw[key])} (a bound of ${threshold})`;
}

/** ", judged on all traffic and 3 breakdown values (smallest: region=ap-south, about 3,240 requests)". */
export function describeCells(stats: GateStatistics): string {
  if (stats.cells.length <= 1) return '';
  const smallest = stats.cells.reduce((low, cell) => (cell.requests < low.requests ? cell : low));
  return `, judged on all traffic and ${stats.cells.length - 1} breakdown values (smallest: ${smallest.label}, about ${formatCount(smallest.requests)} requests)`;
}

export function describeValue(stats: GateStatistics, value: number): string {
  return stats.metric === 'latencyP95Ms' ? `${Math.round(value)} ms` : formatPercent(value);
}

/** "at 1% of 1,200 rps" or "on internal traffic (2% of 1,200 rps)". */
export function describeExposure(stage: StageView, value: Record<string, unknown>): string {
  const traffic = trafficView(value);
  const rps = formatCount(traffic.requestsPerSecond ?? 0);
  return stage.internal
    ? `on ${stage.weight ?? 100}% of internal traffic (${formatPercent(traffic.internalShare)} of ${rps} rps)`
    : `at ${stage.weight}% of ${rps} rps`;
}

export const gateUnderpowered: DocumentRule = {
  meta: {
    id: 'gate-underpowered',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'One evaluation window holds too few requests for the gate to detect a regression.',
    options: { targetPower: { default: 0.8, description: 'Detection probability per window below which the gate is reported.' } },
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const target = context.option<number>('gate-underpowered', 'targetPower');
    for (const { stage, gate, stats } of gatesWithStatistics(context, value, target)) {
      if (stats.detectionProbability >= target || stats.baselineBreaksBound) continue;
      const rate = stats.requestsPerWindow / (stats.windowMinutes * 60);
      let remedy = '';
      if (stats.scaleForTarget !== undefined) {
        const factor = stats.scaleForTarget;
        const weight = (stage.weight ?? 100) * factor;
        const interval = stats.windowMinutes * factor;
        const options: string[] = [];
        if (weight <= 100) options.push(`a weight of ${Number(weight.toPrecision(2))}%${stage.internal ? ' of internal traffic' : ''}`);
        options.push(`an interval of ${formatMinutes(Math.ceil(interval))}`);
        remedy = ` ${formatCount(stats.requestsPerWindow * factor)} requests per window would reach ${formatPercent(target)}: ${options.join(' or ')}.`;
      }
      const regression =
        stats.metric === 'latencyP95Ms'
          ? stats.regressionLabel
          : `${stats.regressionLabel} (${describeValue(stats, stats.healthy)} → ${describeValue(stats, stats.regressed)})`;
      context.report(
        'gate-underpowered',
        context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
        `Gate on ${gate.metric} in stage "${stage.name}" sees about ${formatCount(stats.requestsPerWindow)} new-version requests per ${formatMinutes(stats.windowMinutes)} window ${describeExposure(stage, value)} (${Number(rate.toPrecision(3))}/s)${describeCells(stats)}: ${regression} trips it with probability ${formatPercent(stats.detectionProbability)}, below the ${formatPercent(target)} target.${remedy}`,
      );
    }
  },
};

export const gateThresholdBelowBaseline: DocumentRule = {
  meta: {
    id: 'gate-threshold-below-baseline',
    family: 'plan',
    defaultSeverity: 'error',
    summary:
      'A bound that the healthy current version already breaks (an absolute bound below it, or a negative increase): a guaranteed false rollback.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    for (const { stage, gate, stats } of gatesWithStatistics(context, value, 0.8)) {
      if (!stats.baselineBreaksBound) continue;
      const bound = describeBound(gate, stats);
      context.report(
        'gate-threshold-below-baseline',
        boundRange(context, stage, gate, stats),
        `Gate on ${gate.metric} in stage "${stage.name}" has ${bound}, but the healthy current version runs at ${describeValue(stats, stats.healthy)}: a release with no regression fails it with probability ${formatPercent(stats.falseRollbackPerWindow)} per window and ${formatPercent(stats.falseRollbackPerStage)} over the stage's ${stats.evaluations} evaluation${stats.evaluations === 1 ? '' : 's'}.`,
      );
    }
  },
};

export const gateFalseRollbackLikely: DocumentRule = {
  meta: {
    id: 'gate-false-rollback-likely',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A bound so close to the healthy value that sampling noise alone is likely to roll a good release back.',
    options: {
      maxProbability: {
        default: 0.05,
        description: 'Largest accepted probability that a healthy release fails the gate during the stage.',
      },
    },
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const limit = context.option<number>('gate-false-rollback-likely', 'maxProbability');
    for (const { stage, gate, stats } of gatesWithStatistics(context, value, 0.8)) {
      if (stats.baselineBreaksBound || stats.falseRollbackPerStage <= limit) continue;
      context.report(
        'gate-false-rollback-likely',
        boundRange(context, stage, gate, stats),
        `Gate on ${gate.metric} in stage "${stage.name}" would fail a healthy release with probability ${formatPercent(stats.falseRollbackPerStage)} over the stage (${formatPercent(stats.falseRollbackPerWindow)} per ${formatMinutes(stats.windowMinutes)} window of about ${formatCount(stats.requestsPerWindow)} requests${describeCells(stats)}): the bound ${describeValue(stats, stats.threshold)} is within sampling noise of the healthy ${describeValue(stats, stats.healthy)}. Loosen it or evaluate over longer windows.`,
      );
    }
  },
};
