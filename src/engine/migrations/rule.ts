// The shape of a migration rule, what it sees while it checks, and the hazards it reports.

import type { AlterTableCmd } from 'libpg-query';
import type { StagegateConfig } from '../config/config';
import type { Fix, Range, RelatedLocation } from '../finding';
import type { RuleMeta } from '../rules/rule-meta';
import { nodeAs, relationName, type TableName } from './ast';
import type { MigrationModel } from './model';
import type { MigrationStatement } from './statement';

/**
 * Impact codes (docs: anchors §3): C old and new app versions cannot run side by side, D undoing needs data that
 * is gone, L blocking lock or rewrite, F may fail on existing data.
 */
export type Impact = 'C' | 'D' | 'L' | 'F';

/** A hazard as detected, before configuration and suppression comments decide whether it becomes a finding. */
export interface MigrationStatementHazard {
  ruleId: string;
  range: Range;
  /** The old application version breaks if it runs against the migrated schema (impact C). */
  breaksOldVersion: boolean;
  message: string;
  fixes?: Fix[];
  related?: RelatedLocation[];
}

export interface MigrationRuleContext {
  model: MigrationModel;
  config: StagegateConfig;
  fileName?: string;
  hasDownMigration?: boolean;
  /** Hazards from the rules that ran before this one (rules run in MIGRATION_RULES order). */
  hazards: readonly MigrationStatementHazard[];
  report(range: Range, message: string, extras?: { fixes?: Fix[]; related?: RelatedLocation[] }): void;
}

export interface MigrationRule {
  meta: RuleMeta;
  impact: readonly Impact[];
  check(context: MigrationRuleContext): void;
}

export interface AlterCommand {
  statement: MigrationStatement;
  table: TableName;
  cmd: AlterTableCmd;
  /** Position among the statement's subcommands, for `statement.subcommandRange`. */
  position: number;
}

/** ALTER TABLE subcommands on tables that existed before the migration (a table created in it has no readers yet). */
export function* existingTableCommands(model: MigrationModel): Generator<AlterCommand> {
  for (const statement of model.statements) {
    const alter = statement.as('AlterTableStmt');
    const table = relationName(alter?.relation);
    if (!alter || !table || alter.objtype !== 'OBJECT_TABLE' || model.isNewTable(table, statement.index)) continue;
    const cmds = alter.cmds ?? [];
    for (let position = 0; position < cmds.length; position++) {
      const cmd = nodeAs(cmds[position], 'AlterTableCmd');
      if (cmd) yield { statement, table, cmd, position };
    }
  }
}

/** An edit inserting `text` at a position. */
export function insertion(at: Range['start'], text: string): Fix['edits'][number] {
  return { range: { start: at, end: at }, newText: text };
}
