// stage-without-gates

import { needsGates, stageViews } from '../../model/plan-view';
import { insertEntry } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'stage-without-gates',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A stage that exposes traffic has no gate: rollout without pass criteria is a ritual.',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
    for (const stage of stageViews(value)) {
      if (!needsGates(stage) || stage.gates.length > 0) continue;
      const edit = insertEntry(context, ['stages', stage.index], 'gates', [
        { metric: 'errorRate', maxIncrease: '20%' },
        { metric: 'latencyP95Ms', maxIncrease: '15%' },
      ]);
      const where = stage.internal ? 'internal traffic' : `${stage.weight}% of traffic`;
      context.report(
        context.locate(['stages', stage.index, 'name']).value,
        `Stage "${stage.name}" sends ${where} to the new version with no gate: nothing decides whether it may continue, so a bad version goes on to the next stage.`,
        {
          fixes: edit ? [{ title: 'Add gates on error rate and p95 latency', edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
    }
  },
});
