// migration-primary-key-sets-not-null: ADD PRIMARY KEY USING INDEX on an existing table, where a key column is not known
// to be NOT NULL: the key sets NOT NULL, which scans the whole table under the ALTER TABLE lock.

import { nodeAs, relationName, tableName } from '../sql/ast';
import type { MigrationModel } from '../sql/model';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

/** The columns of index `name` when this migration created it before statement `before` (else undefined). */
function indexColumns(model: MigrationModel, schema: string | undefined, name: string, before: number): string[] | undefined {
  const key = tableName(schema, name).key;
  let columns: string[] | undefined;
  for (const statement of model.statements) {
    if (statement.index >= before) break;
    const index = statement.as('IndexStmt');
    if (!index?.idxname || tableName(index.relation?.schemaname, index.idxname).key !== key || !relationName(index.relation)) continue;
    const params = (index.indexParams ?? []).map((param) => nodeAs(param, 'IndexElem')?.name);
    // An expression key cannot be a primary key: the ALTER fails on its own, so say nothing about its columns.
    columns = params.every((param): param is string => param !== undefined) ? params : undefined;
  }
  return columns;
}

export default defineRule({
  meta: {
    id: 'migration-primary-key-sets-not-null',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'ADD PRIMARY KEY USING INDEX sets NOT NULL on its columns: a full scan under an ACCESS EXCLUSIVE lock unless they are already NOT NULL.',
    reads: ['sql-migration'],
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const constraint = nodeAs(cmd.def, 'Constraint');
      // Without USING INDEX, migration-adds-unique-constraint reports the index build, which dwarfs the scan.
      if (cmd.subtype !== 'AT_AddConstraint' || constraint?.contype !== 'CONSTR_PRIMARY' || !constraint.indexname) continue;
      const schema = statement.as('AlterTableStmt')?.relation?.schemaname;
      const columns = indexColumns(model, schema, constraint.indexname, statement.index);
      // An earlier SET NOT NULL in the same statement already scanned (migration-sets-not-null reports it).
      const setHere = (statement.as('AlterTableStmt')?.cmds ?? []).slice(0, position).flatMap((node) => {
        const earlier = nodeAs(node, 'AlterTableCmd');
        return earlier?.subtype === 'AT_SetNotNull' && earlier.name ? [earlier.name] : [];
      });
      const unproven = columns?.filter((column) => !setHere.includes(column) && !model.isNotNullProven(table, column, statement.index));
      if (unproven && unproven.length === 0) continue;
      const subject = unproven
        ? `${unproven.map((column) => `${table.display}.${column}`).join(', ')} (unless ${unproven.length === 1 ? 'it is' : 'they are'} already NOT NULL)`
        : `the columns of index ${constraint.indexname} on ${table.display} (unless they are already NOT NULL)`;
      const check = unproven?.length === 1 ? `CHECK (${unproven[0]} IS NOT NULL)` : 'CHECK (column IS NOT NULL)';
      report(
        statement.subcommandRange(position),
        `ADD PRIMARY KEY USING INDEX ${constraint.indexname} sets NOT NULL on ${subject}, which scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes, and fails if any row holds NULL. First add ${check} NOT VALID, VALIDATE it in a later migration and SET NOT NULL: PostgreSQL 12+ then skips the scan.`,
        { effects: [{ table: table.key, lock: 8 }] },
      );
    }
  },
});
