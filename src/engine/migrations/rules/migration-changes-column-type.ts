// migration-changes-column-type: ALTER COLUMN ... TYPE on a column that existed before the migration.

import type { MigrationRule } from '../rule';
import { existingTableCommands } from '../rule';

export const changesColumnType: MigrationRule = {
  meta: {
    id: 'migration-changes-column-type',
    family: 'migration',
    defaultSeverity: 'error',
    summary: "A column's type changes: a table rewrite under an ACCESS EXCLUSIVE lock, and the old version expects the old type.",
  },
  impact: ['L', 'C'],
  check({ model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name || model.isNewColumn(table, cmd.name, statement.index)) continue;
      report(
        statement.subcommandRange(position),
        `Changing the type of ${table.display}.${cmd.name} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes throughout, and breaks the old version while both run: it still reads and writes the old type. Add a new column of the new type, backfill it, and switch over instead.`,
      );
    }
  },
};
