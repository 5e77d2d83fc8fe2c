// What the three statistical gate rules share: each gate's statistics, computed once per plan, and where and how
// their messages name the bound that decides.

import { baselineView, planSchedule, stageViews, trafficView, type GateView, type StageView } from '../model/plan-view';
import { gateStatistics, type GateStatistics } from '../stats/gate-power';
import { describeValue } from '../stats/gate-text';
import type { DocumentContext } from './context';

type GateWithStatistics = { stage: StageView; gate: GateView; stats: GateStatistics };

/** Per parsed plan and target: three rules read the same statistics, and an unchanged file keeps its parsed value. */
const statisticsCache = new WeakMap<object, Map<number, GateWithStatistics[]>>();

export function gatesWithStatistics(value: Record<string, unknown>, targetPower: number): GateWithStatistics[] {
  let byTarget = statisticsCache.get(value);
  if (!byTarget) statisticsCache.set(value, (byTarget = new Map()));
  let gates = byTarget.get(targetPower);
  if (!gates) {
    gates = [];
    const traffic = trafficView(value);
    const baseline = baselineView(value);
    const schedule = planSchedule(value);
    for (const stage of stageViews(value)) {
      for (const gate of stage.gates) {
        const stats = gateStatistics(gate, stage, traffic, baseline, targetPower, schedule);
        if (stats) gates.push({ stage, gate, stats });
      }
    }
    byTarget.set(targetPower, gates);
  }
  return gates;
}

/** Where the bound that decides the gate is written: the binding one of max, min, maxIncrease and minRatio. */
export function boundRange(context: DocumentContext, stage: StageView, gate: GateView, stats: GateStatistics) {
  const key = bindingBound(gate, stats);
  const located = context.locate(['stages', stage.index, 'gates', gate.index, key]);
  return located.depth === 5 ? located.value : context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value;
}

function bindingBound(gate: GateView, stats: GateStatistics): 'max' | 'min' | 'maxIncrease' | 'minRatio' {
  const same = (value: number | undefined) => value !== undefined && Math.abs(value - stats.threshold) < 1e-12;
  if (stats.metric === 'kpi' || stats.lowerBound) return same(gate.min) ? 'min' : 'minRatio';
  return same(gate.max) ? 'max' : 'maxIncrease';
}

/** "max 0.1%", or "maxIncrease -10% (a bound of 162 ms)" when a relative bound is the binding one. */
export function describeBound(gate: GateView, stats: GateStatistics): string {
  const threshold = describeValue(stats, stats.threshold);
  const key = bindingBound(gate, stats);
  return key === 'max' || key === 'min' ? `${key} ${threshold}` : `${key} ${String(gate.raw[key])} (a bound of ${threshold})`;
}
