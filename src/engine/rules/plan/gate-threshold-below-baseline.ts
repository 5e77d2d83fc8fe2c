// gate-threshold-below-baseline

import { formatPercent } from '../../model/plan-view';
import { gatesWithStatistics, boundRange, describeBound } from '../../rule-kit/gates';
import { defineRule } from '../../rule-kit/rule';
import { describeValue } from '../../stats/gate-text';

export default defineRule({
  meta: {
    id: 'gate-threshold-below-baseline',
    family: 'plan',
    defaultSeverity: 'error',
    summary:
      'A bound that the healthy current version already breaks (an absolute bound below it, or a negative increase): a guaranteed false rollback.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    for (const { stage, gate, stats } of gatesWithStatistics(value, 0.8)) {
      if (!stats.baselineBreaksBound) continue;
      const bound = describeBound(gate, stats);
      context.report(
        boundRange(context, stage, gate, stats),
        `Gate on ${gate.metric} in stage "${stage.name}" has ${bound}, but the healthy current version runs at ${describeValue(stats, stats.healthy)}: a release with no regression fails it with probability ${formatPercent(stats.falseRollbackPerWindow)} per window and ${formatPercent(stats.falseRollbackPerStage)} over the stage's ${stats.evaluations} evaluation${stats.evaluations === 1 ? '' : 's'}.`,
      );
    }
  },
});
