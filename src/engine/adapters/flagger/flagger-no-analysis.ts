// A Canary that checks nothing advances on time alone: a bad version reaches every user unless someone watches.
// Flagger's equivalent of argo-no-analysis: `skipAnalysis: true`, or an analysis without metrics and without a
// webhook whose failure can stop the canary.

import { keyOrValue } from '../../parse/source-file';
import { defineRule } from '../../rule-kit/rule';
import { isRecord, list, record } from '../read';
import { canaryAnalysis, canaryMetrics } from './canary-view';

/** Webhook types Flagger runs as checks: a failure counts toward `threshold` (no type is `rollout`, as Flagger reads it). */
const CHECK_WEBHOOKS = ['', 'rollout', 'pre-rollout'];

export default defineRule({
  meta: {
    id: 'flagger-no-analysis',
    family: 'plan',
    defaultSeverity: 'warning',
    summary:
      'A Canary skips its analysis, or its analysis has no metric and no webhook that can fail it: nothing stops a bad version automatically.',
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    if (record(value.spec)?.skipAnalysis === true) {
      context.report(
        context.locate(['spec', 'skipAnalysis']).value,
        'skipAnalysis is true: Flagger promotes this canary without running its metrics or webhooks, so nothing stops a bad version. Set it back to false once whatever needed it is over.',
      );
      return;
    }
    const found = canaryAnalysis(value);
    if (!found) {
      context.report(
        keyOrValue(context.locate(value.spec === undefined ? [] : ['spec']), context.file.lines),
        'This Canary has no analysis: Flagger has no metric to check and no weights to step through. Add an analysis with request-success-rate and request-duration metrics.',
      );
      return;
    }
    if (canaryMetrics(found).length > 0) return;
    const hooks = list(found.analysis.webhooks).filter(isRecord);
    const checks = hooks.filter((hook) => CHECK_WEBHOOKS.includes(typeof hook.type === 'string' ? hook.type : '') && !isLoadTest(hook));
    if (checks.length > 0) return;
    const loadTests = hooks.filter(isLoadTest).length;
    context.report(
      keyOrValue(context.locate(found.path), context.file.lines),
      `This canary's analysis checks no metric and calls no webhook that can fail it${loadTests === 1 ? ' (its load-test webhook sends traffic and answers at once)' : loadTests > 1 ? ` (its ${loadTests} load-test webhooks send traffic and answer at once)` : ''}: it advances on time and approvals alone, so nothing rolls it back when the new version fails. Add request-success-rate and request-duration metrics, or a metric with a templateRef to a MetricTemplate.`,
    );
  },
});

/** Flagger's load tester runs a `cmd` task in the background and answers at once: it makes traffic, never fails a check. */
function isLoadTest(hook: Record<string, unknown>): boolean {
  const metadata = record(hook.metadata);
  return typeof metadata?.cmd === 'string' && (metadata.type === undefined || metadata.type === 'cmd');
}
