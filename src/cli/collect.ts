// Turns command-line paths into the files to check: files as given, folders scanned for recognised kinds.

import { promises as fs } from 'fs';
import * as path from 'path';
import { recognise } from '../engine/formats/recognise';

export interface InputFile {
  /** Absolute path, the engine's key. */
  absolute: string;
  /** How the file is shown: as given, or relative to the scanned folder's parent. */
  display: string;
  text: string;
  /** The file started with a byte-order mark (removed from `text`, restored by --fix). */
  bom?: boolean;
}

export class UsageError extends Error {}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', 'coverage']);

export async function collectInputs(args: string[], cwd: string): Promise<InputFile[]> {
  const inputs = new Map<string, InputFile>();
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    let stat;
    try {
      stat = await fs.stat(absolute);
    } catch {
      throw new UsageError(`${arg}: no such file or folder.`);
    }
    if (stat.isDirectory()) {
      const base = absolute === cwd ? cwd : path.dirname(absolute);
      for (const file of await scanFolder(absolute)) {
        if (inputs.has(file)) continue;
        const { text, bom } = await readText(file);
        if (recognise(file, text)) inputs.set(file, { absolute: file, display: toPosix(path.relative(base, file)), text, bom });
      }
    } else {
      const { text, bom } = await readText(absolute, arg);
      if (!recognise(absolute, text)) {
        throw new UsageError(
          `${arg}: not a file Stagegate reads (release plans *.release.yaml, flags *.flags.yaml or *.flagd.json, SQL migrations, apiVersion: stagegate.dev/v1, Argo Rollouts or Flagger resources).`,
        );
      }
      inputs.set(absolute, { absolute, display: toPosix(arg), text, bom });
    }
  }
  return [...inputs.values()];
}

async function scanFolder(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) found.push(...(await scanFolder(full)));
    } else if (entry.isFile() && /\.(ya?ml|json|sql)$/i.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

async function readText(file: string, shown = file): Promise<{ text: string; bom: boolean }> {
  try {
    // A pipe or a device named on the command line would block the read forever.
    if (!(await fs.stat(file)).isFile()) throw new UsageError(`${shown}: not a regular file.`);
    const text = await fs.readFile(file, 'utf8');
    const bom = text.charCodeAt(0) === 0xfeff;
    return { text: bom ? text.slice(1) : text, bom };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
