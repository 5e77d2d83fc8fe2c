// migration-drops-column: ALTER TABLE ... DROP COLUMN on a column that existed before the migration.

import type { MigrationRule } from '../rule';
import { existingTableCommands } from '../rule';

export const dropsColumn: MigrationRule = {
  meta: {
    id: 'migration-drops-column',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A column is dropped while the old version may still read or write it, and its data is lost.',
  },
  impact: ['C', 'D'],
  check({ model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      if (cmd.subtype !== 'AT_DropColumn' || !cmd.name || model.isNewColumn(table, cmd.name, statement.index)) continue;
      report(
        statement.subcommandRange(position),
        `Dropping column ${cmd.name} of ${table.display} breaks the old version while both run (it still reads and writes ${cmd.name}) and cannot be undone: its data is lost. Stop using the column first; drop it once no running version needs it.`,
      );
    }
  },
};
