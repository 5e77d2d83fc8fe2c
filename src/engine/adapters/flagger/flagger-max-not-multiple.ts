// A maxWeight the linear steps never land on: Flagger steps past it and analyses the canary at a weight nobody wrote.

import { defineRule } from '../../rule-kit/rule';
import { numberOf } from '../read';
import { canaryAnalysis, canaryWeights } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-max-not-multiple',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: '`maxWeight` is not a multiple of `stepWeight`, so the canary steps past `maxWeight` instead of stopping at it.',
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    const stepWeight = numberOf(found.analysis.stepWeight);
    const maxWeight = numberOf(found.analysis.maxWeight);
    if (stepWeight === undefined || maxWeight === undefined || stepWeight <= 0 || stepWeight > maxWeight || maxWeight % stepWeight === 0)
      return;
    const { weights } = canaryWeights(found.analysis);
    const last = weights[weights.length - 1];
    context.report(
      context.locate([...found.path, 'maxWeight']).value,
      `maxWeight ${maxWeight} is not a multiple of stepWeight ${stepWeight}: Flagger never stops at ${maxWeight}, it goes ${weights.join(', ')}% and analyses the canary at ${last}% before promoting. Use a maxWeight of ${maxWeight - (maxWeight % stepWeight)} or ${maxWeight - (maxWeight % stepWeight) + stepWeight}.`,
    );
  },
});
