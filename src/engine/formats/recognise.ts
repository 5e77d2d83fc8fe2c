// Decides what kind of Stagegate file a path holds, by its name first and by its content otherwise.

import * as nodePath from 'path';

export type FileKind = 'stagegate' | 'sql';
export type DocumentKind = 'release-plan' | 'flag-set';

const PLAN_NAME = /\.release\.(ya?ml|json)$/i;
const FLAGS_NAME = /\.flags\.(ya?ml|json)$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const STAGEGATE_API = /(^|\n)\s*["']?apiVersion["']?\s*:\s*["']?stagegate\.dev\/v1\b/;

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
