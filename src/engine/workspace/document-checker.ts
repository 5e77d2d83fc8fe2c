// Runs the catalogue's rules over one file: each rule with the context of what it reads (the text, the parsed file,
// each document of its kinds, the migration), then configuration (severities, `off`), suppression comments and the
// per-file limit. The only place that builds rule contexts.

import { effectiveSeverity, ruleOption, workspaceOptionDefault, type StagegateConfig } from '../config/config';
import { flagsOf, ladderOf } from '../catalogue/views';
import { rulesReading } from '../catalogue';
import { compareFindings, type Finding } from '../finding';
import { documentKind, type DocumentKind } from '../formats/recognise';
import { MAX_FINDINGS_PER_FILE } from '../limits';
import type { WorkspaceFacts } from '../model/facts';
import { exceedsLimits } from '../model/size';
import { pathAt } from '../parse/path-at';
import { locate, type ParsedDocument, type SourceFile } from '../parse/source-file';
import type { BaseContext, MigrationCounterpart, ReportExtras } from '../rule-kit/context';
import type { Rule, RuleMeta, RuleOptions, Subject } from '../rule-kit/rule';
import type { MigrationRole } from '../formats/migration-roles';
import type { MigrationModel } from '../sql/model';
import { applySuppressions } from '../suppression';
import type { LineIndex } from '../text/line-index';
import type { TextFacts } from '../text/text-facts';
import { isRecord } from '../values';
import internalError from '../rules/files/internal-error';
import tooManyFindings from '../rules/files/too-many-findings';

/** A finding as a rule reported it, before configuration and suppression comments. */
export type RawFinding = Finding;

/** What is shared by every check of one file. */
interface FileRun {
  path: string;
  config: StagegateConfig;
  facts: WorkspaceFacts;
  findings: RawFinding[];
}

function baseContext<O extends RuleOptions>(
  run: FileRun,
  meta: RuleMeta,
  keep: (finding: RawFinding) => boolean = () => true,
): BaseContext<O> {
  return {
    path: run.path,
    config: run.config,
    facts: run.facts,
    option: (name) =>
      ruleOption(run.config, meta.id, name, (workspaceOptionDefault(run.config, name) ?? meta.options?.[name]?.default) as never),
    report: (range, message, extras: ReportExtras = {}) => {
      const finding: RawFinding = { ruleId: meta.id, severity: extras.severity ?? meta.defaultSeverity, message, range };
      if (extras.fixes && extras.fixes.length > 0) finding.fixes = extras.fixes;
      if (extras.related && extras.related.length > 0) finding.related = extras.related;
      if (extras.effects && extras.effects.length > 0) finding.effects = extras.effects;
      if (keep(finding)) run.findings.push(finding);
    },
  };
}

/** Runs one rule; a rule that throws becomes an internal-error finding rather than an exception in an editor. */
function runRule<S extends Subject>(run: FileRun, rule: Rule<S>, context: Parameters<Rule<S>['check']>[0], range: Finding['range']): void {
  try {
    rule.check(context);
  } catch (error) {
    run.findings.push({
      ruleId: internalError.meta.id,
      severity: 'error',
      message: `Rule ${rule.meta.id} failed: ${(error as Error).message}`,
      range,
    });
  }
}

/** Findings of a YAML or JSON file: its text, the file as parsed, then each document of a kind Stagegate reads. */
export function checkYamlFile(file: SourceFile, textFacts: TextFacts, facts: WorkspaceFacts, config: StagegateConfig): Finding[] {
  const run: FileRun = { path: file.path, config, facts, findings: [] };
  const whole = file.lines.range(0, file.lines.lineEnd(0));
  for (const rule of rulesReading('text'))
    runRule(run, rule, { ...baseContext(run, rule.meta), text: file.text, lines: file.lines, textFacts }, whole);
  if (!textFacts.tooLarge) {
    for (const rule of rulesReading('yaml')) runRule(run, rule, { ...baseContext(run, rule.meta), file }, whole);
    for (const doc of file.documents) checkDocument(run, file, doc);
  }
  return finish(applySuppressions(run.findings, file.lines), file.lines, config);
}

function checkDocument(run: FileRun, file: SourceFile, doc: ParsedDocument): void {
  const kind = documentKind(doc.value, file.path, file.declared);
  if (!kind) return;
  const damagedFrom = damagedOffset(file, doc);
  const beforeDamage = (finding: RawFinding) => damagedFrom === undefined || file.lines.offsetAt(finding.range.start) < damagedFrom;
  // Most rules need a mapping to read, an undamaged document (they would describe the parser's repair) and a size
  // within the limits; rules about what the parser saw read every document, up to the damage.
  const lint = isRecord(doc.value) && damagedFrom === undefined && !exceedsLimits(kind, doc.value);
  const shared = documentShared(kind, file, doc);
  for (const rule of rulesReading(kind)) {
    const repaired = rule.meta.readsRepaired === true;
    const limit = rule.meta.family === 'limits' && isRecord(doc.value) && damagedFrom === undefined;
    if (!repaired && !lint && !limit) continue;
    // Each rule's context: its own report and options over what every rule of the document shares.
    const context = Object.assign(Object.create(shared) as object, baseContext(run, rule.meta, repaired ? beforeDamage : undefined));
    runRule(run, rule, context as never, doc.range);
  }
}

/** What every rule reading a document sees of it, built once per document. */
function documentShared(kind: DocumentKind, file: SourceFile, doc: ParsedDocument): object {
  const value = isRecord(doc.value) ? doc.value : {};
  const shared = { kind, file, doc, value, locate: (path: Parameters<typeof locate>[2]) => locate(file, doc, path) };
  // Views are read when a rule asks for them (a plan over the size limits never builds its ladder), once per parsed
  // value (the readers cache).
  return Object.defineProperties(shared, {
    flags: { get: () => flagsOf(kind, value), enumerable: true },
    ladder: { get: () => ladderOf(kind, value), enumerable: true },
  });
}

interface MigrationCheck {
  /** After configuration and suppression comments, sorted and capped. */
  findings: Finding[];
  /** Every finding as reported, before configuration, with the role of the migration it is about: plans read what breaks the old version here. */
  raw: { finding: RawFinding; role: MigrationRole }[];
}

/** One migration of a SQL file: the whole file, or one section of a file that holds both directions. */
export interface MigrationPart {
  model: MigrationModel;
  role: MigrationRole;
  counterpart: MigrationCounterpart | undefined;
}

const DEFAULT_ROLES: readonly MigrationRole[] = ['up', 'down'];

/** Findings of a SQL migration: its text, then (when it was read) each migration it holds, by the rules of its role. */
export function checkMigration(
  path: string,
  text: string,
  lines: LineIndex,
  textFacts: TextFacts,
  parts: readonly MigrationPart[],
  facts: WorkspaceFacts,
  config: StagegateConfig,
): MigrationCheck {
  const run: FileRun = { path, config, facts, findings: [] };
  const whole = lines.range(0, lines.lineEnd(0));
  for (const rule of rulesReading('text')) runRule(run, rule, { ...baseContext(run, rule.meta), text, lines, textFacts }, whole);
  const raw: MigrationCheck['raw'] = run.findings.map((finding) => ({ finding, role: 'up' }));
  const models = parts.map((part) => part.model);
  for (const { model, role, counterpart } of parts) {
    const from = run.findings.length;
    for (const rule of rulesReading('sql-migration')) {
      if (!(rule.meta.roles ?? DEFAULT_ROLES).includes(role)) continue;
      runRule(run, rule, { ...baseContext(run, rule.meta), text, lines, migration: model, role, counterpart, parts: models }, whole);
    }
    for (const finding of run.findings.slice(from)) raw.push({ finding, role });
  }
  return { raw, findings: finish(applySuppressions(run.findings, lines), lines, config) };
}

/** Configured severities (`off` drops the finding), sorted, at most MAX_FINDINGS_PER_FILE and a count of the rest. */
function finish(findings: RawFinding[], lines: LineIndex, config: StagegateConfig): Finding[] {
  const configured: Finding[] = [];
  for (const finding of findings) {
    const severity = effectiveSeverity(config, finding.ruleId, finding.severity);
    if (severity !== 'off') configured.push(severity === finding.severity ? finding : { ...finding, severity });
  }
  const sorted = configured.sort(compareFindings);
  if (sorted.length <= MAX_FINDINGS_PER_FILE) return sorted;
  const kept = sorted.slice(0, MAX_FINDINGS_PER_FILE);
  const meta = tooManyFindings.meta;
  const severity = effectiveSeverity(config, meta.id, meta.defaultSeverity);
  const hidden = sorted.length - MAX_FINDINGS_PER_FILE;
  if (severity !== 'off') {
    kept.push({
      ruleId: meta.id,
      severity,
      message: `${hidden} more finding${hidden === 1 ? '' : 's'} not shown; Stagegate reports at most ${MAX_FINDINGS_PER_FILE} per file.`,
      range: lines.range(0, lines.lineEnd(0)),
    });
  }
  return kept;
}

/**
 * Where a document with syntax errors stops being trustworthy: the start of the entry (two levels deep, such as
 * one flag or one stage) that holds the first error. Everything from there on may be the parser's repair.
 */
function damagedOffset(file: SourceFile, doc: ParsedDocument): number | undefined {
  const docStart = file.lines.offsetAt(doc.range.start);
  const docEnd = file.lines.offsetAt(doc.range.end);
  // A loop, not Math.min(...errors): a garbled file can have more errors than a call has room for arguments.
  let first = Infinity;
  for (const problem of file.problems) {
    if (problem.kind !== 'syntax-error') continue;
    const offset = file.lines.offsetAt(problem.range.start);
    if (offset >= docStart && offset <= docEnd + 1 && offset < first) first = offset;
  }
  if (first === Infinity) return undefined;
  const at = pathAt(file, first);
  if (!at || at.path.length === 0) return docStart;
  const entry = locate(file, doc, at.path.slice(0, Math.min(2, at.path.length)));
  return Math.min(first, file.lines.offsetAt((entry.key ?? entry.value).start));
}
