// Flagger rolls back after `threshold` failed checks, one per `interval`: the canary keeps its traffic for
// interval × threshold after the first failed check (Flagger's own documented timing).

import { defineRule } from '../../rule-kit/rule';
import { formatDuration } from '../read';
import { canaryAnalysis, intervalMinutes, threshold } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-rollback-slow',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: '`threshold` × `interval` lets a failing canary keep its traffic longer than a limit before Flagger rolls back.',
    options: {
      maxMinutes: { default: 10, description: 'Longest accepted time, in minutes, from the first failed check to the rollback.' },
    },
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    const limit = context.option('maxMinutes');
    const interval = intervalMinutes(found.analysis);
    const checks = threshold(found.analysis);
    const minutes = interval * checks;
    if (minutes <= limit) return;
    const at =
      found.analysis.threshold !== undefined
        ? [...found.path, 'threshold']
        : found.analysis.interval !== undefined
          ? [...found.path, 'interval']
          : found.path;
    const located = context.locate(at);
    context.report(
      at === found.path ? (located.key ?? located.value) : located.value,
      `A failing canary keeps its traffic for ${formatDuration(minutes)} before Flagger rolls back (threshold ${checks} × interval ${formatDuration(interval)}), more than ${formatDuration(limit)}. Lower the threshold or the interval.`,
    );
  },
});
