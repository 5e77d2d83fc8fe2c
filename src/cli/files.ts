// The files a command reads: command-line paths turned into the files to check (folders scanned for recognised
// kinds), the nearest `.stagegate.yaml`, and the CODEOWNERS that suggests owners.

import { promises as fs } from 'fs';
import * as path from 'path';
import { recognise } from '../engine/formats/recognise';
import { defaultConfig, type StagegateConfig } from '../engine/config/config';
import { parseConfig } from '../engine/config/load';
import { configProblems } from '../engine/catalogue/config-problems';
import { findConfigFile, readIfExists, scanFolder } from '../node/files';
import { UsageError, type Io } from './io';

export { CodeOwnersIndex, readIfExists } from '../node/files';

interface InputFile {
  /** Absolute path, the engine's key. */
  absolute: string;
  /** How the file is shown: as given, or relative to the scanned folder's parent. */
  display: string;
  text: string;
  /** The file started with a byte-order mark (removed from `text`, restored by --fix). */
  bom?: boolean;
}

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
      for (const file of (await scanFolder(absolute)).files) {
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

/** The configuration and the workspace root (where CODEOWNERS is looked for last): the folder of `.stagegate.yaml`, or the current folder. */
export async function loadConfig(
  explicit: string | undefined,
  paths: string[],
  io: Io,
  today: string,
): Promise<{ config: StagegateConfig; root: string }> {
  const file = explicit ? path.resolve(io.cwd, explicit) : await findConfigFile(path.resolve(io.cwd, paths[0]));
  if (!file) return { config: defaultConfig(today), root: io.cwd };
  const text = await readIfExists(file);
  if (text === undefined) {
    if (explicit) throw new UsageError(`${explicit}: cannot read the configuration file.`);
    return { config: defaultConfig(today), root: io.cwd };
  }
  const { config, problems } = parseConfig(text, today);
  // `flags.defaultOwner` globs are relative to the configuration file.
  if (config.flagOwners) config.flagOwners.root = path.dirname(file);
  problems.push(...configProblems(config));
  for (const problem of problems) io.stderr(`stagegate: ${path.relative(io.cwd, file) || file}: ${problem}\n`);
  return { config, root: path.dirname(file) };
}
