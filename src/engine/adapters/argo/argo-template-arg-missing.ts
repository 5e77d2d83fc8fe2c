// Argo Rollouts fails the AnalysisRun, before measuring anything, when a template argument without a default is not
// passed.

import { defineRule } from '../../rule-kit/rule';
import { analysisBlocks, resolveTemplate, templateArgs, templateKind } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-template-arg-missing',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'An analysis does not pass an argument its AnalysisTemplate declares without a default.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    for (const block of analysisBlocks(value)) {
      for (const ref of block.templates) {
        // A template defined equally near in several places is resource-ref-ambiguous's finding, not judged here.
        const resolution = resolveTemplate(context.facts, ref, value, context.path);
        if (resolution.status !== 'found') continue;
        const template = resolution.resource;
        const missing = templateArgs(template.value)
          .filter((arg) => arg.required && !block.argNames.has(arg.name))
          .map((arg) => arg.name);
        if (missing.length === 0) continue;
        const where =
          block.where === 'background'
            ? 'the background analysis'
            : block.where === 'step'
              ? 'this analysis step'
              : 'this experiment analysis';
        context.report(
          context.locate(ref.path).value,
          `${templateKind(ref)} "${ref.name}" needs ${missing.length === 1 ? 'argument' : 'arguments'} ${missing.map((name) => `"${name}"`).join(', ')} without a default, and ${where} does not pass ${missing.length === 1 ? 'it' : 'them'} in its args: the AnalysisRun fails before measuring anything.`,
          {
            related: [{ file: template.file, range: template.range, message: `${template.kind} "${template.name}"` }],
          },
        );
      }
    }
  },
});
