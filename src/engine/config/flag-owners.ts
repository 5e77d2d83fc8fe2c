// `flags.defaultOwner` in `.stagegate.yaml`: the owner of every flag that names none, by glob over flag files, so a
// folder of flagd files gets an owner in one line instead of one `metadata.owner` per flag.
//
//   flags:
//     defaultOwner:
//       "**/*.flagd.json": "@acme/platform"
//       "flags/payments/**": "@acme/payments"
//
// Globs are relative to the folder of `.stagegate.yaml`; the last that matches wins, as in CODEOWNERS and the `files:` map. A plain string applies to every
// flag file.

import * as nodePath from 'path';
import { minimatch } from 'minimatch';
import { isPlaceholderOwner } from '../model/owner';
import { isRecord } from '../values';

export interface FlagOwnerDefaults {
  /** In the order written: the last match wins. */
  entries: { glob: string; owner: string }[];
  /** The folder globs are relative to (the configuration file's); unset, paths are matched as given. */
  root?: string;
}

/** Reads the `flags` section: `defaultOwner` as a string or a mapping of globs to owners. */
export function readFlagsSection(raw: unknown, problems: string[]): FlagOwnerDefaults | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    problems.push('flags must be a mapping, such as flags: { defaultOwner: { "flags/**": "@acme/team" } }.');
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (key !== 'defaultOwner') problems.push(`flags.${key}: unknown setting (flags has defaultOwner); it does nothing.`);
  const value = raw.defaultOwner;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && !isRecord(value)) {
    problems.push('flags.defaultOwner must be an owner, or a mapping of globs to owners.');
    return undefined;
  }
  const written: [string, unknown][] = typeof value === 'string' ? [['**', value]] : Object.entries(value);
  const entries: FlagOwnerDefaults['entries'] = [];
  for (const [glob, owner] of written) {
    const where = typeof value === 'string' ? 'flags.defaultOwner' : `flags.defaultOwner["${glob}"]`;
    if (typeof owner !== 'string') problems.push(`${where} must be an owner written as text; the entry does nothing.`);
    else if (isPlaceholderOwner(owner)) problems.push(`${where}: "${owner}" is a placeholder, not an owner; the entry does nothing.`);
    else entries.push({ glob: glob.replace(/^(\.\/)+|^\/+/, ''), owner: owner.trim() });
  }
  return entries.length > 0 ? { entries } : undefined;
}

/** The owner `flags.defaultOwner` gives the flags of `file`, if any glob matches it. */
export function defaultOwnerOf(defaults: FlagOwnerDefaults | undefined, file: string): string | undefined {
  if (!defaults) return undefined;
  const relative = (defaults.root ? nodePath.relative(defaults.root, file) : file).split(nodePath.sep).join('/').replace(/\\/g, '/');
  if (relative.startsWith('../') || relative === '..' || nodePath.isAbsolute(relative)) return undefined;
  for (const { glob, owner } of [...defaults.entries].reverse()) {
    // A folder (`flags/payments` or `flags/payments/`) stands for the files under it.
    if (minimatch(relative, glob, { dot: true }) || minimatch(relative, `${glob.replace(/\/+$/, '')}/**`, { dot: true })) return owner;
  }
  return undefined;
}
