// The files a command reads: command-line paths turned into the files to check (folders scanned for recognised
// kinds), the nearest `.stagegate.yaml`, and the CODEOWNERS that suggests owners.

import { promises as fs } from 'fs';
import * as path from 'path';
import { recogniseFile, type FileKind, type RecognisedBy, type SkipReason } from '../engine/formats/recognise';
import { defaultConfig, type StagegateConfig } from '../engine/config/config';
import { anchorFileKinds, configuredKind } from '../engine/config/file-kinds';
import { parseConfig } from '../engine/config/load';
import { configProblems } from '../engine/catalogue/config-problems';
import { MAX_FILE_BYTES, MAX_SNIFFED_BYTES, SNIFFED_HEAD_BYTES } from '../engine/limits';
import { examineFile, findConfigFile, readIfExists, scanFolder } from '../node/files';
import { UsageError, type Io } from './io';

export { CodeOwnersIndex, readerForOneRun, readIfExists } from '../node/files';

interface InputFile {
  /** Absolute path, the engine's key. */
  absolute: string;
  /** How the file is shown: as given, or relative to the scanned folder's parent. */
  display: string;
  text: string;
  /** The file started with a byte-order mark (removed from `text`, restored by --fix). */
  bom?: boolean;
  /** How it is read, and what made Stagegate read it. */
  kind: FileKind;
  by: RecognisedBy;
}

/** A file or folder a folder scan passed over, and why. */
interface SkippedFile {
  display: string;
  reason: SkipReason | 'unreadable' | 'configuration' | 'ignored-folder';
  size?: number;
}

export interface CollectedFiles {
  inputs: InputFile[];
  skipped: SkippedFile[];
  /** Files of folder scans passed over for their names alone (not YAML, JSON or SQL). */
  otherFiles: number;
}

export async function collectInputs(args: string[], cwd: string, config?: StagegateConfig): Promise<InputFile[]> {
  return (await collectFiles(args, cwd, config)).inputs;
}

/**
 * The files to check: each file named (read whatever it is called, refused when it is not a file Stagegate reads) and
 * the files of each folder Stagegate recognises, with what it passed over and why.
 */
export async function collectFiles(args: string[], cwd: string, config?: StagegateConfig): Promise<CollectedFiles> {
  const inputs = new Map<string, InputFile>();
  const skipped: SkippedFile[] = [];
  let otherFiles = 0;
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
      const shown = (file: string) => toPosix(path.relative(base, file));
      const scan = await scanFolder(absolute);
      otherFiles += scan.otherFiles;
      for (const folder of scan.ignoredFolders) skipped.push({ display: `${shown(folder)}/`, reason: 'ignored-folder' });
      for (const file of scan.files) {
        if (inputs.has(file)) continue;
        const examined = await examineFile(file, configuredKind(config?.files, file));
        if (examined.kind === undefined) skipped.push({ display: shown(file), reason: examined.skipped, size: examined.size });
        else
          inputs.set(file, {
            absolute: file,
            display: shown(file),
            text: examined.text,
            bom: examined.bom,
            kind: examined.kind,
            by: examined.by,
          });
      }
    } else {
      const { text, bom } = await readText(absolute, arg);
      // Named on the command line: its content is sniffed whatever its size (up to the parser's own limit).
      const recognition = recogniseFile(absolute, text, {
        configured: configuredKind(config?.files, absolute),
        sniffLimit: MAX_FILE_BYTES,
      });
      if (recognition.kind === undefined) {
        const reason = 'skipped' in recognition ? describeSkip(recognition.skipped, stat.size) : 'not recognised';
        throw new UsageError(
          `${arg}: not a file Stagegate reads (${reason}). It reads release plans (*.release.yaml), flag sets (*.flags.yaml), flagd files (*.flagd.json, a flagd $schema or modeline, or flagd's shape), Argo Rollouts and Flagger resources, files with apiVersion: stagegate.dev/v1, SQL migrations, and files named in the files: map of .stagegate.yaml.`,
        );
      }
      inputs.set(absolute, { absolute, display: toPosix(arg), text, bom, kind: recognition.kind, by: recognition.by });
    }
  }
  skipped.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { inputs: [...inputs.values()], skipped, otherFiles };
}

/** Why a file was not read, in words (for `check --verbose` and a file named on the command line). */
export function describeSkip(reason: SkippedFile['reason'], size?: number): string {
  switch (reason) {
    case 'unknown-name':
      return 'not a known name, and not YAML, JSON or SQL';
    case 'unrecognised':
      return `not a known name, and no recognisable content${size !== undefined && size > SNIFFED_HEAD_BYTES ? ` in its first ${kib(SNIFFED_HEAD_BYTES)}` : ''}`;
    case 'helm-template':
      return 'a Helm template ({{ … }} actions), not the file as applied';
    case 'too-large':
      return `too large to sniff (${size === undefined ? 'over' : `${mib(size)}, over`} the ${mib(MAX_SNIFFED_BYTES)} limit for reading content)`;
    case 'not-text':
      return 'not text';
    case 'unreadable':
      return 'cannot be read';
    case 'configuration':
      return "Stagegate's configuration";
    case 'ignored-folder':
      return 'ignored folder';
  }
}

/** What made Stagegate read a file, in words. */
export function describeRecognition(by: RecognisedBy): string {
  switch (by) {
    case 'configuration':
      return 'named in the files: map';
    case 'modeline':
      return 'by its yaml-language-server modeline';
    case 'schema':
      return 'by its $schema';
    case 'content':
      return 'by its content';
    case 'name':
      return 'by its name';
  }
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} MiB`;
}

/** A file named on the command line, without its byte order mark; a usage error when it cannot be read. */
export async function readText(file: string, shown = file): Promise<{ text: string; bom: boolean }> {
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
  // The files: map's globs are relative to the folder of the configuration file.
  if (config.files) config.files = anchorFileKinds(config.files, path.dirname(file));
  // `flags.defaultOwner` globs are relative to the configuration file.
  if (config.flagOwners) config.flagOwners.root = path.dirname(file);
  problems.push(...configProblems(config));
  for (const problem of problems) io.stderr(`stagegate: ${path.relative(io.cwd, file) || file}: ${problem}\n`);
  return { config, root: path.dirname(file) };
}

/** A report on standard output, or in `--out FILE` (its folder created), said on standard error with its size. */
export async function emitReport(output: string, out: string | undefined, io: Io): Promise<void> {
  if (out === undefined) {
    io.stdout(output);
    return;
  }
  const target = path.resolve(io.cwd, out);
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, output, 'utf8');
  } catch (error) {
    throw new UsageError(`${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  io.stderr(`stagegate: wrote ${out} (${Math.ceil(Buffer.byteLength(output) / 1024)} KB).\n`);
}
