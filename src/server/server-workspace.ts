// The engine's Workspace kept in step with an editor: every file of the workspace folders Stagegate reads (scanned
// at start, then followed through the client's file events), open documents' unsaved text winning, and the
// configuration from the editor's settings and `.stagegate.yaml` (which wins, rule by rule).

import { promises as fs } from 'fs';
import * as path from 'path';
import { minimatch } from 'minimatch';
import { configProblems } from '../engine/catalogue/config-problems';
import { defaultConfig, todayIso, type StagegateConfig } from '../engine/config/config';
import { CONFIG_FILE_NAME, mergeRuleSettings, parseConfig } from '../engine/config/load';
import { looksLikeMigration, recognise } from '../engine/formats/recognise';
import { isRecord } from '../engine/values';
import { Workspace } from '../engine/workspace/workspace';
import { CANDIDATE_FILE, loadCodeOwners, readIfExists, scanFolder } from '../node/files';

/** Files read by the start-up scan at most; a larger workspace is checked as its files are opened. */
const MAX_SCANNED_FILES = 5000;

/** The editor settings of the `stagegate` section the server reads (see package.json `contributes.configuration`). */
export interface EditorSettings {
  rules?: unknown;
  migrations?: { globs?: unknown };
  defaultOwner?: unknown;
}

export class ServerWorkspace {
  readonly engine = new Workspace(defaultConfig(), { read: readIfExists });
  private folders: string[] = [];
  private settings: EditorSettings = {};
  private migrationGlobs: string[] = [];
  /** Paths of documents the editor has open: their text comes from the editor, not the disk. */
  private readonly open = new Set<string>();
  configurationProblems: string[] = [];
  /** The start-up scan stopped at MAX_SCANNED_FILES. */
  unscanned = false;

  /** Reads the configuration and scans the folders. */
  async initialise(folders: string[], settings: EditorSettings): Promise<void> {
    this.folders = folders;
    this.settings = settings;
    await this.reloadConfiguration();
    let budget = MAX_SCANNED_FILES;
    for (const folder of folders) {
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

  /** Whether Stagegate reads this file: a recognised plan, flag or adapted file, or a SQL migration. */
  accepts(file: string, text?: string): boolean {
    const kind = recognise(file, text);
    if (kind !== 'sql') return kind !== undefined;
    const relative = this.relative(file);
    return (
      looksLikeMigration(file) || this.migrationGlobs.some((glob) => minimatch(relative, glob, { dot: true })) || this.engine.hasFile(file)
    );
  }

  /** An open document's current text. */
  setOpen(file: string, text: string): void {
    this.open.add(file);
    if (this.accepts(file, text)) this.engine.setFile(file, text);
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
  deletedOnDisk(target: string): void {
    if (this.isConfiguration(target)) void this.reloadConfiguration();
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

  private async readFromDisk(file: string): Promise<void> {
    const text = await readIfExists(file);
    this.engine.invalidateExternal(file);
    if (this.open.has(file)) return;
    if (text === undefined || !this.accepts(file, text)) this.engine.removeFile(file);
    else this.engine.setFile(file, text);
  }

  private async reloadConfiguration(): Promise<void> {
    const problems: string[] = [];
    const config: StagegateConfig = defaultConfig();
    mergeRuleSettings(config, this.settings.rules, problems);
    const globs = isRecord(this.settings.migrations) ? this.settings.migrations.globs : undefined;
    if (Array.isArray(globs)) config.migrationGlobs = globs.filter((glob): glob is string => typeof glob === 'string');
    if (typeof this.settings.defaultOwner === 'string' && this.settings.defaultOwner) config.defaultOwner = this.settings.defaultOwner;
    const root = this.folders[0];
    const text = root ? await readIfExists(path.join(root, CONFIG_FILE_NAME)) : undefined;
    if (text !== undefined) {
      const fromFile = parseConfig(text, config.today);
      problems.push(...fromFile.problems.map((problem) => `${CONFIG_FILE_NAME}: ${problem}`));
      // The file wins over the editor's settings, rule by rule.
      for (const [ruleId, setting] of Object.entries(fromFile.config.rules)) config.rules[ruleId] = { ...config.rules[ruleId], ...setting };
      if (fromFile.config.migrationGlobs.length > 0) config.migrationGlobs = fromFile.config.migrationGlobs;
      if (fromFile.config.defaultOwner) config.defaultOwner = fromFile.config.defaultOwner;
      if (fromFile.config.simulation) config.simulation = fromFile.config.simulation;
    }
    problems.push(...configProblems(config));
    this.configurationProblems = problems;
    this.migrationGlobs = config.migrationGlobs;
    this.engine.config = config;
    this.engine.setCodeOwners(root ? await loadCodeOwners(root) : undefined);
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

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isDirectory();
  } catch {
    return false;
  }
}
