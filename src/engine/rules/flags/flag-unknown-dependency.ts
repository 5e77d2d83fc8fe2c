// Prerequisites must exist somewhere in the workspace, or the dependent flag can never turn on.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-unknown-dependency',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: '`dependsOn` names a flag defined in no flag file of the workspace.',
    reads: ['flag-set'],
  },
  check(context) {
    for (const flag of context.flags.flags) {
      for (const dependency of flag.dependsOn) {
        if (context.facts.flags.has(dependency.key)) continue;
        context.report(
          context.locate(dependency.path).value,
          `Flag "${flag.key}" depends on "${dependency.key}", which no flag file in the workspace defines.`,
          {
            related: context.facts.flagFiles.map((file) => ({
              file: file.path,
              range: ZERO,
              message: `searched (${file.flagCount} flags)`,
            })),
          },
        );
      }
    }
  },
});

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
