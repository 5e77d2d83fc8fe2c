// Runs the migration rules over one migration and turns their hazards into findings (configuration, suppressions).

import { effectiveSeverity, ruleOption, type StagegateConfig } from '../config/config';
import { compareFindings, type Finding } from '../finding';
import { applySuppressions } from '../suppression';
import { LineIndex } from '../text/line-index';
import { MigrationModel, type KnownSchema } from './model';
import { loadSqlParser } from './parser';
import { readStatements } from './read-statements';
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
  await loadSqlParser();
  const lines = new LineIndex(text);
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
    findings: applySuppressions(findings, lines).sort(compareFindings),
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
