// Runs the migration rules over one migration and turns their hazards into findings (configuration, suppressions).

import { effectiveSeverity, ruleOption, type StagegateConfig } from '../config/config';
import { compareFindings, type Finding } from '../finding';
import { applySuppressions } from '../suppression';
import { MAX_FILE_BYTES } from '../limits';
import { fileTooLarge, invalidEncoding } from '../text/file-findings';
import { LineIndex } from '../text/line-index';
import { MigrationModel, type KnownSchema } from './model';
import { loadSqlParser } from './parser';
import { readStatements, utf8Length } from './read-statements';
import type { MigrationStatementHazard } from './rule';
import { MIGRATION_RULE_MODULES } from './rules/index';

export interface AnalyseMigrationOptions {
  config: StagegateConfig;
  /** Path shown in related locations and messages. */
  fileName?: string;
  /** For `*.up.sql` files: whether the matching `*.down.sql` exists. Undefined: not a paired migration. */
  hasDownMigration?: boolean;
  /** What earlier migrations left behind (see `analyseMigrationSections`). */
  schemaBefore?: KnownSchema;
  /** Analyse only `text[span.start, span.end)` (UTF-16 offsets); ranges stay relative to the whole text. */
  span?: { start: number; end: number };
}

export interface MigrationAnalysis {
  /** After configuration (`off` drops, severities overridden) and `stagegate-disable-next-line` comments. */
  findings: Finding[];
  /** Every hazard detected, before configuration and suppressions: a plan rule reads `breaksOldVersion` here. */
  hazards: MigrationStatementHazard[];
  statementCount: number;
  /** The schema facts after this migration, for the next one. */
  schemaAfter: KnownSchema;
}

export async function analyseMigration(text: string, options: AnalyseMigrationOptions): Promise<MigrationAnalysis> {
  const lines = new LineIndex(text);
  // A whole file is refused above the size limit, as YAML and JSON files are; its encoding is checked as theirs is.
  const fileFindings: Finding[] = [];
  if (!options.span) {
    const bytes = utf8Length(text);
    if (bytes > MAX_FILE_BYTES) {
      const finding = fileTooLarge(bytes, lines);
      const severity = effectiveSeverity(options.config, finding.ruleId, finding.severity);
      const findings = severity === 'off' ? [] : [{ ...finding, severity }];
      return { findings, hazards: [], statementCount: 0, schemaAfter: options.schemaBefore ?? { tables: [], notNullColumns: [] } };
    }
    const encoding = invalidEncoding(text, lines);
    const severity = encoding && effectiveSeverity(options.config, encoding.ruleId, encoding.severity);
    if (encoding && severity && severity !== 'off') fileFindings.push({ ...encoding, severity });
  }
  await loadSqlParser();
  const statements = readStatements(text, lines, options.span?.start ?? 0, options.span?.end ?? text.length);
  const fileRunsInTransaction = ruleOption(options.config, 'migration-work-after-lock', 'fileRunsInTransaction', true);
  const model = new MigrationModel(statements, options.schemaBefore, fileRunsInTransaction);
  const hazards: MigrationStatementHazard[] = [];
  const findings: Finding[] = [];
  for (const rule of MIGRATION_RULE_MODULES) {
    const breaksOldVersion = rule.impact.includes('C');
    const severity = effectiveSeverity(options.config, rule.meta.id, rule.meta.defaultSeverity);
    rule.check({
      model,
      config: options.config,
      fileName: options.fileName,
      hasDownMigration: options.hasDownMigration,
      hazards,
      report(range, message, extras) {
        const hazard: MigrationStatementHazard = { ruleId: rule.meta.id, range, breaksOldVersion, message, ...definedOnly(extras) };
        hazards.push(hazard);
        if (severity !== 'off') findings.push({ ruleId: hazard.ruleId, severity, message, range, ...definedOnly(extras) });
      },
    });
  }
  return {
    findings: applySuppressions([...fileFindings, ...findings], lines).sort(compareFindings),
    hazards,
    statementCount: statements.length,
    schemaAfter: model.schemaAfter(),
  };
}

/** Keeps `fixes`/`related` out of the object when absent, so findings compare cleanly in tests and JSON. */
function definedOnly(extras: { fixes?: Finding['fixes']; related?: Finding['related'] } | undefined): Pick<Finding, 'fixes' | 'related'> {
  const result: Pick<Finding, 'fixes' | 'related'> = {};
  if (extras?.fixes && extras.fixes.length > 0) result.fixes = extras.fixes;
  if (extras?.related && extras.related.length > 0) result.related = extras.related;
  return result;
}
