// What `stagegate calibrate` reads for an Argo Rollout or a Flagger Canary: its metric sources derived from the
// templates it references (the files beside it), completed or overridden by `metrics:` in `.stagegate.yaml`, the
// window of its shortest analysis interval, and the `.stagegate.yaml` that `--write` writes into.

import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { MetricSources } from '../engine/calibrate/sources';
import { todayIso } from '../engine/config/config';
import { CONFIG_FILE_NAME } from '../engine/config/load';
import { documentKind } from '../engine/formats/recognise';
import { resourceMetricSources } from '../engine/workspace/resource-metrics';
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
  // Templates are read from the files beside the resource, as `simulate` reads them.
  for (const input of await collectInputs([path.dirname(shown)], io.cwd, config))
    if (input.absolute !== absolute) workspace.setFile(input.absolute, input.text, input.kind);
  const configPath = (await findConfigFile(absolute)) ?? path.join(path.dirname(absolute), CONFIG_FILE_NAME);
  const configText = await readIfExists(configPath);
  const found = await resourceMetricSources(workspace, absolute, configText);
  return found ? { ...found, configPath, configText } : undefined;
}
