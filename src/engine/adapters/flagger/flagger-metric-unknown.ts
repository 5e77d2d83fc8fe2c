// Flagger runs a metric only when it is built in, has a templateRef or an inline query; any other metric is
// accepted and silently never checked.

import { closestName } from '../../text/edit-distance';
import { defineRule } from '../../rule-kit/rule';
import { BUILT_IN_METRICS, canaryAnalysis, canaryMetrics } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-metric-unknown',
    family: 'plan',
    defaultSeverity: 'error',
    summary:
      'A Canary metric is neither built in (request-success-rate, request-duration) nor has a templateRef, so Flagger never checks it.',
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    for (const metric of canaryMetrics(found)) {
      if (BUILT_IN_METRICS.includes(metric.name) || metric.hasTemplate || metric.hasQuery) continue;
      const near = closestName(metric.name, BUILT_IN_METRICS);
      context.report(
        context.locate([...metric.path, 'name']).value,
        `Metric "${metric.name}" is not built in and has no templateRef: Flagger never checks it, so the analysis runs without it.${near ? ` Did you mean "${near}"?` : ' Add a templateRef to a MetricTemplate, or use request-success-rate or request-duration.'}`,
      );
    }
  },
});
