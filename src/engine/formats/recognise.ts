// Decides what a file holds: how it is read (YAML/JSON or SQL), by the configuration's `files:` map, its name, the
// schema it declares (a yaml-language-server modeline or a `$schema` key) or its content, and the kind of each
// document in it (Stagegate's own formats, or flagd, Argo Rollouts and Flagger read as they are). The CLI's folder
// scans and the language server's workspace scan both decide here.

import * as nodePath from 'path';
import { parseAllDocuments } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_SNIFFED_BYTES, SNIFFED_HEAD_BYTES } from '../limits';
import { utf8Length } from '../text/text-facts';
import { isRecord } from '../values';

/** How a file is read: YAML (JSON is YAML too, one range model for both) or SQL. */
export type FileKind = 'yaml' | 'sql';

/** What one parsed document is. Stagegate's own formats, then other tools' (read through src/engine/adapters). */
export type DocumentKind =
  | 'release-plan'
  | 'flag-set'
  | 'flagd'
  | 'argo-rollout'
  | 'argo-analysis-template'
  | 'flagger-canary'
  | 'flagger-metric-template'
  | 'flagger-alert-provider';

export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'release-plan',
  'flag-set',
  'flagd',
  'argo-rollout',
  'argo-analysis-template',
  'flagger-canary',
  'flagger-metric-template',
  'flagger-alert-provider',
];

/** What the `files:` map of `.stagegate.yaml` (or the `stagegate.files` setting) may call a file. */
export type ConfiguredKind = DocumentKind | 'sql-migration';

export const CONFIGURED_KINDS: readonly ConfiguredKind[] = [...DOCUMENT_KINDS, 'sql-migration'];

/** What decided that a file is read. */
export type RecognisedBy = 'configuration' | 'name' | 'modeline' | 'schema' | 'content';

/** Why a file is not read. */
export type SkipReason = 'unknown-name' | 'unrecognised' | 'helm-template' | 'too-large' | 'not-text';

export type Recognition =
  | {
      kind: FileKind;
      by: RecognisedBy;
      /** The kind every document of the file has unless it says otherwise: from the `files:` map or a modeline. */
      declared?: DocumentKind;
    }
  | { kind: undefined; skipped: SkipReason }
  /** Only the head was given and it looks like flagd: the whole text decides. */
  | { kind: undefined; needsWholeText: true };

export interface RecogniseOptions {
  /** What the configuration's `files:` map says of this path. */
  configured?: ConfiguredKind;
  /** The text given is only the file's head (SNIFFED_HEAD_BYTES); `size` is the whole file's, in bytes. */
  head?: { size: number };
  /**
   * Largest file parsed to find flagd's shape: MAX_SNIFFED_BYTES for the files a scan meets; a file named on the
   * command line or opened in an editor may be sniffed up to MAX_FILE_BYTES.
   */
  sniffLimit?: number;
}

const PLAN_NAME = /\.release\.(ya?ml|json)$/i;
const FLAGS_NAME = /\.flags\.(ya?ml|json)$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const SQL_NAME = /\.sql$/i;
const STAGEGATE_API = /(^|\n)[ \t]*["']?apiVersion["']?\s*:\s*["']?stagegate\.dev\/v1\b/;
const FLAGD_NAME = /\.flagd\.(ya?ml|json)$/i;
const SCHEMA_KEY = /["']?\$schema["']?\s*:\s*["']?([^"'\s,}]+)/;
const ADAPTED_API = /(^|\n)[ \t]*["']?apiVersion["']?\s*:\s*["']?(argoproj\.io|flagger\.app)\//;
const ADAPTED_KIND =
  /(^|\n)[ \t]*["']?kind["']?\s*:\s*["']?(Rollout|AnalysisTemplate|ClusterAnalysisTemplate|Canary|MetricTemplate|AlertProvider)\b/;
/** Helm template actions (`{{ .Values.x }}`, `{{- include … }}`); Argo's `{{args.name}}` and Flagger's `{{ target }}` are not. */
const HELM_ACTION = /\{\{-?\s*(\.|\$|(include|template|if|else|range|with|end|define|toYaml|tpl|default|quote)\b)/;
/** A `flags` key and a flagd flag's field somewhere in the head: only such files are parsed to look for flagd's shape. */
const FLAGS_KEY = /(^|\n)["']?flags["']?\s*:|"flags"\s*:/;
const FLAGD_FIELD = /\b(state|defaultVariant)\b/;
/** A yaml-language-server modeline, as that server reads it: `# yaml-language-server: $schema=<uri>` (or `# $schema: <uri>`). */
const MODELINE = /^#\s+(?:yaml-language-server\s*:|\$schema:)/;
const MODELINE_SCHEMA = /\$schema(?:=|:\s*)(\S+)/;

/** The kind a native document has when it does not say (`kind:` wins when present). */
function nativeKindFromName(path: string): 'release-plan' | 'flag-set' | undefined {
  if (PLAN_NAME.test(path)) return 'release-plan';
  if (FLAGS_NAME.test(path)) return 'flag-set';
  return undefined;
}

/**
 * Whether Stagegate reads this file, and how; `text` (the whole file, already read) is consulted only for names that
 * do not decide, and sniffed for flagd's shape whatever its size.
 */
export function recognise(path: string, text?: string, configured?: ConfiguredKind): FileKind | undefined {
  return recogniseFile(path, text, { configured, sniffLimit: MAX_FILE_BYTES }).kind;
}

/** The first Helm template action in the file's head (offset and text), when it is a Helm chart template. */
export function helmAction(text: string): { offset: number; text: string } | undefined {
  const match = HELM_ACTION.exec(text.length > SNIFFED_HEAD_BYTES ? text.slice(0, SNIFFED_HEAD_BYTES) : text);
  if (!match) return undefined;
  const end = text.indexOf('}}', match.index);
  return { offset: match.index, text: end < 0 ? match[0] : text.slice(match.index, end + 2) };
}

/**
 * What a file is and what said so, or why it is not read. In order: the `files:` map, the name, then the head of
 * the text (Stagegate's `apiVersion`, a `$schema` key or a modeline naming a known schema, an Argo Rollouts or
 * Flagger resource), then flagd's shape, parsed only for files up to MAX_SNIFFED_BYTES whose head shows a `flags`
 * key and a flagd field. Helm templates are not the files as applied, so they are left alone.
 */
export function recogniseFile(path: string, text: string | undefined, options: RecogniseOptions = {}): Recognition {
  const configured = options.configured && fitsExtension(path, options.configured) ? options.configured : undefined;
  if (configured === 'sql-migration') return { kind: 'sql', by: 'configuration' };
  if (configured) return { kind: 'yaml', by: 'configuration', declared: configured };
  if (nativeKindFromName(path) || FLAGD_NAME.test(path)) return { kind: 'yaml', by: 'name' };
  if (SQL_NAME.test(path)) return { kind: 'sql', by: 'name' };
  if (!YAML_OR_JSON.test(path)) return { kind: undefined, skipped: 'unknown-name' };
  if (text === undefined) return { kind: undefined, skipped: 'unrecognised' };
  const head = text.length > SNIFFED_HEAD_BYTES ? text.slice(0, SNIFFED_HEAD_BYTES) : text;
  if (head.includes('\0')) return { kind: undefined, skipped: 'not-text' };
  if (STAGEGATE_API.test(head)) return { kind: 'yaml', by: 'content' };
  const declared = schemaKind(modelineSchema(head));
  if (declared) return { kind: 'yaml', by: 'modeline', declared };
  if (schemaKind(SCHEMA_KEY.exec(head)?.[1])) return { kind: 'yaml', by: 'schema' };
  if (HELM_ACTION.test(head)) return { kind: undefined, skipped: 'helm-template' };
  if (ADAPTED_API.test(head) && ADAPTED_KIND.test(head)) return { kind: 'yaml', by: 'content' };
  if (!FLAGS_KEY.test(head) || !FLAGD_FIELD.test(head)) return { kind: undefined, skipped: 'unrecognised' };
  if ((options.head?.size ?? utf8Length(text)) > (options.sniffLimit ?? MAX_SNIFFED_BYTES))
    return { kind: undefined, skipped: 'too-large' };
  if (options.head) return { kind: undefined, needsWholeText: true };
  return sniffedValues(text).some(looksLikeFlagd) ? { kind: 'yaml', by: 'content' } : { kind: undefined, skipped: 'unrecognised' };
}

/** The documents of a text as plain values, for sniffing only: anything the parser cannot read whole gives nothing. */
function sniffedValues(text: string): unknown[] {
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    // Not JSON: YAML.
  }
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
    if (!Array.isArray(docs)) return [];
    // Documents with errors count as the parser repaired them: a flagd file with a typo is still flagd's, to be linted.
    return docs.map((doc) => doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown);
  } catch {
    // Too deep, or too many aliases: not read by sniffing (a name, a schema or the files: map still can).
    return [];
  }
}

/** A `files:` entry applies to files it can describe: YAML or JSON for document kinds, `.sql` for migrations. */
function fitsExtension(path: string, kind: ConfiguredKind): boolean {
  return kind === 'sql-migration' ? SQL_NAME.test(path) : YAML_OR_JSON.test(path);
}

/** The `$schema` of a yaml-language-server modeline among the comment lines that open the file. */
export function modelineSchema(text: string): string | undefined {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line === '---' || line.startsWith('%')) continue;
    if (!line.startsWith('#')) return undefined;
    if (MODELINE.test(line)) {
      const schema = MODELINE_SCHEMA.exec(line)?.[1];
      if (schema) return schema;
    }
  }
  return undefined;
}

/** The kind of document a schema URI or path describes: flagd's, or Stagegate's release plan or flag set. */
export function schemaKind(uri: string | undefined): DocumentKind | undefined {
  if (!uri) return undefined;
  if (isFlagdSchema(uri)) return 'flagd';
  const bare = withoutQuery(uri);
  if (/(^|\/)release-plan\.schema\.json$/i.test(bare)) return 'release-plan';
  if (/(^|\/)flag-set\.schema\.json$/i.test(bare)) return 'flag-set';
  return undefined;
}

/**
 * flagd's published schema (`https://flagd.dev/schema/<version>/…`), or any path or URL ending in its file names
 * (`flags.json`, `flagd.json`, their `.yaml` and `.schema.json` forms), as flagd's own test files use.
 */
export function isFlagdSchema(uri: string): boolean {
  const bare = withoutQuery(uri);
  return /flagd\.dev\/schema\//.test(bare) || /(^|\/)(flags|flagd)(\.schema)?\.(json|ya?ml)$/i.test(bare);
}

/** Whether a flagd schema is the providers' `flags.json` (flags are a map) rather than the daemon's `flagd.json`. */
export function isFlagdProvidersSchema(uri: string): boolean {
  return isFlagdSchema(uri) && /(^|\/)flags(\.schema)?\.(json|ya?ml)$/i.test(withoutQuery(uri));
}

function withoutQuery(uri: string): string {
  return uri.replace(/[?#].*$/, '');
}

const FLAGD_TOP_KEYS = new Set(['$schema', 'flags', '$evaluators', 'metadata']);
const FLAGD_FLAG_FIELDS = ['state', 'variants', 'defaultVariant', 'targeting'];

/**
 * flagd's shape without its name or schema: only flagd's top-level keys, and a non-empty `flags` map (or the daemon's
 * list of flags with a `key`) whose every flag is a mapping with a field of flagd's (`state`, `variants`,
 * `defaultVariant`, `targeting`) or nothing at all, at least one with a `state` or a `defaultVariant`. Stagegate's flag sets have neither
 * of those two; package.json, tsconfig, Helm values, Kubernetes resources and OpenAPI have other top-level keys.
 */
export function looksLikeFlagd(value: unknown): boolean {
  if (!isRecord(value) || !Object.keys(value).every((key) => FLAGD_TOP_KEYS.has(key))) return false;
  const list = Array.isArray(value.flags);
  const flags = list ? (value.flags as unknown[]) : isRecord(value.flags) ? Object.values(value.flags) : [];
  return (
    flags.length > 0 &&
    flags.every(
      (flag) =>
        isRecord(flag) &&
        (!list || typeof flag.key === 'string') &&
        (FLAGD_FLAG_FIELDS.some((field) => field in flag) || Object.keys(flag).length === 0) &&
        (flag.state === undefined || typeof flag.state === 'string') &&
        (flag.variants === undefined || isRecord(flag.variants)),
    ) &&
    flags.some((flag) => isRecord(flag) && ('state' in flag || 'defaultVariant' in flag))
  );
}

/**
 * Kind of one parsed document: its own `kind` (ReleasePlan, FlagSet), else what the file declares (`declared`: the
 * `files:` map or a modeline), its `$schema`, what the file name implies, its `apiVersion` and `kind`, flagd's shape.
 */
export function documentKind(value: unknown, path: string, declared?: DocumentKind): DocumentKind | undefined {
  if (isRecord(value)) {
    if (value.kind === 'ReleasePlan') return 'release-plan';
    if (value.kind === 'FlagSet') return 'flag-set';
  }
  if (declared) return declared;
  const bySchema = isRecord(value) && typeof value.$schema === 'string' ? schemaKind(value.$schema) : undefined;
  if (bySchema) return bySchema;
  const native = nativeKindFromName(path);
  if (native) return native;
  if (!isRecord(value)) return undefined;
  const api = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  if (api.startsWith('argoproj.io/')) {
    if (value.kind === 'Rollout') return 'argo-rollout';
    if (value.kind === 'AnalysisTemplate' || value.kind === 'ClusterAnalysisTemplate') return 'argo-analysis-template';
  }
  if (api.startsWith('flagger.app/')) {
    if (value.kind === 'Canary') return 'flagger-canary';
    // Resources a Canary names in its metrics' templateRef and its alerts' providerRef.
    if (value.kind === 'MetricTemplate') return 'flagger-metric-template';
    if (value.kind === 'AlertProvider') return 'flagger-alert-provider';
  }
  if (FLAGD_NAME.test(path) || looksLikeFlagd(value)) return 'flagd';
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
