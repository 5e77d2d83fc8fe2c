// An analysis names AnalysisTemplates by name; Argo Rollouts marks the Rollout invalid when one does not exist.

import { defineRule } from '../../rule-kit/rule';
import { closestName } from '../../text/edit-distance';
import { analysisBlocks, resolveTemplate, templateKind } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-template-not-found',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'An analysis references an AnalysisTemplate or ClusterAnalysisTemplate that no file of the workspace defines.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    for (const block of analysisBlocks(value)) {
      for (const ref of block.templates) {
        if (resolveTemplate(context.facts, ref, value, context.path).status !== 'missing') continue;
        const resolution = resolveTemplate(context.facts, { ...ref, clusterScope: !ref.clusterScope }, value, context.path);
        // The other scope's definition: the nearest, or the first of those equally near.
        const other =
          resolution.status === 'found' ? resolution.resource : resolution.status === 'ambiguous' ? resolution.candidates[0] : undefined;
        let message: string;
        if (other) {
          message = `${templateKind(ref)} "${ref.name}" is defined in no file of the workspace, but ${other.kind} "${ref.name}" is: ${ref.clusterScope ? 'remove clusterScope: true' : 'add clusterScope: true'}.`;
        } else {
          // Sorted: the names listed and the one suggested do not depend on the order the files were read in.
          const known = [...context.facts.resources.keys()]
            .filter((key) => key.startsWith(`${templateKind(ref)}/`))
            .map((key) => key.slice(templateKind(ref).length + 1))
            .sort();
          const near = closestName(ref.name, known);
          const searched =
            known.length === 0
              ? `the workspace defines no ${templateKind(ref)}`
              : near
                ? `did you mean "${near}"?`
                : `defined: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`;
          message = `${templateKind(ref)} "${ref.name}" is defined in no file of the workspace (${searched}). Argo Rollouts marks the Rollout invalid until it exists; check it in beside the Rollout.`;
        }
        context.report(context.locate(ref.path).value, message, {
          related: other ? [{ file: other.file, range: other.range, message: `${other.kind} "${other.name}"` }] : undefined,
        });
      }
    }
  },
});
