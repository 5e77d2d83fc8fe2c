// Flagger's schema has no ranges: a stepWeight above maxWeight is accepted, and the first step already passes the
// intended maximum.

import { defineRule } from '../../rule-kit/rule';
import { numberOf } from '../read';
import { canaryAnalysis } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-step-above-max',
    family: 'plan',
    defaultSeverity: 'error',
    summary: '`stepWeight` is greater than `maxWeight`, so the first step already passes the intended maximum.',
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    const stepWeight = numberOf(found.analysis.stepWeight);
    const maxWeight = numberOf(found.analysis.maxWeight);
    if (stepWeight === undefined || maxWeight === undefined || stepWeight <= maxWeight) return;
    context.report(
      context.locate([...found.path, 'stepWeight']).value,
      `stepWeight ${stepWeight} is greater than maxWeight ${maxWeight}: the first step sends ${Math.min(100, stepWeight)}% of traffic to the canary, past the maximum, and Flagger promotes right after one analysis.`,
    );
  },
});
