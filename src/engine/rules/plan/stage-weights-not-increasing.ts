// A ladder that steps back gives traffic back without a rollback: the steps after it are judged on less traffic
// than the new version already took. One rule for release plans and Argo Rollouts' setWeight steps alike.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'stage-weights-not-increasing',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A step of the rollout sends less traffic to the new version than an earlier step did.',
    reads: ['release-plan', 'argo-rollout'],
  },
  check({ ladder, locate, report }) {
    let highest: { name: string; weight: number } | undefined;
    for (const step of ladder.steps) {
      // Internal stages draw from another cohort, so their weight is not on the same ladder.
      if (step.internal || step.weight === undefined) continue;
      if (highest && step.weight < highest.weight) {
        report(
          locate(step.weightPath).value,
          `At ${step.name}, ${step.weight}% of traffic goes to the new version, less than the ${highest.weight}% at ${highest.name} before it: the rollout steps back without a rollback, and what follows is judged on less traffic than the new version already took. Keep weights increasing; roll back to go back.`,
        );
        continue;
      }
      highest = { name: step.name, weight: step.weight };
    }
  },
});
