// gate-underpowered

import { formatPercent, formatCount } from '../../model/plan-view';
import { formatMinutes } from '../../model/units';
import { gatesWithStatistics } from '../../rule-kit/gates';
import { defineRule } from '../../rule-kit/rule';
import { describeCells, describeGaugeSpread, describeProfile, describeExposure, describeValue } from '../../stats/gate-text';

export default defineRule({
  meta: {
    id: 'gate-underpowered',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'One evaluation window holds too few requests for the gate to detect a regression.',
    options: { targetPower: { default: 0.8, description: 'Detection probability per window below which the gate is reported.' } },
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const target = context.option('targetPower');
    for (const { stage, gate, stats } of gatesWithStatistics(value, target)) {
      if (stats.detectionProbability >= target || stats.baselineBreaksBound) continue;
      if (stats.metric === 'gauge') {
        // More requests do not help a gauge: only a steadier measure of it does.
        context.report(
          context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
          `Gate on ${gate.metric} in stage "${stage.name}": ${stats.regressionLabel} (${describeValue(stats, stats.healthy)} → ${describeValue(stats, stats.regressed)}) trips it with probability ${formatPercent(stats.detectionProbability)} per ${formatMinutes(stats.windowMinutes)} window, below the ${formatPercent(target)} target${describeGaugeSpread(stats, gate.metric ?? '')}. More traffic does not help, as a gauge is not counted from requests: measure it more steadily (an average over a longer range in its query).`,
        );
        continue;
      }
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
        context.locate(['stages', stage.index, 'gates', gate.index, 'metric']).value,
        `Gate on ${gate.metric} in stage "${stage.name}" sees about ${formatCount(stats.requestsPerWindow)} new-version requests per ${formatMinutes(stats.windowMinutes)} window ${describeExposure(stage, value)} (${Number(rate.toPrecision(3))}/s)${describeCells(stats)}${describeProfile(stats)}: ${regression} trips it with probability ${formatPercent(stats.detectionProbability)}, below the ${formatPercent(target)} target.${remedy}`,
      );
    }
  },
});
