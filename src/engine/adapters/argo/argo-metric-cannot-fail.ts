// Argo Rollouts fails a metric once more than `failureLimit` measurements failed, and pauses once more than
// `inconclusiveLimit` were inconclusive. Limits as large as the number of measurements make a metric decorative.

import { defineRule } from '../../rule-kit/rule';
import { parseCondition } from './conditions';
import { templateMetrics } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-metric-cannot-fail',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: "An AnalysisTemplate metric's failureLimit or inconclusiveLimit is so high that the metric can never fail the rollout.",
    reads: ['argo-analysis-template'],
  },
  check(context) {
    const { value } = context;
    for (const metric of templateMetrics(value)) {
      if (metric.dryRun || metric.count === undefined || metric.count < 1) continue;
      const count = metric.count;
      if (metric.failureLimit >= count) {
        context.report(
          context.locate([...metric.path, 'failureLimit']).value,
          `Metric "${metric.name}" takes ${count} measurement${count === 1 ? '' : 's'} and fails only when more than ${metric.failureLimit} fail (failureLimit): it can never fail, so it never aborts a bad rollout. ${count === 1 ? 'Use failureLimit: 0.' : `Use a failureLimit below ${count}.`}`,
        );
        continue;
      }
      // Both conditions set: values that meet neither are inconclusive. A gap between them, with an inconclusiveLimit
      // that tolerates every measurement, lets a regression in the gap pass without failing or pausing.
      const success = parseCondition(metric.successCondition);
      const failure = parseCondition(metric.failureCondition);
      if (!success || !failure || metric.inconclusiveLimit < count) continue;
      const passesAbove = success.comparator.startsWith('>');
      const failsBelow = failure.comparator.startsWith('<');
      if (passesAbove !== failsBelow) continue;
      const gap = passesAbove ? failure.value < success.value : failure.value > success.value;
      if (!gap) continue;
      const [low, high] = [Math.min(success.value, failure.value), Math.max(success.value, failure.value)];
      context.report(
        context.locate([...metric.path, 'inconclusiveLimit']).value,
        `Metric "${metric.name}": results between ${low} and ${high} meet neither condition and are inconclusive, and inconclusiveLimit ${metric.inconclusiveLimit} tolerates all ${count} measurements: a result in that range never fails nor pauses the rollout. Lower inconclusiveLimit, or close the gap between the conditions.`,
      );
    }
  },
});
