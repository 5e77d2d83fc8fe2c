// One SQL migration checked: its text facts, its statements as PostgreSQL parses them, the model of what it does, and
// the catalogue's migration rules over it, by its role (up, down or verify). A dbmate or goose file holds an up and
// a down migration: each section is modelled and judged on its own, the down one after the up one. Templates in the
// text are replaced before it is parsed (src/engine/sql/templates.ts). The workspace checks migration files through
// this, each up migration from the schema the earlier ones of its folder left (src/engine/formats/migration-order.ts);
// tests call it directly.

import { ruleOption, type StagegateConfig } from '../config/config';
import { ruleMeta } from '../catalogue';
import type { Finding } from '../finding';
import { migrationSections, sectionMarker, type MigrationRole, type MigrationSection } from '../formats/migration-roles';
import { transactionUnits, type AssumedTool, type BesideFiles, type TransactionUnit } from '../formats/migration-tools';
import { emptyFacts, type MigrationFacts } from '../model/facts';
import type { MigrationCounterpart } from '../rule-kit/context';
import { MigrationModel, type CreatedObjects, type KnownSchema } from '../sql/model';
import { loadSqlParser } from '../sql/parser';
import { readStatements } from '../sql/read-statements';
import { maskTemplates, restoreTemplates, type TemplatedText } from '../sql/templates';
import { LineIndex } from '../text/line-index';
import { readTextFacts, type TextFacts } from '../text/text-facts';
import { checkMigration, type MigrationPart, type RawFinding } from './document-checker';

export interface AnalyseMigrationOptions {
  config: StagegateConfig;
  /** The migration's path, for findings' related locations and messages. */
  fileName?: string;
  /** Which way it runs, by its path's convention (`migrationPlace`); default `up`. dbmate and goose sections say it themselves. */
  role?: MigrationRole;
  /** Its pair by that convention: an up migration's down migration, a down migration's up migration and what it created. */
  counterpart?: MigrationCounterpart;
  /** What the earlier migrations of its folder left behind (the workspace carries it from one to the next). */
  schemaBefore?: KnownSchema;
  /** Analyse only `text[span.start, span.end)` (UTF-16 offsets); ranges stay relative to the whole text. */
  span?: { start: number; end: number };
  /** The tool that runs it (`detectMigrationTool`): its transaction model. Unknown: one transaction unless impossible. */
  tool?: AssumedTool;
  /** Files beside the migration that change how its tool runs it (Flyway's `.sql.conf`, diesel's `metadata.toml`). */
  beside?: BesideFiles;
}

/** A finding of a migration rule as reported, before configuration and suppression comments. */
interface MigrationStatementHazard extends RawFinding {
  /** The old application version breaks if it runs against the migrated schema (never said of a down migration). */
  breaksOldVersion: boolean;
}

export interface MigrationAnalysis {
  /** After configuration (`off` drops, severities overridden) and `stagegate-disable-next-line` comments. */
  findings: Finding[];
  /** Every hazard the migration rules reported, before configuration and suppressions. */
  hazards: MigrationStatementHazard[];
  statementCount: number;
  /** The schema facts after this migration (after its up section, for a file that holds both), for the next one. */
  schemaAfter: KnownSchema;
  /** What the file's up migration created: what its down migration may drop without losing data. */
  created: CreatedObjects;
}

const SPAN_TEXT_FACTS: TextFacts = { byteLength: 0, tooLarge: false };

export async function analyseMigration(text: string, options: AnalyseMigrationOptions): Promise<MigrationAnalysis> {
  const lines = new LineIndex(text);
  // A section of a file (a span) is part of a text whose size and encoding are the whole file's to report.
  const textFacts = options.span ? SPAN_TEXT_FACTS : readTextFacts(text);
  let parts: MigrationPart[] = [];
  let templates: TemplatedText | undefined;
  if (!textFacts.tooLarge) {
    await loadSqlParser();
    const from = options.span?.start ?? 0;
    const to = options.span?.end ?? text.length;
    templates = maskTemplates(text, from, to);
    // `fileRunsInTransaction: false` says every file runs statement by statement, whatever the tool.
    const fileRunsInTransaction = ruleOption(options.config, 'migration-work-after-lock', 'fileRunsInTransaction', true);
    const plan =
      fileRunsInTransaction && options.tool
        ? transactionUnits(options.tool, text, options.fileName ?? '', options.beside)
        : fileRunsInTransaction;
    const sections = options.span ? undefined : migrationSections(text);
    if (sections) parts = sectionParts(text, lines, sections, options.schemaBefore, plan, templates);
    else {
      const statements = readStatements(text, lines, from, to, templates);
      const model = new MigrationModel(statements, options.schemaBefore, plan);
      parts = [{ model, role: options.role ?? 'up', counterpart: options.counterpart }];
    }
  }
  const check = checkMigration(options.fileName ?? '', text, lines, textFacts, parts, emptyFacts(), options.config);
  // Messages name what PostgreSQL read in place of a template: they show the template as written instead.
  const shown = <F extends Finding>(finding: F): F =>
    templates ? { ...finding, message: restoreTemplates(finding.message, templates) } : finding;
  const hazards = check.raw.flatMap(({ finding, role }): MigrationStatementHazard[] => {
    const meta = ruleMeta(finding.ruleId);
    return meta?.reads.includes('sql-migration')
      ? [{ ...shown(finding), breaksOldVersion: role === 'up' && meta.impact?.includes('breaks-old-version') === true }]
      : [];
  });
  const ups = parts.filter((part) => part.role === 'up');
  const last = ups[ups.length - 1] ?? parts[parts.length - 1];
  return {
    findings: check.findings.map(shown),
    hazards,
    statementCount: parts.reduce((count, part) => count + part.model.statements.length, 0),
    schemaAfter: last?.model.schemaAfter() ?? options.schemaBefore ?? { tables: [], notNullColumns: [] },
    created: createdBy(ups.map((part) => part.model)),
  };
}

/** The migrations of a dbmate or goose file: each section in order, a down section judged against the up ones. */
function sectionParts(
  text: string,
  lines: LineIndex,
  sections: MigrationSection[],
  schemaBefore: KnownSchema | undefined,
  plan: boolean | TransactionUnit[],
  templates: TemplatedText | undefined,
): MigrationPart[] {
  const read = sections.map((section) => ({ section, statements: readStatements(text, lines, section.start, section.end, templates) }));
  const down = read.find(({ section }) => section.role === 'down');
  const tool = sections[0].tool;
  const parts: MigrationPart[] = [];
  let schema = schemaBefore;
  for (const { section, statements } of read) {
    const model = new MigrationModel(statements, schema, typeof plan === 'boolean' ? plan && section.runsInTransaction : plan);
    if (section.role === 'up') {
      // The down section runs later, against what the up section left: its tables hold data by then.
      schema = model.schemaAfter();
      const found = down !== undefined && down.statements.length > 0;
      parts.push({ model, role: 'up', counterpart: { name: sectionMarker(tool, 'down'), found } });
    } else {
      const ups = parts.filter((part) => part.role === 'up').map((part) => part.model);
      const counterpart = { name: sectionMarker(tool, 'up'), found: ups.length > 0, created: ups.length > 0 ? createdBy(ups) : undefined };
      parts.push({ model, role: 'down', counterpart });
    }
  }
  return parts;
}

function createdBy(models: MigrationModel[]): CreatedObjects {
  const created: CreatedObjects = { tables: [], columns: [] };
  for (const model of models) {
    const { tables, columns } = model.created();
    created.tables.push(...tables);
    created.columns.push(...columns);
  }
  return created;
}

/** What a plan that ships this migration needs to know of it. */
export function migrationFacts(analysis: MigrationAnalysis): MigrationFacts {
  const breaking = analysis.hazards
    .filter((hazard) => hazard.breaksOldVersion)
    .map(({ range, ruleId, message }) => ({ range, ruleId, message }));
  return { exists: true, breaking, statementCount: analysis.statementCount };
}
