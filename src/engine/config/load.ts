// Reads `.stagegate.yaml`: severity per rule (or `off`) and each rule's options.

import { parse } from 'yaml';
import type { Severity } from '../finding';
import { defaultConfig, type RuleSetting, type StagegateConfig } from './config';
import { readFileKinds } from './file-kinds';
import { readFlagsSection } from './flag-owners';
import { isMigrationTool, MIGRATION_TOOLS } from '../formats/migration-tools';
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
  readMigrationsSection(config, record.migrations, problems);
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

/** The PostgreSQL major versions `postgresVersion` accepts: 9 (as 9.x) to one far beyond today's. */
const POSTGRES_VERSIONS = { min: 9, max: 99 };

/**
 * `migrations:` is a list of globs, or a mapping:
 *   migrations:
 *     globs: [db/**\/*.sql]
 *     tool: flyway
 *     postgresVersion: 16
 */
function readMigrationsSection(config: StagegateConfig, section: unknown, problems: string[]): void {
  const strings = (list: unknown[]) => list.filter((glob): glob is string => typeof glob === 'string');
  if (section === undefined || section === null) return;
  if (Array.isArray(section)) {
    config.migrationGlobs = strings(section);
    return;
  }
  if (typeof section !== 'object') {
    problems.push('migrations must be a list of globs or a mapping of globs, tool and postgresVersion.');
    return;
  }
  const { globs, tool, postgresVersion, ...others } = section as Record<string, unknown>;
  if (Array.isArray(globs)) config.migrationGlobs = strings(globs);
  else if (globs !== undefined) problems.push('migrations.globs must be a list of globs.');
  if (tool !== undefined) {
    if (isMigrationTool(tool)) config.migrationTool = tool;
    else problems.push(`migrations.tool: "${String(tool)}" is not a tool Stagegate knows (${MIGRATION_TOOLS.join(', ')}); it is not used.`);
  }
  if (postgresVersion !== undefined) {
    if (
      typeof postgresVersion === 'number' &&
      Number.isInteger(postgresVersion) &&
      postgresVersion >= POSTGRES_VERSIONS.min &&
      postgresVersion <= POSTGRES_VERSIONS.max
    )
      config.postgresVersion = postgresVersion;
    else
      problems.push(
        `migrations.postgresVersion: ${JSON.stringify(postgresVersion)} is not a PostgreSQL major version (a whole number from ${POSTGRES_VERSIONS.min} to ${POSTGRES_VERSIONS.max}); it is not used.`,
      );
  }
  for (const key of Object.keys(others))
    problems.push(`migrations.${key} is not a setting (globs, tool, postgresVersion); it is not used.`);
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
