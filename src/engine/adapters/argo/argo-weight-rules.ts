// setWeight is a percentage of traffic; Argo Rollouts accepts any integer and a weight lower than an earlier one.

import type { ForeignRule } from '../foreign-rule';
import { canarySteps } from './rollout-view';

export const argoWeightOutOfRange: ForeignRule = {
  meta: {
    id: 'argo-weight-out-of-range',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A canary step sets a weight outside 0 to 100.',
  },
  appliesTo: 'argo-rollout',
  check(context, value) {
    for (const { step, path } of canarySteps(value)) {
      if (step.setWeight === undefined) continue;
      const weight = step.setWeight;
      if (typeof weight === 'number' && Number.isInteger(weight) && weight >= 0 && weight <= 100) continue;
      context.report(
        'argo-weight-out-of-range',
        context.locate([...path, 'setWeight']).value,
        `setWeight must be a whole percentage from 0 to 100, not ${JSON.stringify(weight)}.`,
      );
    }
  },
};

export const argoWeightDecreasing: ForeignRule = {
  meta: {
    id: 'argo-weight-decreasing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A canary step sets a lower weight than an earlier step.',
  },
  appliesTo: 'argo-rollout',
  check(context, value) {
    let highest: { weight: number; index: number } | undefined;
    for (const { step, path, index } of canarySteps(value)) {
      const weight = step.setWeight;
      if (typeof weight !== 'number' || weight < 0 || weight > 100) continue;
      if (highest && weight < highest.weight) {
        context.report(
          'argo-weight-decreasing',
          context.locate([...path, 'setWeight']).value,
          `setWeight ${weight} is lower than ${highest.weight} at steps[${highest.index}]: the canary gives traffic back mid-rollout, and the steps after it are checked on less traffic than before. Keep weights increasing; abort the rollout to go back.`,
        );
        continue;
      }
      if (!highest || weight > highest.weight) highest = { weight, index };
    }
  },
};
