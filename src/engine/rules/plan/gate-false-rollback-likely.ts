// gate-false-rollback-likely

import { formatPercent, formatCount } from '../../model/plan-view';
import { formatMinutes } from '../../model/units';
import { gatesWithStatistics, boundRange } from '../../rule-kit/gates';
import { defineRule } from '../../rule-kit/rule';
import { describeCells, describeGaugeSpread, describeProfile, describeValue } from '../../stats/gate-text';

export default defineRule({
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
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const limit = context.option('maxProbability');
    for (const { stage, gate, stats } of gatesWithStatistics(value, 0.8)) {
      if (stats.baselineBreaksBound || stats.falseRollbackPerStage <= limit) continue;
      if (stats.metric === 'gauge') {
        // A gauge is not counted from requests: its noise is its own spread, which neither traffic nor a longer window reduces.
        context.report(
          boundRange(context, stage, gate, stats),
          `Gate on ${gate.metric} in stage "${stage.name}" would fail a healthy release with probability ${formatPercent(stats.falseRollbackPerStage)} over the stage (${formatPercent(stats.falseRollbackPerWindow)} at each of its ${stats.evaluations} evaluation${stats.evaluations === 1 ? '' : 's'}${describeGaugeSpread(stats, gate.metric ?? '')}): the bound ${describeValue(stats, stats.threshold)} is within the gauge's own variation of the healthy ${describeValue(stats, stats.healthy)}. Loosen it, or evaluate it less often.`,
        );
        continue;
      }
      context.report(
        boundRange(context, stage, gate, stats),
        `Gate on ${gate.metric} in stage "${stage.name}" would fail a healthy release with probability ${formatPercent(stats.falseRollbackPerStage)} over the stage (${formatPercent(stats.falseRollbackPerWindow)} per ${formatMinutes(stats.windowMinutes)} window of about ${formatCount(stats.requestsPerWindow)} requests${describeCells(stats)}${describeProfile(stats)}): the bound ${describeValue(stats, stats.threshold)} is within sampling noise of the healthy ${describeValue(stats, stats.healthy)}. Loosen it or evaluate over longer windows.`,
      );
    }
  },
});
