// The engine's Workspace kept in step with an editor: every file of the workspace folders Stagegate reads (scanned
// at start, then followed through the client's file events), open documents' unsaved text winning, and the
// configuration from the editor's settings and `.stagegate.yaml` (which wins, rule by rule).

import { promises as fs } from 'fs';
import * as path from 'path';
import { minimatch } from 'minimatch';
import { configProblems } from '../engine/catalogue/config-problems';
import { defaultConfig, todayIso, type StagegateConfig } from '../engine/config/config';
import { anchorFileKinds, configuredKind, readFileKinds, type FileKindGlob } from '../engine/config/file-kinds';
import { CONFIG_FILE_NAME, mergeRuleSettings, parseConfig } from '../engine/config/load';
import { looksLikeMigration, recogniseFile, type FileKind } from '../engine/formats/recognise';
import { MAX_FILE_BYTES } from '../engine/limits';
import { isPlaceholderOwner } from '../engine/model/owner';
import { isRecord } from '../engine/values';
import { Workspace } from '../engine/workspace/workspace';
import { CANDIDATE_FILE, CodeOwnersIndex, examineFile, readIfExists, scanFolder } from '../node/files';

/** Files read by the start-up scan at most; a larger workspace is checked as its files are opened. */
const MAX_SCANNED_FILES = 5000;

/** The editor settings of the `stagegate` section the server reads (see package.json `contributes.configuration`). */
export interface EditorSettings {
  rules?: unknown;
  migrations?: { globs?: unknown };
  defaultOwner?: unknown;
  /** Globs of each workspace folder mapped to a kind, as the `files:` map of `.stagegate.yaml`. */
  files?: unknown;
}

export class ServerWorkspace {
  readonly engine = new Workspace(defaultConfig(), { read: readIfExists });
  private folders: string[] = [];
  private settings: EditorSettings = {};
  private migrationGlobs: string[] = [];
  /** Each file's CODEOWNERS, from its own repository. */
  private codeOwners = new CodeOwnersIndex();
  /** Documents the editor has open, with their text: it comes from the editor, not the disk. */
  private readonly open = new Map<string, string>();
  configurationProblems: string[] = [];
  /** The start-up scan stopped at MAX_SCANNED_FILES. */
  unscanned = false;
  /** The folders have been scanned once: a new `files:` map scans them again. */
  private scanned = false;

  /** Reads the configuration and scans the folders. */
  async initialise(folders: string[], settings: EditorSettings): Promise<void> {
    this.folders = folders;
    this.settings = settings;
    await this.reloadConfiguration();
    await this.scan();
    this.scanned = true;
  }

  /** Reads every file of the folders Stagegate recognises, up to MAX_SCANNED_FILES. */
  private async scan(): Promise<void> {
    let budget = MAX_SCANNED_FILES;
    this.unscanned = false;
    for (const folder of this.folders) {
      const { files, truncated } = await scanFolder(folder, budget);
      budget -= files.length;
      if (truncated) this.unscanned = true;
      await Promise.all(files.map((file) => this.readFromDisk(file)));
    }
  }

  async setSettings(settings: EditorSettings): Promise<void> {
    this.settings = settings;
    await this.reloadConfiguration();
  }

  /**
   * How Stagegate reads this file, or undefined when it does not: recognised as the CLI recognises it, SQL only as a
   * migration (under a `migrations/` folder, matching `migrations.globs` or the `files:` map, or already read).
   */
  kindOf(file: string, text: string): FileKind | undefined {
    const configured = configuredKind(this.engine.config.files, file);
    // An open document is sniffed whatever its size (up to the parser's own limit), as a file named to check is.
    const recognition = recogniseFile(file, text, { configured, sniffLimit: MAX_FILE_BYTES });
    return recognition.kind && this.acceptsKind(file, recognition.kind, recognition.by === 'configuration') ? recognition.kind : undefined;
  }

  private acceptsKind(file: string, kind: FileKind, configured: boolean): boolean {
    if (kind !== 'sql' || configured) return true;
    const relative = this.relative(file);
    return (
      looksLikeMigration(file) || this.migrationGlobs.some((glob) => minimatch(relative, glob, { dot: true })) || this.engine.hasFile(file)
    );
  }

  /** An open document's current text. */
  setOpen(file: string, text: string): void {
    this.open.set(file, text);
    const kind = this.kindOf(file, text);
    if (kind) this.engine.setFile(file, text, kind);
    else this.engine.removeFile(file);
    this.engine.invalidateExternal(file);
  }

  /** A closed document: a file of the workspace keeps its findings (read again from disk); one from elsewhere is forgotten. */
  async setClosed(file: string): Promise<void> {
    this.open.delete(file);
    if (this.inFolders(file)) await this.readFromDisk(file);
    else this.engine.removeFile(file);
  }

  /** A file or folder created or changed on disk; an open document keeps its editor text. */
  async changedOnDisk(file: string): Promise<void> {
    if (this.isConfiguration(file)) return this.reloadConfiguration();
    if (this.open.has(file)) return;
    if (await isFolder(file)) return this.createdFolder(file);
    if (CANDIDATE_FILE.test(file)) await this.readFromDisk(file);
  }

  /** A file or a folder deleted on disk: every file under it goes. */
  async deletedOnDisk(target: string): Promise<void> {
    // The check that follows must see the configuration (or CODEOWNERS) without the deleted file.
    if (this.isConfiguration(target)) await this.reloadConfiguration();
    const prefix = target.endsWith(path.sep) ? target : target + path.sep;
    for (const file of this.engine.paths()) {
      if (file !== target && !file.startsWith(prefix)) continue;
      if (this.open.has(file)) continue;
      this.engine.removeFile(file);
    }
    this.engine.invalidateExternal(target);
  }

  /** A folder created on disk may arrive already full: scan it. */
  private async createdFolder(folder: string): Promise<void> {
    const { files } = await scanFolder(folder, MAX_SCANNED_FILES);
    await Promise.all(files.map((file) => this.readFromDisk(file)));
  }

  /** Configuration carries today's date for the expiry rules: after midnight it is read again. */
  async keepDateCurrent(): Promise<void> {
    if (this.engine.config.today !== todayIso()) await this.reloadConfiguration();
  }

  /** Reads a file from disk if Stagegate reads it, looking at no more of it than recognition needs. */
  private async readFromDisk(file: string): Promise<void> {
    const examined = await examineFile(file, configuredKind(this.engine.config.files, file), MAX_FILE_BYTES);
    this.engine.invalidateExternal(file);
    if (this.open.has(file)) return;
    if (examined.kind === undefined || !this.acceptsKind(file, examined.kind, examined.by === 'configuration'))
      this.engine.removeFile(file);
    else this.engine.setFile(file, examined.text, examined.kind);
  }

  private async reloadConfiguration(): Promise<void> {
    const problems: string[] = [];
    const config: StagegateConfig = defaultConfig();
    mergeRuleSettings(config, this.settings.rules, problems);
    const globs = isRecord(this.settings.migrations) ? this.settings.migrations.globs : undefined;
    if (Array.isArray(globs)) config.migrationGlobs = globs.filter((glob): glob is string => typeof glob === 'string');
    const owner = this.settings.defaultOwner;
    if (typeof owner === 'string' && owner.trim() !== '') {
      if (isPlaceholderOwner(owner)) problems.push(`stagegate.defaultOwner: "${owner}" is a placeholder, not an owner; it is not used.`);
      else config.defaultOwner = owner;
    }
    // The setting's globs are relative to each workspace folder; the file's, which come after and so win, to its own.
    const fromSettings = readFileKinds(this.settings.files, problems, 'stagegate.files');
    config.files = this.folders.flatMap((folder) => anchorFileKinds(fromSettings, folder));
    const root = this.folders[0];
    const text = root ? await readIfExists(path.join(root, CONFIG_FILE_NAME)) : undefined;
    if (text !== undefined) {
      const fromFile = parseConfig(text, config.today);
      problems.push(...fromFile.problems.map((problem) => `${CONFIG_FILE_NAME}: ${problem}`));
      // The file wins over the editor's settings, rule by rule.
      for (const [ruleId, setting] of Object.entries(fromFile.config.rules)) config.rules[ruleId] = { ...config.rules[ruleId], ...setting };
      if (fromFile.config.migrationGlobs.length > 0) config.migrationGlobs = fromFile.config.migrationGlobs;
      if (fromFile.config.migrationTool) config.migrationTool = fromFile.config.migrationTool;
      if (fromFile.config.postgresVersion !== undefined) config.postgresVersion = fromFile.config.postgresVersion;
      if (fromFile.config.defaultOwner) config.defaultOwner = fromFile.config.defaultOwner;
      // `flags.defaultOwner` globs are relative to the configuration file.
      if (fromFile.config.flagOwners) config.flagOwners = { ...fromFile.config.flagOwners, root };
      if (fromFile.config.simulation) config.simulation = fromFile.config.simulation;
      if (fromFile.config.files) config.files.push(...anchorFileKinds(fromFile.config.files, root));
    }
    problems.push(...configProblems(config));
    this.configurationProblems = problems;
    this.migrationGlobs = config.migrationGlobs;
    const filesChanged = !sameFileKinds(this.engine.config.files, config.files);
    this.engine.config = config;
    this.codeOwners = new CodeOwnersIndex(root);
    await this.codeOwners.prepare(this.engine.paths());
    this.engine.setCodeOwners((file) => this.codeOwners.ownerOf(file));
    // Files the new files: map names may not have been read yet, and open documents may now be (or no longer be) read.
    if (filesChanged && this.scanned) {
      await this.scan();
      for (const [file, text] of this.open) this.setOpen(file, text);
    }
  }

  /** Reads the CODEOWNERS of repositories files were added from since the last check; call before each check. */
  async prepareCodeOwners(): Promise<void> {
    // Owner fixes read the suggestion: a new repository's CODEOWNERS makes them computed again.
    if (await this.codeOwners.prepare(this.engine.paths())) this.engine.setCodeOwners((file) => this.codeOwners.ownerOf(file));
  }

  private isConfiguration(file: string): boolean {
    const name = path.basename(file);
    return name === CONFIG_FILE_NAME || name === 'CODEOWNERS';
  }

  private inFolders(file: string): boolean {
    return this.folders.some((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
  }

  /** A path relative to the workspace folder holding it, `/`-separated, for globs and for naming files in reports. */
  relative(file: string): string {
    const folder = this.folders.find((candidate) => file.startsWith(candidate + path.sep));
    return (folder ? path.relative(folder, file) : file).split(path.sep).join('/');
  }
}

function sameFileKinds(a: FileKindGlob[] | undefined, b: FileKindGlob[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isDirectory();
  } catch {
    return false;
  }
}
