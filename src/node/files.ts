// What the Node faces (the CLI and the language server) share about the file system: which files of a folder
// Stagegate may read, reading one safely, and finding a workspace's `.stagegate.yaml` and CODEOWNERS.

import { promises as fs } from 'fs';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeOwners } from '../engine/config/codeowners';
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

/** The owner CODEOWNERS at `root` suggests for a file, when the repository has one. */
export async function loadCodeOwners(root: string): Promise<((file: string) => string | undefined) | undefined> {
  for (const location of CODEOWNERS_LOCATIONS) {
    const text = await readIfExists(path.join(root, location));
    if (text === undefined) continue;
    const owners = parseCodeOwners(text);
    return (file) => owners.ownerOf(path.relative(root, file));
  }
  return undefined;
}
