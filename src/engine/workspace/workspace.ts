// The engine's entry point for every face: a set of files checked together, so cross-file rules (unknown flags,
// migrations shipped by a plan) have every fact they need. It keeps the file cache, gathers the facts, and asks the
// document checker for findings, reusing a file's findings while its text and the facts it read are unchanged.

import * as nodePath from 'path';
import type { StagegateConfig } from '../config/config';
import { configuredKind } from '../config/file-kinds';
import { defaultOwnerOf } from '../config/flag-owners';
import type { Finding } from '../finding';
import { compareSlots, migrationSlot, type MigrationSlot } from '../formats/migration-order';
import { flywayVersionOf, migrationPlace, type MigrationPlace } from '../formats/migration-roles';
import { besidePaths, detectMigrationTool, type AssumedTool, type BesideFiles, type ToolConflict } from '../formats/migration-tools';
import { DOCUMENT_KINDS, documentKind, type ConfiguredKind, type FileKind } from '../formats/recognise';
import type { MigrationFacts, WorkspaceFacts } from '../model/facts';
import type { SourceFile } from '../parse/source-file';
import type { MigrationCounterpart } from '../rule-kit/context';
import type { KnownSchema } from '../sql/model';
import { planReadiness, type Readiness } from '../readiness';
import {
  hasMeasurableSeries,
  labelFindings,
  labelMeasurePlan,
  type LabelMeasurePlan,
  type LabelMeasurement,
  type LabelMeasurementState,
} from '../calibrate/labels';
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
  /**
   * What the analysis read beyond its text: its pair (whether an up migration's down migration exists, a down
   * migration's up migration) and the schema the migrations before it in its folder left.
   */
  pairKey: string;
  result: Promise<MigrationAnalysis>;
  /** The state of the set it was last found current in: until the set changes, it is current without asking again. */
  checkedIn: number;
}

export class Workspace {
  private readonly files: FileCache;
  /** Findings of each YAML file's last check, with the cross-file facts they were computed against. */
  private readonly yamlFindings = new Map<string, { text: string; factsKey: string; findings: Finding[] }>();
  /** Analyses of migrations, of the workspace or read from disk for a plan; dropped when configuration changes. */
  private readonly analyses = new Map<string, Analysis>();
  /** The versioned up migrations of the set, in the order their tools run them, by folder; built when first needed. */
  private migrationSets: Map<string, { path: string; slot: MigrationSlot }[]> | undefined;
  /**
   * Counts changes to the set (files, configuration, what was read from outside): a migration's analysis found current
   * once is current until the next change, so a folder's later migrations do not each walk the chain before them.
   */
  private state = 0;
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

  /**
   * New configuration: severities, options and rule messages may change, so every result is computed again; a file
   * the `files:` map now calls something else is recognised again (and dropped when nothing reads it any more).
   */
  set config(config: StagegateConfig) {
    this.currentConfig = config;
    this.forgetResults();
    this.files.forgetExternal();
    this.migrationSets = undefined;
    for (const file of [...this.files.entries()]) {
      const configured = configuredKind(config.files, file.path);
      if (configured !== file.configured) this.files.set(file.path, file.text, undefined, configured);
    }
  }

  private forgetResults(): void {
    this.state++;
    this.yamlFindings.clear();
    this.analyses.clear();
  }

  /**
   * Adds or replaces a file; returns false when Stagegate does not read files of this kind. Unchanged text keeps its
   * parse. `kind` is how the face recognised it (with the same configuration); without it the file is recognised here.
   */
  setFile(path: string, text: string, kind?: FileKind): boolean {
    const wasMigration = this.files.get(path)?.kind === 'sql';
    const { accepted, added, changed } = this.files.set(path, text, kind, configuredKind(this.config.files, path));
    if (changed) this.state++;
    if (wasMigration !== (this.files.get(path)?.kind === 'sql')) this.migrationSets = undefined;
    if (added) this.forgetPairedMigration(path);
    if (!accepted) this.yamlFindings.delete(path);
    return accepted;
  }

  removeFile(path: string): void {
    if (this.files.get(path)?.kind === 'sql') this.migrationSets = undefined;
    this.state++;
    this.files.remove(path);
    this.yamlFindings.delete(path);
    this.analyses.delete(path);
    this.forgetPairedMigration(path);
  }

  /** A migration appearing or going changes how its pair is judged (an up migration's reversibility, what a down migration may drop). */
  private forgetPairedMigration(path: string): void {
    const pair = migrationPlace(path).counterpart;
    if (!pair) return;
    this.analyses.delete(pair);
    this.files.forgetExternal(pair);
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
    this.state++;
    this.files.forgetExternal(path);
    if (path === undefined) {
      for (const analysed of this.analyses.keys()) if (!this.files.has(analysed)) this.analyses.delete(analysed);
    } else if (!this.files.has(path)) this.analyses.delete(path);
  }

  /**
   * What a file of the set holds: `sql-migration`, or the kinds of its documents in DOCUMENT_KINDS order (empty for a
   * YAML or JSON file with no document of a kind Stagegate reads).
   */
  kindsOf(path: string): ConfiguredKind[] {
    const file = this.files.get(path);
    if (!file) return [];
    if (file.kind === 'sql') return ['sql-migration'];
    const source = this.files.source(path)!;
    const kinds = new Set(source.documents.map((doc) => documentKind(doc.value, path, source.declared)));
    return DOCUMENT_KINDS.filter((kind) => kinds.has(kind));
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

  /**
   * The readiness checklist of every plan in a file; `labels` gives what the metrics server said of a plan's series
   * (by the document's index), when they were measured.
   */
  async readiness(path: string, labels?: (document: number) => LabelMeasurementState | undefined): Promise<Readiness[]> {
    const source = this.source(path);
    if (!source) return [];
    const facts = await this.facts();
    return source.documents
      .filter((doc) => documentKind(doc.value, path, source.declared) === 'release-plan')
      .map((doc) => planReadiness(doc.value, facts, this.config.today, labels?.(doc.index)));
  }

  /** The plans of a file whose request and error series can be measured, with the queries that measure them. */
  labelMeasurePlans(path: string, lookbackMinutes?: number): { document: number; plan: unknown; measure: LabelMeasurePlan }[] {
    const source = this.source(path);
    if (!source) return [];
    return source.documents
      .filter((doc) => documentKind(doc.value, path, source.declared) === 'release-plan' && hasMeasurableSeries(doc.value))
      .map((doc) => ({ document: doc.index, plan: doc.value, measure: labelMeasurePlan(doc.value, lookbackMinutes) }));
  }

  /** Findings for the labels a plan's series lack, placed in its file. */
  labelFindings(path: string, document: number, measurement: LabelMeasurement): Finding[] {
    const source = this.source(path);
    const doc = source?.documents.find((candidate) => candidate.index === document);
    return source && doc ? labelFindings(source, doc, measurement) : [];
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

  /** The analysis of a migration's current text, computed once per text, configuration and state of its pair. */
  private async analysis(path: string, text: string): Promise<MigrationAnalysis> {
    const state = this.state;
    const current = this.analyses.get(path);
    if (current && current.checkedIn === state && current.text === text) return current.result;
    const place = await this.placeOf(path);
    const pair = await this.counterpart(path, place);
    const { counterpart } = pair;
    // The role is part of the key: a sqitch.plan appearing makes a deploy/ file's pair count.
    const before = await this.schemaBefore(path);
    // The tool is too: a marker file or a Flyway .sql.conf appearing changes the transaction model.
    const { tool, beside } = await this.toolAndBeside(path, text);
    const pairKey = `${place.role}\n${pair.pairKey}\n${before.key}\n${tool?.tool}\n${tool?.from}\n${beside.flywayConf}\n${beside.dieselMetadata}`;
    const known = this.analyses.get(path);
    if (known && known.text === text && known.pairKey === pairKey) {
      known.checkedIn = state;
      return known.result;
    }
    const result = analyseMigration(text, {
      config: this.config,
      fileName: path,
      role: place.role,
      counterpart,
      schemaBefore: before.schema,
      tool,
      beside,
    });
    this.analyses.set(path, { text, pairKey, result, checkedIn: state });
    return result;
  }

  /**
   * What the up migrations before this one in its folder left, and a key that changes when it does: editing an earlier
   * migration so that the schema it leaves changes makes every later one be analysed again, and only then.
   */
  private async schemaBefore(path: string): Promise<{ schema?: KnownSchema; key: string }> {
    const previous = this.previousMigration(path);
    if (previous === undefined) return { key: '' };
    const analysis = await this.analysis(previous, this.files.get(previous)!.text);
    let key = schemaKeys.get(analysis);
    if (key === undefined) schemaKeys.set(analysis, (key = `${previous}\n${JSON.stringify(analysis.schemaAfter)}`));
    return { schema: analysis.schemaAfter, key };
  }

  /** The up migration of the set that runs just before the one at `path`, by the order of its folder. */
  private previousMigration(path: string): string | undefined {
    const slot = migrationSlot(path);
    if (!slot) return undefined;
    const members = this.migrationSet(slot.set);
    // The last member ordered before this one (binary search: a folder may hold thousands).
    let low = 0;
    let high = members.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareSlots(members[middle].slot, slot) < 0) low = middle + 1;
      else high = middle;
    }
    return low > 0 ? members[low - 1].path : undefined;
  }

  private migrationSet(set: string): { path: string; slot: MigrationSlot }[] {
    if (!this.migrationSets) {
      this.migrationSets = new Map();
      for (const file of this.files.entries()) {
        const slot = file.kind === 'sql' ? migrationSlot(file.path) : undefined;
        if (!slot) continue;
        const members = this.migrationSets.get(slot.set);
        if (members) members.push({ path: file.path, slot });
        else this.migrationSets.set(slot.set, [{ path: file.path, slot }]);
      }
      for (const members of this.migrationSets.values()) members.sort((a, b) => compareSlots(a.slot, b.slot));
    }
    return this.migrationSets.get(set) ?? [];
  }

  /**
   * The tool that runs a migration: `migrations.tool` of the configuration, else what the file's markers or the
   * nearest marker files above it say; `conflict` when a folder's markers name two tools (then none is assumed).
   */
  async migrationTool(path: string, text?: string): Promise<{ assumed?: AssumedTool; conflict?: ToolConflict }> {
    const body = text ?? (await this.files.textOf(path)) ?? '';
    return detectMigrationTool(path, body, this.config.migrationTool, (file) => this.files.exists(file));
  }

  private async toolAndBeside(path: string, text: string): Promise<{ tool?: AssumedTool; beside: BesideFiles }> {
    const { assumed } = await this.migrationTool(path, text);
    const where = besidePaths(assumed?.tool, path);
    const beside: BesideFiles = {};
    if (where.flywayConf) beside.flywayConf = await this.files.textOf(where.flywayConf);
    if (where.dieselMetadata) beside.dieselMetadata = await this.files.textOf(where.dieselMetadata);
    return { tool: assumed, beside };
  }

  /** What a migration's path says of it; sqitch's folders count only beside a `sqitch.plan`. */
  private async placeOf(path: string): Promise<MigrationPlace> {
    const place = migrationPlace(path);
    return place.sqitchPlan === undefined || (await this.files.exists(place.sqitchPlan)) ? place : { role: 'up' };
  }

  /** A migration's pair by its convention: whether an up migration's down migration exists; what a down migration's up migration created. */
  private async counterpart(path: string, place: MigrationPlace): Promise<{ counterpart?: MigrationCounterpart; pairKey: string }> {
    if (!place.counterpart) return { pairKey: '' };
    if (place.role === 'up') {
      const found = await this.files.exists(place.counterpart);
      return { counterpart: { name: shortName(place.counterpart, path), found }, pairKey: String(found) };
    }
    const up = await this.upMigration(path, place);
    if (!up) return { counterpart: { name: shortName(place.counterpart, path), found: false }, pairKey: 'missing' };
    const { created } = await this.analysis(up.path, up.text);
    return { counterpart: { name: shortName(up.path, path), found: true, created }, pairKey: `${up.path}\n${up.text}` };
  }

  /** The up migration a down migration undoes: where its convention puts it, or for a Flyway undo script, the versioned migration of its version. */
  private async upMigration(path: string, place: MigrationPlace): Promise<{ path: string; text: string } | undefined> {
    const named = place.counterpart && (await this.files.textOf(place.counterpart));
    if (place.counterpart && named !== undefined) return { path: place.counterpart, text: named };
    if (place.flywayVersion === undefined) return undefined;
    const folder = nodePath.dirname(path);
    const versioned = this.paths().find(
      (candidate) => nodePath.dirname(candidate) === folder && flywayVersionOf(candidate) === place.flywayVersion,
    );
    return versioned ? { path: versioned, text: this.files.get(versioned)!.text } : undefined;
  }
}

/** Each analysis's schema after it, as JSON, written once: the key later migrations of its folder are cached by. */
const schemaKeys = new WeakMap<MigrationAnalysis, string>();

/** A pair's path as messages show it: from the folder both share (`up.sql`, `deploy/add_email.sql`). */
function shortName(pair: string, path: string): string {
  const a = pair.split(/[\\/]/);
  const b = path.split(/[\\/]/);
  let common = 0;
  while (common < Math.min(a.length, b.length) - 1 && a[common] === b[common]) common++;
  return a.slice(common).join('/');
}
