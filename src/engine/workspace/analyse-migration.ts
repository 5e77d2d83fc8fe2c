// One SQL migration checked: its text facts, its statements as PostgreSQL parses them, the model of what it does, and
// the catalogue's migration rules over it. The workspace checks migration files through this; tests and the
// section reader call it directly.

import { ruleOption, type StagegateConfig } from '../config/config';
import { ruleMeta } from '../catalogue';
import type { Finding } from '../finding';
import { emptyFacts, type MigrationFacts } from '../model/facts';
import { MigrationModel, type KnownSchema } from '../sql/model';
import { loadSqlParser } from '../sql/parser';
import { readStatements } from '../sql/read-statements';
import { LineIndex } from '../text/line-index';
import { readTextFacts, type TextFacts } from '../text/text-facts';
import { checkMigration, type RawFinding } from './document-checker';

export interface AnalyseMigrationOptions {
  config: StagegateConfig;
  /** The migration's path, for findings' related locations and messages. */
  fileName?: string;
  /** For migrations of an up/down pair: whether the down migration exists. Undefined: not a paired migration. */
  hasDownMigration?: boolean;
  /** What earlier migrations left behind (see `analyseMigrationSections`). */
  schemaBefore?: KnownSchema;
  /** Analyse only `text[span.start, span.end)` (UTF-16 offsets); ranges stay relative to the whole text. */
  span?: { start: number; end: number };
}

/** A finding of a migration rule as reported, before configuration and suppression comments. */
interface MigrationStatementHazard extends RawFinding {
  /** The old application version breaks if it runs against the migrated schema. */
  breaksOldVersion: boolean;
}

export interface MigrationAnalysis {
  /** After configuration (`off` drops, severities overridden) and `stagegate-disable-next-line` comments. */
  findings: Finding[];
  /** Every hazard the migration rules reported, before configuration and suppressions. */
  hazards: MigrationStatementHazard[];
  statementCount: number;
  /** The schema facts after this migration, for the next one. */
  schemaAfter: KnownSchema;
}

const SPAN_TEXT_FACTS: TextFacts = { byteLength: 0, tooLarge: false };

export async function analyseMigration(text: string, options: AnalyseMigrationOptions): Promise<MigrationAnalysis> {
  const lines = new LineIndex(text);
  // A section of a file (a span) is part of a text whose size and encoding are the whole file's to report.
  const textFacts = options.span ? SPAN_TEXT_FACTS : readTextFacts(text);
  let model: MigrationModel | undefined;
  if (!textFacts.tooLarge) {
    await loadSqlParser();
    const statements = readStatements(text, lines, options.span?.start ?? 0, options.span?.end ?? text.length);
    const fileRunsInTransaction = ruleOption(options.config, 'migration-work-after-lock', 'fileRunsInTransaction', true);
    model = new MigrationModel(statements, options.schemaBefore, fileRunsInTransaction);
  }
  const check = checkMigration(
    options.fileName ?? '',
    text,
    lines,
    textFacts,
    model,
    options.hasDownMigration,
    emptyFacts(),
    options.config,
  );
  const hazards = check.raw.flatMap((finding): MigrationStatementHazard[] => {
    const meta = ruleMeta(finding.ruleId);
    return meta?.reads.includes('sql-migration')
      ? [{ ...finding, breaksOldVersion: meta.impact?.includes('breaks-old-version') === true }]
      : [];
  });
  return {
    findings: check.findings,
    hazards,
    statementCount: model?.statements.length ?? 0,
    schemaAfter: model?.schemaAfter() ?? options.schemaBefore ?? { tables: [], notNullColumns: [] },
  };
}

/** What a plan that ships this migration needs to know of it. */
export function migrationFacts(analysis: MigrationAnalysis): MigrationFacts {
  const breaking = analysis.hazards
    .filter((hazard) => hazard.breaksOldVersion)
    .map(({ range, ruleId, message }) => ({ range, ruleId, message }));
  return { exists: true, breaking, statementCount: analysis.statementCount };
}
