// A reference by name that several definitions answer equally well (two apps' templates of one name in sibling
// folders, or twice in one file): which one the controller reads depends on what is applied where, so Stagegate
// names the candidates rather than pick one. Argo Rollouts' AnalysisTemplates, Flagger's MetricTemplates and
// AlertProviders.

import type { ResourceFact } from '../../model/facts';
import { namespaceOf, whereFrom, type ResourceRef, type Resolution } from '../../model/resources';
import type { Path } from '../../parse/source-file';
import { defineRule } from '../../rule-kit/rule';
import { analysisBlocks, resolveTemplate, templateResourceRef } from '../argo/rollout-view';
import { canaryAnalysis, canaryRefs, canaryResourceRef, resolveCanaryRef } from '../flagger/canary-view';

export default defineRule({
  meta: {
    id: 'resource-ref-ambiguous',
    family: 'cross-file',
    defaultSeverity: 'info',
    summary:
      "A Rollout's AnalysisTemplate, or a Canary's MetricTemplate or AlertProvider, is defined several times equally near the reference, so which one is meant cannot be told.",
    reads: ['argo-rollout', 'flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const report = (ref: ResourceRef, resolution: Resolution, path: Path, referrer: string, controller: string) => {
      if (resolution.status !== 'ambiguous') return;
      context.report(context.locate(path).value, ambiguityMessage(ref, resolution, referrer, controller), {
        related: resolution.candidates.map((candidate) => ({ file: candidate.file, range: candidate.range, message: label(candidate) })),
      });
    };
    if (context.kind === 'argo-rollout') {
      for (const block of analysisBlocks(value))
        for (const ref of block.templates)
          report(
            templateResourceRef(ref, value, context.path),
            resolveTemplate(context.facts, ref, value, context.path),
            ref.path,
            'Rollout',
            'Argo Rollouts',
          );
      return;
    }
    const found = canaryAnalysis(value);
    if (!found) return;
    for (const ref of canaryRefs(found))
      report(
        canaryResourceRef(ref, value, context.path),
        resolveCanaryRef(context.facts, ref, value, context.path),
        ref.path,
        'Canary',
        'Flagger',
      );
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
  const consequence = controller === 'Argo Rollouts' ? ' (its arguments are not checked, and its metrics not simulated)' : '';
  return `${ref.kind} "${ref.name}" ${where}: which one ${controller} reads depends on what is applied where, so Stagegate does not pick one${consequence}. Keep one, rename the others, or set metadata.namespace so each reference finds its own.`;
}
