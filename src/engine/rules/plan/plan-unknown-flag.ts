// plan-unknown-flag

import { planFlags } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-unknown-flag',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'The plan exposes a flag that no flag file of the workspace defines.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    const files = context.facts.flagFiles;
    for (const { key, index } of planFlags(value)) {
      if (context.facts.flags.has(key)) continue;
      const searched =
        files.length === 0
          ? 'the workspace has no flag files (*.flags.yaml)'
          : `searched ${files.length} flag file${files.length === 1 ? '' : 's'}`;
      context.report(
        context.locate(['flags', index]).value,
        `Flag "${key}" is defined in no flag file: ${searched}. Define it with an owner and an expiry date, or fix the key.`,
        {
          related: files.map((file) => ({
            file: file.path,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            message: `searched: ${file.flagCount} flag${file.flagCount === 1 ? '' : 's'}`,
          })),
        },
      );
    }
  },
});
