// What the Node faces (the CLI and the language server) share about the file system: which files of a folder
// Stagegate may read and what each is (both faces recognise files here, reading no more of them than needed), reading
// one safely, and finding a workspace's `.stagegate.yaml` and each file's CODEOWNERS.

import { promises as fs } from 'fs';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeOwners, type CodeOwners } from '../engine/config/codeowners';
import { CONFIG_FILE_NAME } from '../engine/config/load';
import { recogniseFile, type ConfiguredKind, type FileKind, type RecognisedBy, type SkipReason } from '../engine/formats/recognise';
import { MAX_FILE_BYTES, SNIFFED_HEAD_BYTES } from '../engine/limits';

/** Folders never scanned: dependencies, VCS data, build output. */
export const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', 'coverage']);

export const CANDIDATE_FILE = /\.(ya?ml|json|sql)$/i;

export interface FolderScan {
  /** Candidate files (YAML, JSON, SQL), sorted. */
  files: string[];
  /** The scan stopped at its limit. */
  truncated: boolean;
  /** Folders not entered (SKIPPED_FOLDERS). */
  ignoredFolders: string[];
  /** How many files were passed over for their names (not YAML, JSON or SQL). */
  otherFiles: number;
}

/**
 * Files under `folder` whose names Stagegate may read (YAML, JSON, SQL), sorted, skipping SKIPPED_FOLDERS. With
 * `limit`, stops after that many and says it did.
 */
export async function scanFolder(folder: string, limit = Infinity): Promise<FolderScan> {
  const files: string[] = [];
  const ignoredFolders: string[] = [];
  let otherFiles = 0;
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
        if (SKIPPED_FOLDERS.has(entry.name)) ignoredFolders.push(full);
        else if (!(await walk(full))) return false;
      } else if (entry.isFile() && CANDIDATE_FILE.test(entry.name)) {
        if (files.length >= limit) return false;
        files.push(full);
      } else if (entry.isFile()) otherFiles++;
    }
    return true;
  };
  const complete = await walk(folder);
  return { files, truncated: !complete, ignoredFolders, otherFiles };
}

/** A file recognised (with its whole text), or passed over with the reason. */
export type ExaminedFile =
  | { file: string; kind: FileKind; by: RecognisedBy; text: string; bom: boolean }
  | { file: string; kind: undefined; skipped: SkipReason | 'unreadable' | 'configuration'; size?: number };

/**
 * Whether Stagegate reads `file`, deciding on as little of it as possible: the name, then the first
 * SNIFFED_HEAD_BYTES, then (only for a head that looks like flagd, in a file up to MAX_SNIFFED_BYTES) the whole text.
 * The whole text is read for the files Stagegate reads, up to `maxBytes`.
 */
export async function examineFile(file: string, configured?: ConfiguredKind, maxBytes = Infinity): Promise<ExaminedFile> {
  if (path.basename(file) === CONFIG_FILE_NAME) return { file, kind: undefined, skipped: 'configuration' };
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { file, kind: undefined, skipped: 'unreadable' };
    size = stat.size;
  } catch {
    return { file, kind: undefined, skipped: 'unreadable' };
  }
  let recognition = recogniseFile(file, undefined, { configured });
  let whole: string | undefined;
  if (recognition.kind === undefined && !('skipped' in recognition && recognition.skipped === 'unknown-name')) {
    const head = await readHead(file, size);
    if (head === undefined) return { file, kind: undefined, skipped: 'unreadable', size };
    if (head.whole) whole = head.text;
    recognition = recogniseFile(file, withoutBom(head.text), { configured, ...(head.whole ? {} : { head: { size } }) });
    if ('needsWholeText' in recognition) {
      whole = await readWhole(file);
      if (whole === undefined) return { file, kind: undefined, skipped: 'unreadable', size };
      recognition = recogniseFile(file, withoutBom(whole), { configured });
    }
  }
  if (recognition.kind === undefined)
    return { file, kind: undefined, skipped: 'skipped' in recognition ? recognition.skipped : 'unrecognised', size };
  if (size > maxBytes) return { file, kind: undefined, skipped: 'too-large', size };
  whole ??= await readWhole(file);
  if (whole === undefined) return { file, kind: undefined, skipped: 'unreadable', size };
  const bom = whole.charCodeAt(0) === 0xfeff;
  return { file, kind: recognition.kind, by: recognition.by, text: bom ? whole.slice(1) : whole, bom };
}

/** The first SNIFFED_HEAD_BYTES of a file, as text, and whether that is all of it. */
async function readHead(file: string, size: number): Promise<{ text: string; whole: boolean } | undefined> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(Math.min(size, SNIFFED_HEAD_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), whole: bytesRead >= size };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

async function readWhole(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * readIfExists for one run over files that do not change while it runs (a CLI command): each folder is listed once,
 * and a file its listing lacks is known missing without a look of its own. A folder of 300 migrations asks for each
 * one's down migration and for every migration tool's marker files above it: mostly files that are not there.
 */
export function readerForOneRun(): { read(file: string): Promise<string | undefined> } {
  // Each folder's names, lower-cased: on a case-insensitive file system a file may be asked for in another spelling.
  const listings = new Map<string, Promise<Set<string> | undefined>>();
  const listing = (folder: string): Promise<Set<string> | undefined> => {
    let names = listings.get(folder);
    if (!names)
      listings.set(
        folder,
        (names = fs.readdir(folder).then(
          (entries) => new Set(entries.map((entry) => entry.toLowerCase())),
          // A folder that does not exist holds nothing; one that cannot be listed is asked file by file.
          (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? new Set<string>() : undefined),
        )),
      );
    return names;
  };
  return {
    async read(file) {
      const names = await listing(path.dirname(file));
      if (names && !names.has(path.basename(file).toLowerCase())) return undefined;
      return readIfExists(file);
    },
  };
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
