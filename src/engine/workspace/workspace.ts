// The engine's entry point for every face: a set of files checked together, so cross-file rules (unknown flags,
// migrations shipped by a plan) have every fact they need. It keeps the file cache, gathers the facts, and asks the
// document checker for findings, reusing a file's findings while its text and the facts it read are unchanged.

import type { StagegateConfig } from '../config/config';
import { defaultOwnerOf } from '../config/flag-owners';
import type { Finding } from '../finding';
import { documentKind, type FileKind } from '../formats/recognise';
import type { MigrationFacts, WorkspaceFacts } from '../model/facts';
import type { SourceFile } from '../parse/source-file';
import { planReadiness, type Readiness } from '../readiness';
import { analyseMigration, migrationFacts, type MigrationAnalysis } from './analyse-migration';
import { checkYamlFile } from './document-checker';
import { collectFacts } from './fact-collector';
import { FileCache, type FileReader } from './file-cache';

export interface FileReport {
  path: string;
  kind: FileKind;
  findings: Finding[];
}

interface Analysis {
  text: string;
  hasDownMigration: boolean | undefined;
  result: Promise<MigrationAnalysis>;
}

export class Workspace {
  private readonly files: FileCache;
  /** Findings of each YAML file's last check, with the cross-file facts they were computed against. */
  private readonly yamlFindings = new Map<string, { text: string; factsKey: string; findings: Finding[] }>();
  /** Analyses of migrations, of the workspace or read from disk for a plan; dropped when configuration changes. */
  private readonly analyses = new Map<string, Analysis>();
  private codeOwners: ((path: string) => string | undefined) | undefined;

  constructor(
    private currentConfig: StagegateConfig,
    reader?: FileReader,
  ) {
    this.files = new FileCache(reader);
  }

  get config(): StagegateConfig {
    return this.currentConfig;
  }

  /** New configuration: severities, options and rule messages may change, so every result is computed again. */
  set config(config: StagegateConfig) {
    this.currentConfig = config;
    this.forgetResults();
    this.files.forgetExternal();
  }

  private forgetResults(): void {
    this.yamlFindings.clear();
    this.analyses.clear();
  }

  /** Adds or replaces a file; returns false when Stagegate does not read files of this kind. Unchanged text keeps its parse. */
  setFile(path: string, text: string, kind?: FileKind): boolean {
    const { accepted, added } = this.files.set(path, text, kind);
    if (added) this.forgetPairedMigration(path);
    if (!accepted) this.yamlFindings.delete(path);
    return accepted;
  }

  removeFile(path: string): void {
    this.files.remove(path);
    this.yamlFindings.delete(path);
    this.analyses.delete(path);
    this.forgetPairedMigration(path);
  }

  /** A down migration appearing or going changes whether its up migration is reversible. */
  private forgetPairedMigration(path: string): void {
    const up = upMigrationOf(path);
    if (!up) return;
    this.analyses.delete(up);
    this.files.forgetExternal(up);
  }

  /** The text a file was last checked with (as given to setFile). */
  textOf(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  paths(): string[] {
    return this.files.paths();
  }

  setCodeOwners(suggest: ((path: string) => string | undefined) | undefined): void {
    this.codeOwners = suggest;
    // Owner fixes read the suggestion: findings are computed again.
    this.yamlFindings.clear();
  }

  /** Forgets what was read from outside the file set, so the next check reads it again. */
  invalidateExternal(path?: string): void {
    this.files.forgetExternal(path);
    if (path === undefined) {
      for (const analysed of this.analyses.keys()) if (!this.files.has(analysed)) this.analyses.delete(analysed);
    } else if (!this.files.has(path)) this.analyses.delete(path);
  }

  /** The parsed form of a YAML or JSON file in the set (cached). */
  source(path: string): SourceFile | undefined {
    return this.files.source(path);
  }

  /** Checks the given files (default: all) against facts from the whole set. */
  async check(paths: string[] = this.paths()): Promise<FileReport[]> {
    // A file whose text and whose cross-file facts are unchanged keeps its findings: typing in one file does not
    // re-run the rules of every other file.
    const { facts, fingerprint: factsKey } = await this.factsWithFingerprint();
    const reports: FileReport[] = [];
    for (const path of paths) {
      const file = this.files.get(path);
      if (!file) continue;
      let findings: Finding[];
      if (file.kind === 'sql') findings = (await this.analysis(path, file.text)).findings;
      else {
        const cached = this.yamlFindings.get(path);
        if (cached && cached.text === file.text && cached.factsKey === factsKey) findings = cached.findings;
        else {
          findings = checkYamlFile(this.files.source(path)!, this.files.textFacts(file), facts, this.config);
          this.yamlFindings.set(path, { text: file.text, factsKey, findings });
        }
      }
      reports.push({ path, kind: file.kind, findings });
    }
    return reports;
  }

  /** The readiness checklist of every plan in a file. */
  async readiness(path: string): Promise<Readiness[]> {
    const source = this.source(path);
    if (!source) return [];
    const facts = await this.facts();
    return source.documents
      .filter((doc) => documentKind(doc.value, path) === 'release-plan')
      .map((doc) => planReadiness(doc.value, facts, this.config.today));
  }

  /** Facts gathered across the whole set, as rules see them (also for hovers and completions). */
  async facts(): Promise<WorkspaceFacts> {
    return (await this.factsWithFingerprint()).facts;
  }

  private factsWithFingerprint(): Promise<{ facts: WorkspaceFacts; fingerprint: string }> {
    return collectFacts(
      {
        sources: () => this.sources(),
        migration: (path) => this.migrationFacts(path),
        defaultOwner: (path) => defaultOwnerOf(this.config.flagOwners, path),
        suggestOwner: (path) => {
          const fromCodeOwners = this.codeOwners?.(path);
          if (fromCodeOwners) return { owner: fromCodeOwners, from: 'CODEOWNERS' };
          return this.config.defaultOwner ? { owner: this.config.defaultOwner, from: 'defaultOwner' } : undefined;
        },
      },
      this.config.today,
    );
  }

  private *sources(): Iterable<SourceFile> {
    for (const file of this.files.entries()) if (file.kind === 'yaml') yield this.files.source(file.path)!;
  }

  private async migrationFacts(path: string): Promise<MigrationFacts> {
    const inSet = this.files.get(path);
    if (inSet && inSet.kind !== 'sql') return { exists: true, breaking: [], statementCount: 0 };
    const text = await this.files.textOf(path);
    if (text === undefined) return { exists: false, breaking: [], statementCount: 0 };
    return migrationFacts(await this.analysis(path, text));
  }

  /** The analysis of a migration's current text, computed once per text, configuration and down-migration presence. */
  private async analysis(path: string, text: string): Promise<MigrationAnalysis> {
    const hasDownMigration = await this.hasDownMigration(path);
    const known = this.analyses.get(path);
    if (known && known.text === text && known.hasDownMigration === hasDownMigration) return known.result;
    const result = analyseMigration(text, { config: this.config, fileName: path, hasDownMigration });
    this.analyses.set(path, { text, hasDownMigration, result });
    return result;
  }

  private async hasDownMigration(path: string): Promise<boolean | undefined> {
    const match = /^(.*)\.up\.sql$/i.exec(path);
    return match ? this.files.exists(`${match[1]}.down.sql`) : undefined;
  }
}

function upMigrationOf(path: string): string | undefined {
  const match = /^(.*)\.down\.sql$/i.exec(path);
  return match ? `${match[1]}.up.sql` : undefined;
}
