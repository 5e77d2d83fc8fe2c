// plan-too-many-flags

import { planFlags } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-too-many-flags',
    family: 'cross-file',
    defaultSeverity: 'warning',
    summary: 'The plan exposes more flags at once than anyone can reason about.',
    options: { maxFlags: { default: 3, description: 'Most flags one plan may expose.' } },
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const limit = context.option('maxFlags');
    const flags = planFlags(value);
    if (flags.length <= limit) return;
    let combinations = 1;
    for (const { key } of flags) {
      const variants = context.facts.flags.get(key)?.[0]?.variants;
      combinations *= variants ? Math.max(1, Object.keys(variants).length) : 2;
    }
    context.report(
      context.locate(['flags']).key ?? context.doc.range,
      `The plan exposes ${flags.length} flags (more than ${limit}): together they make ${combinations.toLocaleString('en-US')} combinations, and a failure in one of them cannot be told from the others. Ship fewer flags per release.`,
    );
  },
});
