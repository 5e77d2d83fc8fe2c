// setWeight is a whole percentage of traffic; Argo Rollouts accepts any integer.

import { defineRule } from '../../rule-kit/rule';
import { canarySteps } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-weight-out-of-range',
    family: 'plan',
    defaultSeverity: 'error',
    summary: 'A canary step sets a weight outside 0 to 100.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    for (const { step, path } of canarySteps(value)) {
      if (step.setWeight === undefined) continue;
      const weight = step.setWeight;
      if (typeof weight === 'number' && Number.isInteger(weight) && weight >= 0 && weight <= 100) continue;
      context.report(
        context.locate([...path, 'setWeight']).value,
        `setWeight must be a whole percentage from 0 to 100, not ${JSON.stringify(weight)}.`,
      );
    }
  },
});
