// What a migration changes on tables that existed before it, for the migration rules: ALTER TABLE subcommands, and
// the changes that destroy data (drops, type changes, truncation), which several rules read.

import type { AlterTableCmd } from 'libpg-query';
import type { Fix, Range } from '../finding';
import { droppedNames, nodeAs, relationName, type TableName } from '../sql/ast';
import type { MigrationModel } from '../sql/model';
import type { MigrationStatement } from '../sql/statement';

interface AlterCommand {
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

type DestructiveKind = 'drop-column' | 'drop-table' | 'column-type' | 'truncate';

/** A change that removes data a rollback would need: what it is, where, and on what. */
interface DestructiveChange {
  kind: DestructiveKind;
  statement: MigrationStatement;
  range: Range;
  /** Tables it destroys data in (one, except for DROP TABLE a, b and TRUNCATE a, b). */
  tables: TableName[];
  column?: string;
}

/** Every destructive change to what existed before the migration, in statement order. */
export function destructiveChanges(model: MigrationModel): DestructiveChange[] {
  const changes: DestructiveChange[] = [];
  for (const { statement, table, cmd, position } of existingTableCommands(model)) {
    if (!cmd.name || model.isNewColumn(table, cmd.name, statement.index)) continue;
    if (cmd.subtype === 'AT_DropColumn')
      changes.push({ kind: 'drop-column', statement, range: statement.subcommandRange(position), tables: [table], column: cmd.name });
    if (cmd.subtype === 'AT_AlterColumnType')
      changes.push({ kind: 'column-type', statement, range: statement.subcommandRange(position), tables: [table], column: cmd.name });
  }
  for (const statement of model.statements) {
    const drop = statement.as('DropStmt');
    if (drop?.removeType === 'OBJECT_TABLE') {
      const existing = droppedNames(drop.objects).filter((table) => !model.isNewTable(table, statement.index));
      if (existing.length > 0) changes.push({ kind: 'drop-table', statement, range: statement.range(), tables: existing });
    }
    if (statement.kind === 'TruncateStmt' && statement.locks.length > 0) {
      changes.push({ kind: 'truncate', statement, range: statement.range(), tables: statement.locks.map((lock) => lock.table) });
    }
  }
  return changes.sort(
    (a, b) =>
      a.statement.index - b.statement.index || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** An edit inserting `text` at a position. */
export function insertion(at: Range['start'], text: string): Fix['edits'][number] {
  return { range: { start: at, end: at }, newText: text };
}
