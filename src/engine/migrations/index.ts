// The SQL migration analysis: PostgreSQL migrations checked for changes that break a progressive delivery.
// Pure engine: no editor, no file system; the caller reads files and says whether a down migration exists.

import type { RuleMeta } from '../rules/rule-meta';
import { MIGRATION_RULE_MODULES } from './rules/index';

export { analyseMigration, type AnalyseMigrationOptions, type MigrationAnalysis } from './analyse';
export type { KnownSchema } from './model';
export { loadSqlParser } from './parser';
export type { Impact, MigrationStatementHazard } from './rule';
export { analyseMigrationSections, splitMigrationSections, type MigrationSection } from './sections';

/** One entry per migration rule id, in the order the rules run. */
export const MIGRATION_RULES: RuleMeta[] = MIGRATION_RULE_MODULES.map((rule) => rule.meta);
