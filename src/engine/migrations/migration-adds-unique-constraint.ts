// migration-adds-unique-constraint: a UNIQUE or PRIMARY KEY constraint that builds its index under the ALTER TABLE lock.

import { columnConstraints, nodeAs } from '../sql/ast';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-adds-unique-constraint',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'A UNIQUE or PRIMARY KEY constraint builds its index under an ACCESS EXCLUSIVE lock (USING INDEX avoids it).',
    reads: ['sql-migration'],
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const constraint = nodeAs(cmd.def, 'Constraint');
      const column = nodeAs(cmd.def, 'ColumnDef');
      const builds =
        cmd.subtype === 'AT_AddConstraint'
          ? constraint && (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') && !constraint.indexname
            ? constraint
            : undefined
          : cmd.subtype === 'AT_AddColumn' && column
            ? columnConstraints(column).find((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY')
            : undefined;
      if (!builds) continue;
      const kind = builds.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
      const name = constraint?.conname ? ` ${constraint.conname}` : '';
      report(
        statement.subcommandRange(position),
        `Adding ${kind} constraint${name} builds its index under an ACCESS EXCLUSIVE lock on ${table.display}, blocking reads and writes for the whole build, and fails if duplicates exist. Build a unique index CONCURRENTLY first, then ADD CONSTRAINT ... ${kind} USING INDEX.`,
        { effects: [{ table: table.key, lock: 8 }] },
      );
    }
  },
});
