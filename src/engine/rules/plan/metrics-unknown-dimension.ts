// metrics-unknown-dimension: a query of `metrics.queries` groups by a label the traffic model has no dimension for.

import { trafficView } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

/** Histogram buckets: grouped by in every quantile query, never a dimension of the traffic. */
const NOT_A_DIMENSION = new Set(['le']);

export default defineRule({
  meta: {
    id: 'metrics-unknown-dimension',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A query of `metrics.queries` groups by a label that `traffic.dimensions` does not define.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const metrics = value.metrics;
    const queries = isRecord(metrics) && isRecord(metrics.queries) ? metrics.queries : {};
    const { dimensions } = trafficView(value);
    for (const [signal, query] of Object.entries(queries)) {
      if (typeof query !== 'string') continue;
      const range = context.locate(['metrics', 'queries', signal]).value;
      const start = context.file.lines.offsetAt(range.start);
      // The query's own text in the file, so that the finding sits on the label (plain and quoted scalars alike).
      const source = context.file.text.slice(start, context.file.lines.offsetAt(range.end));
      for (const clause of source.matchAll(/\bby\s*\(([^)]*)\)/g)) {
        const listStart = clause.index! + clause[0].indexOf('(') + 1;
        for (const label of clause[1].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
          if (NOT_A_DIMENSION.has(label[0]) || dimensions.includes(label[0])) continue;
          const at = start + listStart + label.index!;
          context.report(
            context.file.lines.range(at, at + label[0].length),
            `metrics.queries.${signal} groups by "${label[0]}", which traffic.dimensions does not define${dimensions.length ? ` (${dimensions.join(', ')})` : ''}: the gates and the simulator cannot split traffic by it. Add it to traffic.dimensions (calibrate --write writes the shares of the requests query's labels) or group by a dimension.`,
          );
        }
      }
    }
  },
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
