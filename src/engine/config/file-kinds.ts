// The `files:` map of `.stagegate.yaml` (and the `stagegate.files` editor setting): globs naming the kind of files
// that no naming convention, schema or content recognises, e.g. `"deploy/flags/**/*.json": flagd`.

import * as path from 'path';
import { minimatch } from 'minimatch';
import { CONFIGURED_KINDS, type ConfiguredKind } from '../formats/recognise';
import { closestName } from '../text/edit-distance';

export interface FileKindGlob {
  /** A minimatch glob, `/`-separated, relative to `root`. */
  glob: string;
  kind: ConfiguredKind;
  /** The folder the glob is relative to (the configuration file's, or the workspace folder); unset: paths as given. */
  root?: string;
}

/**
 * Reads a `files:` value: a mapping of globs to kinds. Anything that would silently do nothing is a problem in words
 * (`name` is how the setting is called in them: `files`, or `stagegate.files`).
 */
export function readFileKinds(raw: unknown, problems: string[], name = 'files', root?: string): FileKindGlob[] {
  if (raw === undefined || raw === null) return [];
  const kinds = CONFIGURED_KINDS.join(', ');
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${name} must map globs to a kind (${kinds}), as in "deploy/flags/**/*.json": flagd.`);
    return [];
  }
  const globs: FileKindGlob[] = [];
  for (const [glob, kind] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${name}."${glob}"`;
    if (typeof kind !== 'string') {
      problems.push(`${where} must be a kind (${kinds}); the glob does nothing.`);
      continue;
    }
    if (!(CONFIGURED_KINDS as readonly string[]).includes(kind)) {
      const near = closestName(kind, CONFIGURED_KINDS);
      problems.push(
        `${where}: "${kind}" is not a kind Stagegate reads${near ? ` (did you mean ${near}?)` : ''}; the kinds are ${kinds}. The glob does nothing.`,
      );
      continue;
    }
    if (glob.trim() === '') {
      problems.push(`${name}: an empty glob matches no file.`);
      continue;
    }
    globs.push({ glob: glob.replace(/^\.\//, ''), kind: kind as ConfiguredKind, ...(root === undefined ? {} : { root }) });
  }
  return globs;
}

/** The globs, relative to `root`. */
export function anchorFileKinds(globs: FileKindGlob[], root: string): FileKindGlob[] {
  return globs.map((entry) => ({ ...entry, root }));
}

/** The kind the `files:` globs give a file: the last glob that matches wins (as in CODEOWNERS), none gives undefined. */
export function configuredKind(globs: readonly FileKindGlob[] | undefined, file: string): ConfiguredKind | undefined {
  let kind: ConfiguredKind | undefined;
  for (const entry of globs ?? []) {
    const relative = entry.root === undefined ? file : path.relative(entry.root, file);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) continue;
    if (minimatch(relative.split(path.sep).join('/'), entry.glob, { dot: true })) kind = entry.kind;
  }
  return kind;
}
