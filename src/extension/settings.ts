// Builds the engine configuration from VS Code settings and `.stagegate.yaml` (which wins when present).

import * as vscode from 'vscode';
import { defaultConfig, type StagegateConfig } from '../engine/config/config';
import { CONFIG_FILE_NAME, mergeRuleSettings, parseConfig } from '../engine/config/load';
import { configProblems } from '../engine/catalogue/config-problems';

export interface LoadedSettings {
  config: StagegateConfig;
  problems: string[];
  /** The `.stagegate.yaml` that was read, if any. */
  configFile?: vscode.Uri;
}

export async function loadSettings(): Promise<LoadedSettings> {
  const settings = vscode.workspace.getConfiguration('stagegate');
  const problems: string[] = [];
  const config = defaultConfig();
  mergeRuleSettings(config, settings.get('rules'), problems);
  config.migrationGlobs = settings.get<string[]>('migrations.globs') ?? [];
  const owner = settings.get<string>('defaultOwner');
  if (owner) config.defaultOwner = owner;

  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return { config, problems };
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return { config, problems };
  }
  const fromFile = parseConfig(text, config.today);
  // The file wins over settings, rule by rule.
  for (const [ruleId, setting] of Object.entries(fromFile.config.rules)) config.rules[ruleId] = { ...config.rules[ruleId], ...setting };
  if (fromFile.config.migrationGlobs.length) config.migrationGlobs = fromFile.config.migrationGlobs;
  if (fromFile.config.defaultOwner) config.defaultOwner = fromFile.config.defaultOwner;
  if (fromFile.config.simulation) config.simulation = fromFile.config.simulation;
  return { config, problems: [...problems, ...fromFile.problems, ...configProblems(config)], configFile: uri };
}
