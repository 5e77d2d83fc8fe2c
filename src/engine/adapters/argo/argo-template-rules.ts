// An analysis names AnalysisTemplates by name; Argo Rollouts marks the Rollout invalid when one does not exist, and
// fails the AnalysisRun when a template argument without a default is not passed.

import type { ForeignRule } from '../foreign-rule';
import { closestName } from '../../text/edit-distance';
import { analysisBlocks, findTemplate, templateArgs, templateKind } from './rollout-view';

export const argoTemplateNotFound: ForeignRule = {
  meta: {
    id: 'argo-template-not-found',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'An analysis references an AnalysisTemplate or ClusterAnalysisTemplate that no file of the workspace defines.',
  },
  appliesTo: 'argo-rollout',
  check(context, value) {
    for (const block of analysisBlocks(value)) {
      for (const ref of block.templates) {
        if (findTemplate(context.facts, ref)) continue;
        const other = findTemplate(context.facts, { ...ref, clusterScope: !ref.clusterScope });
        let message: string;
        if (other) {
          message = `${templateKind(ref)} "${ref.name}" is defined in no file of the workspace, but ${other.kind} "${ref.name}" is: ${ref.clusterScope ? 'remove clusterScope: true' : 'add clusterScope: true'}.`;
        } else {
          const known = [...context.facts.resources.keys()]
            .filter((key) => key.startsWith(`${templateKind(ref)}/`))
            .map((key) => key.slice(templateKind(ref).length + 1));
          const near = closestName(ref.name, known);
          const searched =
            known.length === 0
              ? `the workspace defines no ${templateKind(ref)}`
              : near
                ? `did you mean "${near}"?`
                : `defined: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`;
          message = `${templateKind(ref)} "${ref.name}" is defined in no file of the workspace (${searched}). Argo Rollouts marks the Rollout invalid until it exists; check it in beside the Rollout.`;
        }
        context.report('argo-template-not-found', context.locate(ref.path).value, message, {
          related: other ? [{ file: other.file, range: other.range, message: `${other.kind} "${other.name}"` }] : undefined,
        });
      }
    }
  },
};

export const argoTemplateArgMissing: ForeignRule = {
  meta: {
    id: 'argo-template-arg-missing',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'An analysis does not pass an argument its AnalysisTemplate declares without a default.',
  },
  appliesTo: 'argo-rollout',
  check(context, value) {
    for (const block of analysisBlocks(value)) {
      for (const ref of block.templates) {
        const template = findTemplate(context.facts, ref);
        if (!template) continue;
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
          'argo-template-arg-missing',
          context.locate(ref.path).value,
          `${templateKind(ref)} "${ref.name}" needs ${missing.length === 1 ? 'argument' : 'arguments'} ${missing.map((name) => `"${name}"`).join(', ')} without a default, and ${where} does not pass ${missing.length === 1 ? 'it' : 'them'} in its args: the AnalysisRun fails before measuring anything.`,
          {
            related: [{ file: template.file, range: template.range, message: `${template.kind} "${template.name}"` }],
          },
        );
      }
    }
  },
};
