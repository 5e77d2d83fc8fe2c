// What `stagegate calibrate` reads for an Argo Rollout or a Flagger Canary: its metric sources derived from the
// templates it references (the files beside it), completed or overridden by `metrics:` in `.stagegate.yaml`, the
// window of its shortest analysis interval, and the `.stagegate.yaml` that `--write` writes into.

import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { templatesFromFacts } from '../engine/adapters/argo/rollout-view';
import { adapterSettings } from '../engine/adapters/settings';
import { rolloutMetrics, canaryTemplateMetrics, signalsFromMetrics } from '../engine/adapters/metric-sources';
import { readMetricSources, type MetricSources } from '../engine/calibrate/sources';
import { todayIso } from '../engine/config/config';
import { CONFIG_FILE_NAME } from '../engine/config/load';
import { documentKind } from '../engine/formats/recognise';
import { resolveResource, DEFAULT_NAMESPACE } from '../engine/model/resources';
import { resourceNamespace } from '../engine/adapters/read';
import { Workspace } from '../engine/workspace/workspace';
import { findConfigFile } from '../node/files';
import { collectInputs, loadConfig, readIfExists } from './files';
import type { Io } from './io';

export interface ResourceCalibration {
  kind: 'argo-rollout' | 'flagger-canary';
  sources?: MetricSources;
  problems: string[];
  notes: string[];
  /** The resource's shortest analysis interval, minutes, when it can be converted. */
  shortestIntervalMinutes?: number;
  /** The `.stagegate.yaml` that applies (found upward from the resource), or where one would be written. */
  configPath: string;
  /** Its text; undefined when there is none yet. */
  configText?: string;
}

/** The calibration inputs of a Rollout or Canary file, or undefined when the file holds a release plan or neither. */
export async function resourceCalibration(absolute: string, text: string, shown: string, io: Io): Promise<ResourceCalibration | undefined> {
  const kinds = parseAllDocuments(text).map((doc) => documentKind(doc.toJS() as unknown, absolute));
  if (kinds.includes('release-plan') || !kinds.some((kind) => kind === 'argo-rollout' || kind === 'flagger-canary')) return undefined;
  const { config } = await loadConfig(undefined, [shown], io, todayIso());
  const workspace = new Workspace(config, { read: readIfExists });
  workspace.setFile(absolute, text, 'yaml');
  const source = workspace.source(absolute);
  if (!source || source.documents.some((doc) => documentKind(doc.value, absolute, source.declared) === 'release-plan')) return undefined;
  const doc = source.documents.find((candidate) => {
    const kind = documentKind(candidate.value, absolute, source.declared);
    return kind === 'argo-rollout' || kind === 'flagger-canary';
  });
  if (!doc || typeof doc.value !== 'object' || doc.value === null) return undefined;
  const kind = documentKind(doc.value, absolute, source.declared) as ResourceCalibration['kind'];
  const resource = doc.value as Record<string, unknown>;
  // Templates are read from the files beside the resource, as `simulate` reads them.
  for (const input of await collectInputs([path.dirname(shown)], io.cwd, config))
    if (input.absolute !== absolute) workspace.setFile(input.absolute, input.text, input.kind);
  const facts = await workspace.facts();
  const settings = adapterSettings(config, resource);
  const { metrics, problems } =
    kind === 'argo-rollout'
      ? rolloutMetrics(resource, templatesFromFacts(facts, resource, absolute), settings)
      : canaryTemplateMetrics(
          resource,
          (name, namespace) => {
            const found = resolveResource(facts, {
              kind: 'MetricTemplate',
              name,
              namespace: namespace ?? resourceNamespace(resource) ?? DEFAULT_NAMESPACE,
              file: absolute,
            });
            return found.status === 'found' ? found.resource.value : undefined;
          },
          settings,
        );

  const configPath = (await findConfigFile(absolute)) ?? path.join(path.dirname(absolute), CONFIG_FILE_NAME);
  const configText = await readIfExists(configPath);
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
    configPath,
    configText,
  };
}
