// What the Node faces (the CLI and the language server) share about the file system: which files of a folder
// Stagegate may read, reading one safely, and finding a workspace's `.stagegate.yaml` and each file's CODEOWNERS.

import { promises as fs } from 'fs';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeOwners, type CodeOwners } from '../engine/config/codeowners';
import { CONFIG_FILE_NAME } from '../engine/config/load';
import { MAX_FILE_BYTES } from '../engine/limits';

/** Folders never scanned: dependencies, VCS data, build output. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', 'coverage']);

export const CANDIDATE_FILE = /\.(ya?ml|json|sql)$/i;

/**
 * Files under `folder` whose names Stagegate may read (YAML, JSON, SQL), sorted, skipping SKIPPED_FOLDERS. With
 * `limit`, stops after that many and says it did.
 */
export async function scanFolder(folder: string, limit = Infinity): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const walk = async (current: string): Promise<boolean> => {
    let entries;
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch {
      return true;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !(await walk(full))) return false;
      } else if (entry.isFile() && CANDIDATE_FILE.test(entry.name)) {
        if (files.length >= limit) return false;
        files.push(full);
      }
    }
    return true;
  };
  const complete = await walk(folder);
  return { files, truncated: !complete };
}

/** A regular file's text, or undefined: a pipe, a device or a file above the size limit is never read. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    const text = await fs.readFile(file, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** The nearest `.stagegate.yaml` in `start` (a file's folder, or the folder itself) or above it. */
export async function findConfigFile(start: string): Promise<string | undefined> {
  let folder = start;
  try {
    if (!(await fs.stat(start)).isDirectory()) folder = path.dirname(start);
  } catch {
    folder = path.dirname(start);
  }
  for (;;) {
    const candidate = path.join(folder, CONFIG_FILE_NAME);
    if ((await readIfExists(candidate)) !== undefined) return candidate;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

async function readCodeOwners(root: string): Promise<CodeOwners | undefined> {
  for (const location of CODEOWNERS_LOCATIONS) {
    const text = await readIfExists(path.join(root, location));
    if (text !== undefined) return parseCodeOwners(text);
  }
  return undefined;
}

/**
 * CODEOWNERS by repository: a file's owners come from the repository that holds it (the nearest folder above it with
 * a `.git` folder or file, as in a worktree or a submodule), at GitHub's locations there, whatever folder the command
 * runs from. A file in no repository, or in one without CODEOWNERS, falls back to the CODEOWNERS of `fallbackRoot`
 * (the workspace root). Lookups are read ahead with `prepare`, so `ownerOf` answers without waiting.
 */
export class CodeOwnersIndex {
  /** Folder → the repository root above it (undefined: none). */
  private readonly repositories = new Map<string, string | undefined>();
  /** Root → its CODEOWNERS (undefined: none). */
  private readonly owners = new Map<string, CodeOwners | undefined>();

  constructor(private readonly fallbackRoot?: string) {}

  /** Reads what `files` need: their repositories' roots and CODEOWNERS. Returns whether a CODEOWNERS was read. */
  async prepare(files: Iterable<string>): Promise<boolean> {
    let read = false;
    const roots = this.fallbackRoot === undefined ? [] : [this.fallbackRoot];
    for (const file of files) {
      const folder = path.dirname(file);
      if (this.repositories.has(folder)) continue;
      const root = await this.repositoryOf(folder);
      if (root !== undefined) roots.push(root);
    }
    for (const root of roots) {
      if (this.owners.has(root)) continue;
      const owners = await readCodeOwners(root);
      this.owners.set(root, owners);
      read ||= owners !== undefined;
    }
    return read;
  }

  /** The owner CODEOWNERS gives `file`, for a file `prepare` has seen. */
  ownerOf(file: string): string | undefined {
    const root = this.repositories.get(path.dirname(file));
    const owners = root === undefined ? undefined : this.owners.get(root);
    if (owners) return ownerUnder(owners, root!, file);
    const fallback = this.fallbackRoot === undefined ? undefined : this.owners.get(this.fallbackRoot);
    return fallback && ownerUnder(fallback, this.fallbackRoot!, file);
  }

  private async repositoryOf(folder: string): Promise<string | undefined> {
    const seen: string[] = [];
    let current = folder;
    let root: string | undefined;
    for (;;) {
      if (this.repositories.has(current)) {
        root = this.repositories.get(current);
        break;
      }
      seen.push(current);
      if (await exists(path.join(current, '.git'))) {
        root = current;
        break;
      }
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
    for (const visited of seen) this.repositories.set(visited, root);
    return root;
  }
}

/** A CODEOWNERS entry for a file under `root`; nothing for a file outside it. */
function ownerUnder(owners: CodeOwners, root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return owners.ownerOf(relative);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
