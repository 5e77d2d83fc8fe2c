// Explicit stepWeights out of order: Flagger follows the list, taking traffic back mid-analysis, and at a repeated
// weight it finds no step up, so the canary is never promoted. Flagger's own reading of a ladder, hence its own rule.

import { defineRule } from '../../rule-kit/rule';
import { list, numberOf } from '../read';
import { canaryAnalysis } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-step-weights-not-increasing',
    family: 'plan',
    defaultSeverity: 'error',
    summary:
      '`stepWeights` are not strictly increasing: Flagger takes traffic back from the canary, or stops at a repeated weight and never promotes.',
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    let previous: number | undefined;
    list(found.analysis.stepWeights).forEach((raw, index) => {
      const weight = numberOf(raw);
      if (weight === undefined) return;
      if (previous !== undefined && weight < previous) {
        context.report(
          context.locate([...found.path, 'stepWeights', index]).value,
          `stepWeights[${index}] is ${weight}, below the ${previous} before it: Flagger follows the list and takes traffic back from the canary in the middle of the analysis. List weights in increasing order.`,
        );
      } else if (previous !== undefined && weight === previous) {
        context.report(
          context.locate([...found.path, 'stepWeights', index]).value,
          `stepWeights[${index}] repeats ${weight}: Flagger finds no step up from ${weight}%, so the canary stays there and is never promoted. Remove the repeated weight.`,
        );
      }
      previous = weight;
    });
  },
});
