// migration-adds-exclusion-constraint: ADD CONSTRAINT ... EXCLUDE on an existing table, whose index is built under the
// ALTER TABLE lock: PostgreSQL has no CONCURRENTLY, NOT VALID or USING INDEX form for exclusion constraints.

import { nodeAs } from '../sql/ast';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-adds-exclusion-constraint',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'An EXCLUDE constraint on an existing table builds its index under an ACCESS EXCLUSIVE lock and fails if rows conflict.',
    reads: ['sql-migration'],
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const constraint = nodeAs(cmd.def, 'Constraint');
      if (cmd.subtype !== 'AT_AddConstraint' || constraint?.contype !== 'CONSTR_EXCLUSION') continue;
      const name = constraint.conname ? ` ${constraint.conname}` : '';
      report(
        statement.subcommandRange(position),
        `Adding EXCLUDE constraint${name} builds its index under an ACCESS EXCLUSIVE lock on ${table.display}, blocking reads and writes for the whole build, and fails if existing rows conflict. It cannot be built CONCURRENTLY or added NOT VALID: create it with the table, or enforce the rule another way (a trigger, a unique index built CONCURRENTLY) on a large table.`,
        { effects: [{ table: table.key, lock: 8 }] },
      );
    }
  },
});
