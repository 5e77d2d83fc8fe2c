// Decides what a file holds: how it is read (YAML/JSON or SQL), by its name first and its content otherwise, and
// the kind of each document in it (Stagegate's own formats, or flagd, Argo Rollouts and Flagger read as they are).

import * as nodePath from 'path';
import { isRecord } from '../values';

/** How a file is read: YAML (JSON is YAML too, one range model for both) or SQL. */
export type FileKind = 'yaml' | 'sql';

/** What one parsed document is. Stagegate's own formats, then other tools' (read through src/engine/adapters). */
export type DocumentKind = 'release-plan' | 'flag-set' | 'flagd' | 'argo-rollout' | 'argo-analysis-template' | 'flagger-canary';

export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'release-plan',
  'flag-set',
  'flagd',
  'argo-rollout',
  'argo-analysis-template',
  'flagger-canary',
];

const PLAN_NAME = /\.release\.(ya?ml|json)$/i;
const FLAGS_NAME = /\.flags\.(ya?ml|json)$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const STAGEGATE_API = /(^|\n)\s*["']?apiVersion["']?\s*:\s*["']?stagegate\.dev\/v1\b/;
const FLAGD_NAME = /\.flagd\.(ya?ml|json)$/i;
const SCHEMA_KEY = /["']?\$schema["']?\s*:\s*["']?([^"'\s,}]+)/;
const ADAPTED_API = /(^|\n)\s*["']?apiVersion["']?\s*:\s*["']?(argoproj\.io|flagger\.app)\//;
const ADAPTED_KIND = /(^|\n)\s*["']?kind["']?\s*:\s*["']?(Rollout|AnalysisTemplate|ClusterAnalysisTemplate|Canary)\b/;
/** Helm template actions (`{{ .Values.x }}`, `{{- include … }}`); Argo's `{{args.name}}` and Flagger's `{{ target }}` are not. */
const HELM_ACTION = /\{\{-?\s*(\.|\$|(include|template|if|else|range|with|end|define|toYaml|tpl|default|quote)\b)/;
/** How much of a file's head content sniffing reads. */
const SNIFFED_CHARS = 64 * 1024;

/** The kind a native document has when it does not say (`kind:` wins when present). */
function nativeKindFromName(path: string): 'release-plan' | 'flag-set' | undefined {
  if (PLAN_NAME.test(path)) return 'release-plan';
  if (FLAGS_NAME.test(path)) return 'flag-set';
  return undefined;
}

/** Whether Stagegate reads this file, and how; `text` is consulted only for names that do not decide. */
export function recognise(path: string, text?: string): FileKind | undefined {
  if (nativeKindFromName(path) || FLAGD_NAME.test(path)) return 'yaml';
  if (/\.sql$/i.test(path)) return 'sql';
  if (!YAML_OR_JSON.test(path) || text === undefined) return undefined;
  const head = text.slice(0, SNIFFED_CHARS);
  return STAGEGATE_API.test(head) || looksAdapted(head) ? 'yaml' : undefined;
}

/** A flagd `$schema`, an Argo Rollouts or a Flagger resource. Helm templates are not the files as applied, so they are left alone. */
function looksAdapted(head: string): boolean {
  const schema = SCHEMA_KEY.exec(head);
  if (schema && isFlagdSchema(schema[1])) return true;
  return ADAPTED_API.test(head) && ADAPTED_KIND.test(head) && !HELM_ACTION.test(head);
}

/** flagd's published schema, or a relative path to its `flags.json` / `flagd.json` (as flagd's own test files use). */
export function isFlagdSchema(uri: string): boolean {
  return /flagd\.dev\/schema\//.test(uri) || /(^|\/)(flags|flagd)\.json$/.test(uri);
}

/** Kind of one parsed document: its own `kind` and `apiVersion`, else what the file name implies. */
export function documentKind(value: unknown, path: string): DocumentKind | undefined {
  if (isRecord(value)) {
    if (value.kind === 'ReleasePlan') return 'release-plan';
    if (value.kind === 'FlagSet') return 'flag-set';
  }
  const native = nativeKindFromName(path);
  if (native) return native;
  if (!isRecord(value)) return undefined;
  const api = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  if (api.startsWith('argoproj.io/')) {
    if (value.kind === 'Rollout') return 'argo-rollout';
    if (value.kind === 'AnalysisTemplate' || value.kind === 'ClusterAnalysisTemplate') return 'argo-analysis-template';
  }
  if (api.startsWith('flagger.app/') && value.kind === 'Canary') return 'flagger-canary';
  if (FLAGD_NAME.test(path) || (typeof value.$schema === 'string' && isFlagdSchema(value.$schema))) return 'flagd';
  return undefined;
}

/** Documents that describe a rollout the simulator can replay. */
export function isRolloutKind(kind: DocumentKind | undefined): kind is 'release-plan' | 'argo-rollout' | 'flagger-canary' {
  return kind === 'release-plan' || kind === 'argo-rollout' || kind === 'flagger-canary';
}

/** SQL files are migrations when they sit under a `migrations` folder or sqitch's `deploy`, `revert` and `verify`, unless configuration says otherwise. */
export function looksLikeMigration(path: string): boolean {
  return /(^|[\\/])(migrations?|deploy|revert|verify)([\\/])/i.test(path);
}

/** A plan's migration entry names a file relative to the plan. */
export function resolveMigrationPath(planPath: string, file: string): string {
  return nodePath.resolve(nodePath.dirname(nodePath.resolve(planPath)), file);
}
