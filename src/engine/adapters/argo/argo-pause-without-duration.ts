// `pause: {}` waits for a person to promote the rollout. In a rollout that otherwise advances on its own (timed
// pauses, analysis) that is often a leftover, and the rollout silently stops there.

import { defineRule } from '../../rule-kit/rule';
import { isRecord } from '../read';
import { analysisBlocks, canarySteps } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-pause-without-duration',
    family: 'plan',
    defaultSeverity: 'info',
    summary: 'A pause without duration waits for manual promotion in a rollout that otherwise advances on its own.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    const steps = canarySteps(value);
    const manual = steps.filter(
      ({ step }) => 'pause' in step && (step.pause === null || (isRecord(step.pause) && step.pause.duration === undefined)),
    );
    if (manual.length === 0) return;
    const timed = steps.some(({ step }) => isRecord(step.pause) && step.pause.duration !== undefined);
    const analysed = analysisBlocks(value).some((block) => block.templates.length > 0);
    if (!timed && !analysed) return;
    for (const { path, index } of manual) {
      context.report(
        context.locate([...path, 'pause']).key ?? context.locate(path).value,
        `steps[${index}] pauses until someone runs \`kubectl argo rollouts promote\`, while the rest of this rollout advances on its own. If a human check is meant, keep it; otherwise give the pause a duration.`,
      );
    }
  },
});
