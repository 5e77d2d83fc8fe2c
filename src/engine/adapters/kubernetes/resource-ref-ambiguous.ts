// A reference by name that several definitions answer equally well (two apps' templates of one name in sibling
// folders, or twice in one file): which one the controller reads depends on what is applied where, so Stagegate
// names the candidates rather than pick one.

import type { ResourceFact } from '../../model/facts';
import { namespaceOf, whereFrom, type ResourceRef, type Resolution } from '../../model/resources';
import { defineRule } from '../../rule-kit/rule';
import { analysisBlocks, resolveTemplate, templateResourceRef } from '../argo/rollout-view';

export default defineRule({
  meta: {
    id: 'resource-ref-ambiguous',
    family: 'cross-file',
    defaultSeverity: 'info',
    summary: 'A Rollout names an AnalysisTemplate that several files define equally near it, so which one is meant cannot be told.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    for (const block of analysisBlocks(value)) {
      for (const ref of block.templates) {
        const resolution = resolveTemplate(context.facts, ref, value, context.path);
        if (resolution.status !== 'ambiguous') continue;
        const resourceRef = templateResourceRef(ref, value, context.path);
        context.report(context.locate(ref.path).value, ambiguityMessage(resourceRef, resolution, 'Rollout', 'Argo Rollouts'), {
          related: resolution.candidates.map((candidate) => ({ file: candidate.file, range: candidate.range, message: label(candidate) })),
        });
      }
    }
  },
});

function label(resource: ResourceFact): string {
  const namespace = namespaceOf(resource);
  return `${resource.kind} "${resource.name}"${namespace === undefined ? '' : ` in namespace "${namespace}"`}`;
}

function ambiguityMessage(
  ref: ResourceRef,
  resolution: Extract<Resolution, { status: 'ambiguous' }>,
  referrer: string,
  controller: string,
): string {
  const { candidates, scope } = resolution;
  const places = (withNamespace: boolean) =>
    candidates
      .map((candidate) => `${whereFrom(candidate, ref.file)}${withNamespace ? ` (namespace "${namespaceOf(candidate)}")` : ''}`)
      .join(', ');
  const inNamespace = ref.namespace === undefined ? '' : ` in namespace "${ref.namespace}"`;
  const where =
    scope === 'file'
      ? `is defined ${candidates.length} times in this file (${places(false)})`
      : scope === 'namespace'
        ? `is defined ${candidates.length} times${inNamespace}, equally near this ${referrer} (${places(false)})`
        : `is defined in no file${inNamespace}, and ${candidates.length} times in other namespaces, equally near this ${referrer} (${places(true)})`;
  return `${ref.kind} "${ref.name}" ${where}: which one ${controller} reads depends on what is applied where, so this reference is checked against none of them. Keep one, rename the others, or set metadata.namespace so each reference finds its own.`;
}
