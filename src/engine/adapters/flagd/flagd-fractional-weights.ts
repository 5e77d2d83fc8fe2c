// `fractional` splits subjects between buckets by weight. Weights that add up to nothing serve no bucket; weights
// that do not add up to 100 were rejected by earlier flagd versions and are relative weights in later ones, so the
// split is not the percentages written.

import { defineRule } from '../../rule-kit/rule';
import { isRecord } from '../read';
import { flagdFlags, fractionalBuckets, operations } from './flagd-view';

export default defineRule({
  meta: {
    id: 'flagd-fractional-weights',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: "A `fractional` split's weights do not add up to 100, or add up to 0.",
    reads: ['flagd'],
  },
  check(context) {
    const { value } = context;
    const roots: { root: unknown; path: (string | number)[] }[] = flagdFlags(value).map((flag) => ({
      root: flag.flag.targeting,
      path: [...flag.path, 'targeting'],
    }));
    if (isRecord(value.$evaluators))
      for (const [name, root] of Object.entries(value.$evaluators)) roots.push({ root, path: ['$evaluators', name] });
    for (const { root, path } of roots) {
      for (const node of operations(root, path)) {
        if (node.operator !== 'fractional') continue;
        const buckets = fractionalBuckets(node);
        // A computed weight (time-based rollouts) has no sum to check; negative literals are schema findings.
        if (buckets.length === 0 || buckets.some((bucket) => bucket.weight === undefined || bucket.weight < 0)) continue;
        const total = buckets.reduce((sum, bucket) => sum + (bucket.weight as number), 0);
        // Weights too large to add up (1e308) have no meaningful shares to show.
        if (!Number.isFinite(total)) continue;
        const range = context.locate(node.path).key ?? context.locate(node.path).value;
        if (total === 0) {
          context.report(
            range,
            'Every weight of this fractional split is 0: no bucket can be chosen, so the targeting fails for every subject.',
            { severity: 'error' },
          );
          continue;
        }
        if (total === 100) continue;
        const shares = buckets
          .slice(0, 4)
          .map((bucket) => `${bucket.variant ?? `bucket ${bucket.index}`} ${round((100 * (bucket.weight as number)) / total)}%`)
          .join(', ');
        context.report(
          range,
          `The weights of this fractional split add up to ${total}, not 100: earlier flagd versions reject it, later ones treat the weights as relative (${shares}${buckets.length > 4 ? ', …' : ''}). Write percentages that add up to 100 so the split reads as it behaves.`,
        );
      }
    }
  },
});

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
