// Workspace configuration (`.stagegate.yaml` or editor settings): severity per rule and each rule's options.

import type { Severity } from '../finding';
import type { MigrationTool } from '../formats/migration-tools';
import type { FileKindGlob } from './file-kinds';
import type { FlagOwnerDefaults } from './flag-owners';

type RuleSeveritySetting = Severity | 'off';

export interface RuleSetting {
  severity?: RuleSeveritySetting;
  options?: Record<string, unknown>;
}

export interface StagegateConfig {
  rules: Record<string, RuleSetting>;
  /** ISO date (YYYY-MM-DD) used as "today" by date rules; injectable for reproducible checks. */
  today: string;
  /** Globs (relative to the workspace root) of SQL files treated as migrations besides those under `migrations/` folders. */
  migrationGlobs: string[];
  /** `migrations.tool`: the tool that runs every migration (its transaction model); unset, it is read from marker files. */
  migrationTool?: MigrationTool;
  /** `migrations.postgresVersion`: the PostgreSQL major version migrations run on; the default of rules' `postgresVersion`. */
  postgresVersion?: number;
  /** Owner suggested by a fix when no CODEOWNERS entry applies. */
  defaultOwner?: string;
  /** `flags.defaultOwner`: the owner of flags that name none, by glob over flag files. */
  flagOwners?: FlagOwnerDefaults;
  /** Simulation defaults (seed, runs, step); read by the simulator. */
  simulation?: Record<string, unknown>;
  /** The `files:` map: globs giving the kind of files no name, schema or content recognises. */
  files?: FileKindGlob[];
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function defaultConfig(today: string = todayIso()): StagegateConfig {
  return { rules: {}, today, migrationGlobs: [] };
}

/** The severity a finding of `ruleId` gets, or `off`. */
export function effectiveSeverity(config: StagegateConfig, ruleId: string, defaultSeverity: Severity): RuleSeveritySetting {
  return config.rules[ruleId]?.severity ?? defaultSeverity;
}

/**
 * The PostgreSQL major version migrations are assumed to run on when neither `migrations.postgresVersion` nor a rule's
 * own option says: the oldest the PostgreSQL project still supports (14 had its final release in November 2026).
 */
export const DEFAULT_POSTGRES_VERSION = 15;

/** A workspace-wide default for a rule option of this name: `migrations.postgresVersion` for `postgresVersion`. */
export function workspaceOptionDefault(config: StagegateConfig, name: string): number | undefined {
  return name === 'postgresVersion' ? config.postgresVersion : undefined;
}

export function ruleOption<T extends number | string | boolean>(config: StagegateConfig, ruleId: string, name: string, fallback: T): T {
  const value = config.rules[ruleId]?.options?.[name];
  return typeof value === typeof fallback ? (value as T) : fallback;
}
