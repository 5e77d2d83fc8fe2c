// Decides what kind of Stagegate file a path holds, by its name first and by its content otherwise.

import * as nodePath from 'path';

export type FileKind = 'stagegate' | 'sql';
export type DocumentKind = 'release-plan' | 'flag-set';
/** Documents of other tools' formats, read as they are (see src/engine/adapters). */
export type ForeignKind = 'flagd' | 'argo-rollout' | 'argo-analysis-template' | 'flagger-canary';

const PLAN_NAME = /\.release\.(ya?ml|json)$/i;
const FLAGS_NAME = /\.flags\.(ya?ml|json)$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const STAGEGATE_API = /(^|\n)\s*["']?apiVersion["']?\s*:\s*["']?stagegate\.dev\/v1\b/;
const FLAGD_NAME = /\.flagd\.(ya?ml|json)$/i;
const SCHEMA_KEY = /["']?\$schema["']?\s*:\s*["']?([^"'\s,}]+)/;
const FOREIGN_API = /(^|\n)\s*["']?apiVersion["']?\s*:\s*["']?(argoproj\.io|flagger\.app)\//;
const FOREIGN_KIND = /(^|\n)\s*["']?kind["']?\s*:\s*["']?(Rollout|AnalysisTemplate|ClusterAnalysisTemplate|Canary)\b/;
/** Helm template actions (`{{ .Values.x }}`, `{{- include … }}`); Argo's `{{args.name}}` and Flagger's `{{ target }}` are not. */
const HELM_ACTION = /\{\{-?\s*(\.|\$|(include|template|if|else|range|with|end|define|toYaml|tpl|default|quote)\b)/;

/** The kind a document of this file has when it does not say (`kind:` wins when present). */
export function kindFromName(path: string): DocumentKind | undefined {
  if (PLAN_NAME.test(path)) return 'release-plan';
  if (FLAGS_NAME.test(path)) return 'flag-set';
  return undefined;
}

/** Whether Stagegate reads this file, and as what; `text` is consulted only for names that do not decide. */
export function recognise(path: string, text?: string): FileKind | undefined {
  if (kindFromName(path)) return 'stagegate';
  if (/\.sql$/i.test(path)) return 'sql';
  if (YAML_OR_JSON.test(path) && text !== undefined && STAGEGATE_API.test(text.slice(0, 64 * 1024))) return 'stagegate';
  if (FLAGD_NAME.test(path)) return 'stagegate';
  if (YAML_OR_JSON.test(path) && text !== undefined && looksForeign(text.slice(0, 64 * 1024))) return 'stagegate';
  return undefined;
}

/** A flagd `$schema`, an Argo Rollouts or a Flagger resource. Helm templates are not the files as applied, so they are left alone. */
function looksForeign(head: string): boolean {
  const schema = SCHEMA_KEY.exec(head);
  if (schema && isFlagdSchema(schema[1])) return true;
  return FOREIGN_API.test(head) && FOREIGN_KIND.test(head) && !HELM_ACTION.test(head);
}

/** flagd's published schema, or a relative path to its `flags.json` / `flagd.json` (as flagd's own test files use). */
export function isFlagdSchema(uri: string): boolean {
  return /flagd\.dev\/schema\//.test(uri) || /(^|\/)(flags|flagd)\.json$/.test(uri);
}

/** Kind of a document in another tool's format, for documents `documentKind` does not claim. */
export function foreignKind(value: unknown, path: string): ForeignKind | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const api = typeof record.apiVersion === 'string' ? record.apiVersion : '';
  if (api.startsWith('argoproj.io/')) {
    if (record.kind === 'Rollout') return 'argo-rollout';
    if (record.kind === 'AnalysisTemplate' || record.kind === 'ClusterAnalysisTemplate') return 'argo-analysis-template';
  }
  if (api.startsWith('flagger.app/') && record.kind === 'Canary') return 'flagger-canary';
  if (FLAGD_NAME.test(path) || (typeof record.$schema === 'string' && isFlagdSchema(record.$schema))) return 'flagd';
  return undefined;
}

/** Kind of one parsed document: its own `kind`, else what the file name implies. */
export function documentKind(value: unknown, path: string): DocumentKind | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const kind = (value as Record<string, unknown>).kind;
    if (kind === 'ReleasePlan') return 'release-plan';
    if (kind === 'FlagSet') return 'flag-set';
  }
  return kindFromName(path);
}

/** SQL files are migrations when they sit under a `migrations` folder, unless configuration says otherwise. */
export function looksLikeMigration(path: string): boolean {
  return /(^|[\\/])migrations?([\\/])/i.test(path);
}

/** A plan's migration entry names a file relative to the plan. */
export function resolveMigrationPath(planPath: string, file: string): string {
  return nodePath.resolve(nodePath.dirname(nodePath.resolve(planPath)), file);
}
