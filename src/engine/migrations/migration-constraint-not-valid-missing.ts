// migration-constraint-not-valid-missing: ADD CONSTRAINT ... FOREIGN KEY or CHECK on an existing table without NOT VALID.

import type { StatementEffect } from '../finding';
import { nodeAs, relationName } from '../sql/ast';
import { existingTableCommands, insertion } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-constraint-not-valid-missing',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'A FOREIGN KEY or CHECK constraint is added without NOT VALID: every row is checked under a blocking lock.',
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const constraint = nodeAs(cmd.def, 'Constraint');
      if (cmd.subtype !== 'AT_AddConstraint' || !constraint || constraint.skip_validation) continue;
      const name = constraint.conname ? `${constraint.conname} ` : '';
      let message: string;
      let effects: StatementEffect[];
      if (constraint.contype === 'CONSTR_CHECK') {
        message = `Adding CHECK constraint ${name}without NOT VALID scans every row of ${table.display} under an ACCESS EXCLUSIVE lock, blocking reads and writes, and fails if any row violates it.`;
        effects = [{ table: table.key, lock: 8 }];
      } else if (constraint.contype === 'CONSTR_FOREIGN') {
        const pktable = relationName(constraint.pktable);
        const referenced = pktable?.display ?? 'the referenced table';
        message = `Adding FOREIGN KEY ${name}without NOT VALID checks every row of ${table.display} while holding SHARE ROW EXCLUSIVE locks on ${table.display} and ${referenced}, blocking writes to both, and fails if any row has no match.`;
        effects = [{ table: table.key, lock: 6 }, ...(pktable && pktable.key !== table.key ? [{ table: pktable.key, lock: 6 }] : [])];
      } else continue;
      const range = statement.subcommandRange(position);
      report(
        range,
        `${message} Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (that only takes a SHARE UPDATE EXCLUSIVE lock).`,
        {
          effects,
          fixes: [
            {
              title: 'Add NOT VALID (then VALIDATE CONSTRAINT in a later migration)',
              edits: [insertion(range.end, ' NOT VALID')],
              safe: false,
              preferred: true,
            },
          ],
        },
      );
    }
  },
});
