// The metric sources of an Argo Rollout or a Flagger Canary: derived from the templates it references (as the
// workspace knows them), completed or overridden by `metrics:` in the `.stagegate.yaml` that applies, with the window
// of its shortest analysis interval. What `stagegate calibrate` and the editor's calibration read for a resource.

import { parse } from 'yaml';
import { templatesFromFacts } from '../adapters/argo/rollout-view';
import { canaryTemplateMetrics, rolloutMetrics, signalsFromMetrics } from '../adapters/metric-sources';
import { resourceNamespace } from '../adapters/read';
import { adapterSettings } from '../adapters/settings';
import { readMetricSources, type MetricSources } from '../calibrate/sources';
import { CONFIG_FILE_NAME } from '../config/load';
import { documentKind } from '../formats/recognise';
import { DEFAULT_NAMESPACE, resolveResource } from '../model/resources';
import type { Workspace } from './workspace';

export interface ResourceMetricSources {
  kind: 'argo-rollout' | 'flagger-canary';
  sources?: MetricSources;
  problems: string[];
  notes: string[];
  /** The resource's shortest analysis interval, minutes, when it can be converted. */
  shortestIntervalMinutes?: number;
}

/**
 * The metric sources of the Rollout or Canary in `file` (already in the workspace, with the templates it may
 * reference), or undefined when the file holds a release plan or neither. `configText` is the applying
 * `.stagegate.yaml`'s text, when there is one.
 */
export async function resourceMetricSources(
  workspace: Workspace,
  file: string,
  configText: string | undefined,
): Promise<ResourceMetricSources | undefined> {
  const source = workspace.source(file);
  if (!source || source.documents.some((doc) => documentKind(doc.value, file, source.declared) === 'release-plan')) return undefined;
  const doc = source.documents.find((candidate) => {
    const kind = documentKind(candidate.value, file, source.declared);
    return kind === 'argo-rollout' || kind === 'flagger-canary';
  });
  if (!doc || typeof doc.value !== 'object' || doc.value === null) return undefined;
  const kind = documentKind(doc.value, file, source.declared) as ResourceMetricSources['kind'];
  const resource = doc.value as Record<string, unknown>;
  const facts = await workspace.facts();
  const settings = adapterSettings(workspace.config, resource);
  const { metrics, problems } =
    kind === 'argo-rollout'
      ? rolloutMetrics(resource, templatesFromFacts(facts, resource, file), settings)
      : canaryTemplateMetrics(
          resource,
          (name, namespace) => {
            const found = resolveResource(facts, {
              kind: 'MetricTemplate',
              name,
              namespace: namespace ?? resourceNamespace(resource) ?? DEFAULT_NAMESPACE,
              file,
            });
            return found.status === 'found' ? found.resource.value : undefined;
          },
          settings,
        );

  let configured: MetricSources | undefined;
  if (configText !== undefined) {
    let raw: unknown;
    try {
      raw = parse(configText);
    } catch {
      raw = undefined;
    }
    const metrics = (raw as { metrics?: unknown } | undefined)?.metrics;
    if (metrics !== undefined) {
      const read = readMetricSources({ metrics }, false);
      problems.push(...read.problems.map((problem) => `${CONFIG_FILE_NAME}: ${problem}`));
      configured = read.sources;
    }
  }
  const derived = signalsFromMetrics(metrics, configured);
  return {
    kind,
    sources: derived.sources,
    problems: [...problems, ...derived.problems],
    notes: derived.notes,
    shortestIntervalMinutes: derived.shortestIntervalMinutes,
  };
}
