// The engine's entry point: a set of files checked together, so cross-file rules (unknown flags,
// migrations shipped by a plan) have every fact they need. Parses are cached by text.

import { effectiveSeverity, ruleOption, type StagegateConfig } from '../config/config';
import { compareFindings, type Finding } from '../finding';
import { documentKind, foreignKind, recognise, resolveMigrationPath, type DocumentKind, type FileKind } from '../formats/recognise';
import { collectForeignFacts, FOREIGN_RULES, validateForeign } from '../adapters/registry';
import { MAX_FINDINGS_PER_FILE, MAX_FLAGS, MAX_STAGES } from '../limits';
import { pathAt } from '../parse/path-at';
import { locate, parseSourceFile, type ParsedDocument, type SourceFile } from '../parse/source-file';
import type { DocumentContext, DocumentRule } from '../rules/context';
import { allRuleMetas, DOCUMENT_RULES } from '../rules/index';
import type { RuleMeta } from '../rules/rule-meta';
import { emptyFacts, type FlagDefinition, type MigrationFacts, type WorkspaceFacts } from '../rules/workspace-facts';
import { validateDocument } from '../schema/validate';
import { applySuppressions } from '../suppression';
import { LineIndex } from '../text/line-index';
import { isRecord } from '../values';
import { planReadiness, type Readiness } from '../readiness';

/** Reads files the workspace refers to but was not given (a plan's migration files). */
export interface FileReader {
  read(path: string): Promise<string | undefined>;
}

/** Analyses one SQL migration; provided by the migrations module. */
export interface SqlAnalyser {
  analyse(
    path: string,
    text: string,
    config: StagegateConfig,
    hasDownMigration: boolean | undefined,
  ): Promise<{ findings: Finding[]; facts: MigrationFacts }>;
}

export interface FileReport {
  path: string;
  kind: FileKind;
  findings: Finding[];
}

interface CachedSource {
  text: string;
  kind: FileKind;
  source?: SourceFile;
  sql?: Promise<{ findings: Finding[]; facts: MigrationFacts }>;
  /** Findings of the last check and the cross-file facts they were computed against. */
  findings?: { factsKey: string; result: Finding[] };
}

export class Workspace {
  private readonly files = new Map<string, CachedSource>();
  private readonly external = new Map<
    string,
    { text: string | undefined; sql?: Promise<{ findings: Finding[]; facts: MigrationFacts }> }
  >();
  private codeOwners: ((path: string) => string | undefined) | undefined;

  constructor(
    private currentConfig: StagegateConfig,
    private readonly reader?: FileReader,
    private readonly sql?: SqlAnalyser,
  ) {}

  get config(): StagegateConfig {
    return this.currentConfig;
  }

  /** New configuration: SQL findings carry configured severities, so their cached analyses are dropped. */
  set config(config: StagegateConfig) {
    this.currentConfig = config;
    this.forgetFindings();
    this.external.clear();
  }

  /** Findings depend on configuration and code owners too: drop every cached result. */
  private forgetFindings(): void {
    for (const cached of this.files.values()) {
      cached.sql = undefined;
      cached.findings = undefined;
    }
  }

  /** Adds or replaces a file; returns false when Stagegate does not read files of this kind. Unchanged text keeps its parse. */
  setFile(path: string, text: string, kind: FileKind | undefined = recognise(path, text)): boolean {
    if (!kind) {
      this.files.delete(path);
      return false;
    }
    const cached = this.files.get(path);
    if (cached && cached.text === text && cached.kind === kind) return true;
    if (!cached) this.forgetUpMigrationAnalysis(path);
    this.files.set(path, { text, kind });
    return true;
  }

  removeFile(path: string): void {
    this.files.delete(path);
    this.external.delete(path);
    this.forgetUpMigrationAnalysis(path);
  }

  /** A down migration appearing or going changes whether its up migration is reversible. */
  private forgetUpMigrationAnalysis(path: string): void {
    const match = /^(.*)\.down\.sql$/i.exec(path);
    if (!match) return;
    const up = `${match[1]}.up.sql`;
    const cached = this.files.get(up);
    if (cached) cached.sql = undefined;
    this.external.delete(up);
  }

  /** The text a file was last checked with (as given to setFile). */
  textOf(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  setCodeOwners(suggest: ((path: string) => string | undefined) | undefined): void {
    this.codeOwners = suggest;
    this.forgetFindings();
  }

  /** Forgets what was read from outside the file set, so the next check reads it again. */
  invalidateExternal(path?: string): void {
    if (path === undefined) this.external.clear();
    else this.external.delete(path);
  }

  /** The parsed form of a Stagegate file in the set (cached). */
  source(path: string): SourceFile | undefined {
    const cached = this.files.get(path);
    if (!cached || cached.kind !== 'stagegate') return undefined;
    cached.source ??= parseSourceFile(path, cached.text);
    return cached.source;
  }

  /** Checks the given files (default: all) against facts from the whole set. */
  async check(paths: string[] = this.paths()): Promise<FileReport[]> {
    const facts = await this.gatherFacts();
    // A file whose text and whose cross-file facts are unchanged keeps its findings: typing in one file does
    // not re-run the rules of every other file.
    const factsKey = factsFingerprint(facts, this.config.today);
    const reports: FileReport[] = [];
    for (const path of paths) {
      const cached = this.files.get(path);
      if (!cached) continue;
      let findings: Finding[];
      if (cached.kind === 'sql') findings = await this.checkSql(path, cached);
      else if (cached.findings?.factsKey === factsKey) findings = cached.findings.result;
      else {
        findings = this.checkStagegate(path, facts);
        cached.findings = { factsKey, result: findings };
      }
      reports.push({ path, kind: cached.kind, findings });
    }
    return reports;
  }

  ruleMetas(): RuleMeta[] {
    return allRuleMetas();
  }

  /** The readiness checklist of every plan in a file. */
  async readiness(path: string): Promise<Readiness[]> {
    const source = this.source(path);
    if (!source) return [];
    const facts = await this.gatherFacts();
    return source.documents
      .filter((doc) => documentKind(doc.value, path) === 'release-plan')
      .map((doc) => planReadiness(doc.value, facts, this.config.today));
  }

  /** Facts gathered across the whole set, as rules see them (for hovers and completions). */
  facts(): Promise<WorkspaceFacts> {
    return this.gatherFacts();
  }

  private checkStagegate(path: string, facts: WorkspaceFacts): Finding[] {
    const source = this.source(path)!;
    const metas = new Map(allRuleMetas().map((meta) => [meta.id, meta]));
    const findings: Finding[] = [];
    const push = (finding: Finding) => {
      const severity = effectiveSeverity(this.config, finding.ruleId, finding.severity);
      if (severity !== 'off') findings.push({ ...finding, severity });
    };
    source.findings.forEach(push);
    for (const doc of source.documents) {
      const kind = documentKind(doc.value, path);
      // Documents of other tools' formats (flagd, Argo Rollouts, Flagger) get their own schema and rules.
      const foreign = kind ? undefined : foreignKind(doc.value, path);
      if (!kind && !foreign) continue;
      const damagedFrom = damagedOffset(source, doc);
      const undamaged = (finding: Finding) => damagedFrom === undefined || source.lines.offsetAt(finding.range.start) < damagedFrom;
      for (const duplicate of doc.duplicateKeys) {
        if (damagedFrom !== undefined && source.lines.offsetAt(duplicate.duplicateRange.start) >= damagedFrom) continue;
        const isFlagKey = (kind === 'flag-set' || foreign === 'flagd') && duplicate.parent.length === 1 && duplicate.parent[0] === 'flags';
        push({
          ruleId: isFlagKey ? 'flag-duplicate-key' : 'duplicate-key',
          severity: 'error',
          message: isFlagKey
            ? `Flag "${duplicate.key}" is defined twice in this file; YAML keeps only the last definition.`
            : `Key "${duplicate.key}" appears twice; YAML keeps only the last one.`,
          range: duplicate.duplicateRange,
          related: [{ file: path, range: duplicate.firstRange, message: 'first definition' }],
        });
      }
      (foreign
        ? validateForeign(source, doc, foreign)
        : validateDocument(source, doc, kind === 'release-plan' ? 'release-plan' : 'flag-set')
      )
        .filter(undamaged)
        .forEach(push);
      // A document the parser had to repair gets no lint findings: they would describe the repair, not the file.
      if (damagedFrom !== undefined) continue;
      if (kind === 'release-plan' && isRecord(doc.value) && Array.isArray(doc.value.stages) && doc.value.stages.length > MAX_STAGES) {
        push({
          ruleId: 'plan-too-large',
          severity: 'error',
          message: `The plan has ${doc.value.stages.length} stages; Stagegate lints and simulates plans of up to ${MAX_STAGES}.`,
          range: locate(source, doc, ['stages']).key ?? doc.range,
        });
        continue;
      }
      const flagCount = kind === 'flag-set' && isRecord(doc.value) && isRecord(doc.value.flags) ? Object.keys(doc.value.flags).length : 0;
      if (flagCount > MAX_FLAGS) {
        push({
          ruleId: 'flag-set-too-large',
          severity: 'error',
          message: `The flag set has ${flagCount} flags; Stagegate lints flag sets of up to ${MAX_FLAGS}. Split it into several files.`,
          range: locate(source, doc, ['flags']).key ?? doc.range,
        });
        continue;
      }
      if (foreign && isRecord(doc.value)) {
        for (const rule of FOREIGN_RULES) if (rule.appliesTo === foreign) this.runRule(rule, source, doc, facts, metas, push);
        continue;
      }
      if (isRecord(doc.value)) {
        for (const rule of DOCUMENT_RULES) {
          if (rule.appliesTo !== kind) continue;
          this.runRule(rule, source, doc, facts, metas, push);
        }
      }
    }
    return finish(applySuppressions(findings, source.lines), source.lines, this.config);
  }

  private runRule(
    rule: Pick<DocumentRule, 'meta' | 'check'>,
    file: SourceFile,
    doc: ParsedDocument,
    facts: WorkspaceFacts,
    metas: Map<string, RuleMeta>,
    push: (finding: Finding) => void,
  ): void {
    const context: DocumentContext = {
      file,
      doc,
      config: this.config,
      facts,
      locate: (path) => locate(file, doc, path),
      report: (ruleId, range, message, extras = {}) => {
        const meta = metas.get(ruleId);
        push({
          ruleId,
          severity: extras.severity ?? meta?.defaultSeverity ?? 'warning',
          message,
          range,
          fixes: extras.fixes,
          related: extras.related,
        });
      },
      option: <T extends number | string | boolean>(ruleId: string, name: string): T => {
        const declared = metas.get(ruleId)?.options?.[name]?.default as T;
        return ruleOption(this.config, ruleId, name, declared);
      },
    };
    try {
      rule.check(context, doc.value as Record<string, unknown>);
    } catch (error) {
      // A rule bug must not take the editor down; it becomes a visible finding instead.
      push({
        ruleId: 'internal-error',
        severity: 'error',
        message: `Rule ${rule.meta.id} failed: ${(error as Error).message}`,
        range: doc.range,
      });
    }
  }

  private async checkSql(path: string, cached: CachedSource): Promise<Finding[]> {
    if (!this.sql) return [];
    cached.sql ??= this.sql.analyse(path, cached.text, this.config, await this.hasDownMigration(path));
    const { findings } = await cached.sql;
    return finish(findings, new LineIndex(cached.text), this.config);
  }

  private async hasDownMigration(path: string): Promise<boolean | undefined> {
    const match = /^(.*)\.up\.sql$/i.exec(path);
    if (!match) return undefined;
    const down = `${match[1]}.down.sql`;
    if (this.files.has(down)) return true;
    return (await this.reader?.read(down)) !== undefined;
  }

  private async gatherFacts(): Promise<WorkspaceFacts> {
    const facts = emptyFacts();
    facts.suggestOwner = (path) => this.codeOwners?.(path) ?? this.config.defaultOwner;
    const planMigrations = new Set<string>();
    for (const [path, cached] of this.files) {
      if (cached.kind !== 'stagegate') continue;
      const source = this.source(path)!;
      for (const doc of source.documents) {
        const kind = documentKind(doc.value, path);
        if (kind === 'flag-set') collectFlags(source, doc, facts);
        const foreign = kind ? undefined : foreignKind(doc.value, path);
        if (foreign) collectForeignFacts(source, doc, foreign, facts);
        if (kind === 'release-plan' && isRecord(doc.value) && Array.isArray(doc.value.migrations)) {
          for (const entry of doc.value.migrations) {
            if (isRecord(entry) && typeof entry.file === 'string') planMigrations.add(resolveMigrationPath(path, entry.file));
          }
        }
      }
    }
    for (const migrationPath of planMigrations) facts.migrations.set(migrationPath, await this.migrationFacts(migrationPath));
    return facts;
  }

  private async migrationFacts(path: string): Promise<MigrationFacts> {
    const inSet = this.files.get(path);
    let text = inSet?.text;
    if (text === undefined) {
      let external = this.external.get(path);
      if (!external) {
        external = { text: await this.reader?.read(path) };
        this.external.set(path, external);
      }
      text = external.text;
      if (text === undefined) return { exists: false, breaking: [], statementCount: 0 };
      if (!this.sql) return { exists: true, breaking: [], statementCount: 0 };
      external.sql ??= this.sql.analyse(path, text, this.config, await this.hasDownMigration(path));
      return (await external.sql).facts;
    }
    if (!this.sql || inSet!.kind !== 'sql') return { exists: true, breaking: [], statementCount: 0 };
    inSet!.sql ??= this.sql.analyse(path, text, this.config, await this.hasDownMigration(path));
    return (await inSet!.sql).facts;
  }
}

function collectFlags(source: SourceFile, doc: ParsedDocument, facts: WorkspaceFacts): void {
  const value = doc.value;
  if (!isRecord(value) || !isRecord(value.flags)) return;
  const setOwner = isRecord(value.metadata) && typeof value.metadata.owner === 'string' ? value.metadata.owner : undefined;
  facts.flagFiles.push({ path: source.path, flagCount: Object.keys(value.flags).length });
  for (const [key, flag] of Object.entries(value.flags)) {
    const definition: FlagDefinition = {
      key,
      file: source.path,
      keyRange: locate(source, doc, ['flags', key]).key ?? doc.range,
      owner: setOwner,
    };
    if (isRecord(flag)) {
      if (typeof flag.type === 'string') definition.type = flag.type;
      if (typeof flag.expires === 'string') definition.expires = flag.expires;
      if (typeof flag.owner === 'string') definition.owner = flag.owner;
      if (isRecord(flag.variants)) definition.variants = flag.variants;
      definition.default = flag.default;
      if (Array.isArray(flag.dependsOn)) definition.dependsOn = flag.dependsOn.filter((item): item is string => typeof item === 'string');
    }
    const list = facts.flags.get(key);
    if (list) list.push(definition);
    else facts.flags.set(key, [definition]);
  }
}

/**
 * Where a document with syntax errors stops being trustworthy: the start of the entry (two levels deep, such as
 * one flag or one stage) that holds the first error. Everything from there on may be the parser's repair.
 */
function damagedOffset(source: SourceFile, doc: ParsedDocument): number | undefined {
  const docStart = source.lines.offsetAt(doc.range.start);
  const docEnd = source.lines.offsetAt(doc.range.end);
  const errors = source.findings
    .filter((finding) => finding.ruleId === 'syntax-error')
    .map((finding) => source.lines.offsetAt(finding.range.start))
    .filter((offset) => offset >= docStart && offset <= docEnd + 1);
  if (errors.length === 0) return undefined;
  // A loop, not Math.min(...errors): a garbled file can have more errors than a call has room for arguments.
  const first = errors.reduce((min, offset) => Math.min(min, offset), Infinity);
  const at = pathAt(source, first);
  if (!at || at.path.length === 0) return docStart;
  const entry = locate(source, doc, at.path.slice(0, Math.min(2, at.path.length)));
  return Math.min(first, source.lines.offsetAt((entry.key ?? entry.value).start));
}

/** Everything cross-file rules read from other files, as one string: equal strings give equal findings. */
function factsFingerprint(facts: WorkspaceFacts, today: string): string {
  return JSON.stringify({
    today,
    flags: [...facts.flags],
    flagFiles: facts.flagFiles,
    migrations: [...facts.migrations],
    resources: [...facts.resources],
  });
}

function finish(findings: Finding[], lines: LineIndex, config: StagegateConfig): Finding[] {
  const sorted = [...findings].sort(compareFindings);
  if (sorted.length <= MAX_FINDINGS_PER_FILE) return sorted;
  const kept = sorted.slice(0, MAX_FINDINGS_PER_FILE);
  const severity = effectiveSeverity(config, 'too-many-findings', 'info');
  const hidden = sorted.length - MAX_FINDINGS_PER_FILE;
  if (severity !== 'off') {
    kept.push({
      ruleId: 'too-many-findings',
      severity,
      message: `${hidden} more finding${hidden === 1 ? '' : 's'} not shown; Stagegate reports at most ${MAX_FINDINGS_PER_FILE} per file.`,
      range: lines.range(0, lines.lineEnd(0)),
    });
  }
  return kept;
}

export { isRecord };

export type { DocumentKind };
