// stage-first-weight-too-large

import { stageViews } from '../../model/plan-view';
import { replaceValue } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'stage-first-weight-too-large',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'The first stage with external traffic exposes too much of it.',
    options: { maxWeight: { default: 5, description: 'Largest weight (percent) accepted for the first stage with external traffic.' } },
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
    const limit = context.option('maxWeight');
    // A stage whose weight cannot be read may be the first exposure: judge nothing rather than the wrong stage.
    const first = stageViews(value).find((stage) => !stage.internal && (stage.weight === undefined || stage.weight > 0));
    if (!first || first.weight === undefined || first.weight <= limit) return;
    // A single 100% stage is a plain deployment or a blue-green switch: the strategy rule of thumb does not apply.
    if (first.weight === 100 && value.strategy === 'blue-green') return;
    const edit = replaceValue(context, ['stages', first.index, 'weight'], Math.min(limit, 1));
    context.report(
      context.locate(['stages', first.index, 'weight']).value,
      `Stage "${first.name}" is the first to take external traffic and sends ${first.weight}% of it to the new version: a bad version hurts ${first.weight}% of users before any gate can react. Start at ${limit}% or less.`,
      {
        fixes: edit
          ? [{ title: `Lower the first stage to ${Math.min(limit, 1)}%`, edits: [edit], safe: false, preferred: true }]
          : undefined,
      },
    );
  },
});
