// Reads `.stagegate.yaml`: severity per rule (or `off`) and each rule's options.

import { parse } from 'yaml';
import type { Severity } from '../finding';
import { defaultConfig, type RuleSetting, type StagegateConfig } from './config';
import { readFileKinds } from './file-kinds';
import { readFlagsSection } from './flag-owners';
import { isPlaceholderOwner } from '../model/owner';

export const CONFIG_FILE_NAME = '.stagegate.yaml';

const SEVERITIES = new Set<string>(['error', 'warning', 'info', 'hint', 'off']);

interface LoadedConfig {
  config: StagegateConfig;
  /** Problems with the configuration itself, in words; faces show them without failing. */
  problems: string[];
}

/**
 * Accepts, per rule, a severity string or `{ severity, options }`:
 *   rules:
 *     flag-expiring-soon: off
 *     gate-underpowered: { severity: error, options: { targetPower: 0.9 } }
 */
export function parseConfig(text: string, today?: string): LoadedConfig {
  const config = defaultConfig(today);
  const problems: string[] = [];
  let raw: unknown;
  try {
    // logLevel 'error': the yaml package's warnings (a mapping used as a key) would reach the terminal as raw process warnings.
    raw = parse(text, { prettyErrors: false, logLevel: 'error' }) ?? {};
  } catch (error) {
    return { config, problems: [`${CONFIG_FILE_NAME} is not valid YAML: ${(error as Error).message}`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { config, problems: [`${CONFIG_FILE_NAME} must be a mapping.`] };
  const record = raw as Record<string, unknown>;
  mergeRuleSettings(config, record.rules, problems);
  if (Array.isArray(record.migrations))
    config.migrationGlobs = record.migrations.filter((glob): glob is string => typeof glob === 'string');
  if (typeof record.defaultOwner === 'string') {
    if (isPlaceholderOwner(record.defaultOwner))
      problems.push(`defaultOwner: "${record.defaultOwner}" is a placeholder, not an owner; it is not used.`);
    else config.defaultOwner = record.defaultOwner;
  }
  const flagOwners = readFlagsSection(record.flags, problems);
  if (flagOwners) config.flagOwners = flagOwners;
  if (record.simulation !== undefined) config.simulation = record.simulation as Record<string, unknown>;
  if (record.files !== undefined) config.files = readFileKinds(record.files, problems);
  return { config, problems };
}

/** Applies rule settings from any source (file or editor settings) onto a configuration. */
export function mergeRuleSettings(config: StagegateConfig, rules: unknown, problems: string[] = []): void {
  if (rules === undefined || rules === null) return;
  if (typeof rules !== 'object' || Array.isArray(rules)) {
    problems.push('rules must map rule ids to a severity or to { severity, options }.');
    return;
  }
  for (const [ruleId, setting] of Object.entries(rules as Record<string, unknown>)) {
    const parsed: RuleSetting = {};
    if (typeof setting === 'string') {
      if (!SEVERITIES.has(setting)) {
        problems.push(`rules.${ruleId}: "${setting}" is not a severity (error, warning, info, hint or off).`);
        continue;
      }
      parsed.severity = setting as Severity | 'off';
    } else if (typeof setting === 'object' && setting !== null && !Array.isArray(setting)) {
      const { severity, options } = setting as Record<string, unknown>;
      if (severity !== undefined) {
        if (typeof severity !== 'string' || !SEVERITIES.has(severity))
          problems.push(`rules.${ruleId}.severity must be error, warning, info, hint or off.`);
        else parsed.severity = severity as Severity | 'off';
      }
      if (options !== undefined) {
        if (typeof options !== 'object' || options === null || Array.isArray(options))
          problems.push(`rules.${ruleId}.options must be a mapping.`);
        else parsed.options = options as Record<string, unknown>;
      }
    } else {
      problems.push(`rules.${ruleId} must be a severity or { severity, options }.`);
      continue;
    }
    config.rules[ruleId] = { ...config.rules[ruleId], ...parsed, options: { ...config.rules[ruleId]?.options, ...parsed.options } };
  }
}
