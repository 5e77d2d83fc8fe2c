// Facts gathered across the workspace before rules run, so cross-file rules need not re-read other files.

import type { Range } from '../finding';
import type { OwnerSuggestion } from './owner';

export interface FlagDefinition {
  key: string;
  file: string;
  /** Range of the flag's key in its file. */
  keyRange: Range;
  type?: string;
  expires?: string;
  /** The owner the flag names (its own, else its flag set's); never a placeholder. */
  owner?: string;
  variants?: Record<string, unknown>;
  default?: unknown;
  dependsOn?: string[];
  /** `true` when the flag can never serve a non-default value (flagd `state: DISABLED`). */
  disabled?: boolean;
}

interface FlagFileSummary {
  path: string;
  flagCount: number;
}

/** What the migration analysis says about one SQL file a plan references. */
export interface MigrationFacts {
  exists: boolean;
  /** Statements that break the old version while both versions run. */
  breaking: { range: Range; ruleId: string; message: string }[];
  statementCount: number;
}

/** A resource of another tool's format that documents refer to by name (an Argo AnalysisTemplate, a Flagger MetricTemplate). */
export interface ResourceFact {
  kind: string;
  name: string;
  /** `metadata.namespace` as written; absent means the default namespace (src/engine/model/resources.ts). */
  namespace?: string;
  /** A kind without namespaces (ClusterAnalysisTemplate). */
  clusterScoped: boolean;
  file: string;
  /** Range of the resource's `metadata.name` value (or of its document). */
  range: Range;
  value: Record<string, unknown>;
}

export interface WorkspaceFacts {
  flags: Map<string, FlagDefinition[]>;
  flagFiles: FlagFileSummary[];
  /** Keyed by the migration path as resolved against the plan's folder. */
  migrations: Map<string, MigrationFacts>;
  /** Keyed by `Kind/name` (`AnalysisTemplate/success-rate`); resolveResource (model/resources.ts) picks among them. */
  resources: Map<string, ResourceFact[]>;
  /** The owner `flags.defaultOwner` gives the flags of a file that name none. */
  defaultOwner(path: string): string | undefined;
  /** An owner to write into a flag file: CODEOWNERS's entry for it, else `defaultOwner`. */
  suggestOwner(path: string): OwnerSuggestion | undefined;
}

export function emptyFacts(): WorkspaceFacts {
  return {
    flags: new Map(),
    flagFiles: [],
    migrations: new Map(),
    resources: new Map(),
    defaultOwner: () => undefined,
    suggestOwner: () => undefined,
  };
}
