// Flagger's schema has no ranges: a stepWeight above maxWeight, a maxWeight the steps never land on, and explicit
// stepWeights out of order are all accepted, and the canary then takes weights nobody wrote.

import type { ForeignRule } from '../foreign-rule';
import { list, numberOf } from '../read';
import { canaryAnalysis, canaryWeights } from './canary-view';

export const flaggerStepAboveMax: ForeignRule = {
  meta: {
    id: 'flagger-step-above-max',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'stepWeight is greater than maxWeight, so the first step already passes the intended maximum.',
  },
  appliesTo: 'flagger-canary',
  check(context, value) {
    const found = canaryAnalysis(value);
    if (!found) return;
    const stepWeight = numberOf(found.analysis.stepWeight);
    const maxWeight = numberOf(found.analysis.maxWeight);
    if (stepWeight === undefined || maxWeight === undefined || stepWeight <= maxWeight) return;
    context.report(
      'flagger-step-above-max',
      context.locate([...found.path, 'stepWeight']).value,
      `stepWeight ${stepWeight} is greater than maxWeight ${maxWeight}: the first step sends ${Math.min(100, stepWeight)}% of traffic to the canary, past the maximum, and Flagger promotes right after one analysis.`,
    );
  },
};

export const flaggerMaxNotMultiple: ForeignRule = {
  meta: {
    id: 'flagger-max-not-multiple',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'maxWeight is not a multiple of stepWeight, so the canary steps past maxWeight instead of stopping at it.',
  },
  appliesTo: 'flagger-canary',
  check(context, value) {
    const found = canaryAnalysis(value);
    if (!found) return;
    const stepWeight = numberOf(found.analysis.stepWeight);
    const maxWeight = numberOf(found.analysis.maxWeight);
    if (stepWeight === undefined || maxWeight === undefined || stepWeight <= 0 || stepWeight > maxWeight || maxWeight % stepWeight === 0)
      return;
    const { weights } = canaryWeights(found.analysis);
    const last = weights[weights.length - 1];
    context.report(
      'flagger-max-not-multiple',
      context.locate([...found.path, 'maxWeight']).value,
      `maxWeight ${maxWeight} is not a multiple of stepWeight ${stepWeight}: Flagger never stops at ${maxWeight}, it goes ${weights.join(', ')}% and analyses the canary at ${last}% before promoting. Use a maxWeight of ${maxWeight - (maxWeight % stepWeight)} or ${maxWeight - (maxWeight % stepWeight) + stepWeight}.`,
    );
  },
};

export const flaggerStepWeightsNotIncreasing: ForeignRule = {
  meta: {
    id: 'flagger-step-weights-not-increasing',
    family: 'plan',
    defaultSeverity: 'error',
    summary:
      'stepWeights are not strictly increasing: Flagger takes traffic back from the canary, or stops at a repeated weight and never promotes.',
  },
  appliesTo: 'flagger-canary',
  check(context, value) {
    const found = canaryAnalysis(value);
    if (!found) return;
    let previous: number | undefined;
    list(found.analysis.stepWeights).forEach((raw, index) => {
      const weight = numberOf(raw);
      if (weight === undefined) return;
      if (previous !== undefined && weight < previous) {
        context.report(
          'flagger-step-weights-not-increasing',
          context.locate([...found.path, 'stepWeights', index]).value,
          `stepWeights[${index}] is ${weight}, below the ${previous} before it: Flagger follows the list and takes traffic back from the canary in the middle of the analysis. List weights in increasing order.`,
        );
      } else if (previous !== undefined && weight === previous) {
        context.report(
          'flagger-step-weights-not-increasing',
          context.locate([...found.path, 'stepWeights', index]).value,
          `stepWeights[${index}] repeats ${weight}: Flagger finds no step up from ${weight}%, so the canary stays there and is never promoted. Remove the repeated weight.`,
        );
      }
      previous = weight;
    });
  },
};
