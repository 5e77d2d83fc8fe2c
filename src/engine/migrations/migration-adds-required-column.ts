// migration-adds-required-column: ADD COLUMN ... NOT NULL (or PRIMARY KEY) with nothing to fill existing rows.

import { columnConstraints, columnFillsExistingRows, nodeAs } from '../sql/ast';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-adds-required-column',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A NOT NULL column without a default is added: it fails on a table with rows, and old-version inserts fail.',
    reads: ['sql-migration'],
    impact: ['breaks-old-version', 'may-fail-on-existing-data'],
  },
  check({ migration: model, role, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const column = nodeAs(cmd.def, 'ColumnDef');
      if (cmd.subtype !== 'AT_AddColumn' || !column?.colname) continue;
      const required = columnConstraints(column).some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      if (!required || columnFillsExistingRows(column)) continue;
      report(
        statement.subcommandRange(position),
        role === 'down'
          ? // A down migration that re-adds a column: the rollback stops here on any table with rows.
            `Adding NOT NULL column ${column.colname} to ${table.display} without a default fails if the table has rows, so this down migration stops here and the rollback with it. Add it nullable (or with a default), backfill, then enforce NOT NULL.`
          : `Adding NOT NULL column ${column.colname} to ${table.display} without a default fails if the table has rows, and breaks the old version while both run: its inserts do not set ${column.colname}. Add it nullable (or with a default), backfill, then enforce NOT NULL.`,
      );
    }
  },
});
