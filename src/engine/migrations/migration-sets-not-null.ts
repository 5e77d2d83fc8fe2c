// migration-sets-not-null: SET NOT NULL on an existing column that no validated CHECK (col IS NOT NULL) covers.

import { nodeAs } from '../sql/ast';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-sets-not-null',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock and fails if a row holds NULL.',
    reads: ['sql-migration'],
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      let columns: string[] = [];
      if (cmd.subtype === 'AT_SetNotNull' && cmd.name) columns = [cmd.name];
      const constraint = nodeAs(cmd.def, 'Constraint');
      // PostgreSQL 18's ADD CONSTRAINT name NOT NULL column: the same scan unless NOT VALID.
      if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_NOTNULL' && !constraint.skip_validation) {
        columns = (constraint.keys ?? []).flatMap((key) => nodeAs(key, 'String')?.sval ?? []);
      }
      // PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) already proves it (eugene E2). A column
      // this migration added is no exception: on an existing table it is NULL in every row unless it had a default.
      const unproven = columns.filter((column) => !model.isNotNullProven(table, column, statement.index));
      for (const column of unproven) {
        report(
          statement.subcommandRange(position),
          `SET NOT NULL on ${table.display}.${column} scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes, and fails if any row holds NULL. Add CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL: PostgreSQL 12+ then skips the scan.`,
          { effects: [{ table: table.key, lock: 8 }] },
        );
      }
    }
  },
});
