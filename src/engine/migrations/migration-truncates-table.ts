// migration-truncates-table: TRUNCATE of a table that existed before the migration, and what CASCADE adds to it.

import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-truncates-table',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'TRUNCATE empties a table (with CASCADE, every table that references it) and cannot be undone.',
    reads: ['sql-migration'],
    // A down migration is judged by migration-down-destroys-data, which knows what its up migration created.
    roles: ['up'],
    impact: ['cannot-be-undone', 'blocking-lock'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const truncate = statement.as('TruncateStmt');
      // statement.locks holds the tables that existed before the migration (a new table holds nothing yet).
      if (!truncate || statement.locks.length === 0) continue;
      const names = statement.locks.map((lock) => lock.table.display).join(', ');
      const plural = statement.locks.length > 1;
      const cascade =
        truncate.behavior === 'DROP_CASCADE'
          ? ` CASCADE also empties every table with a foreign key to ${plural ? 'them' : 'it'}, and the tables referencing those, whatever the migration names.`
          : '';
      report(
        statement.range(),
        `TRUNCATE empties ${names} and cannot be undone: no down migration brings the rows back, and it holds an ACCESS EXCLUSIVE lock meanwhile.${cascade} Delete the rows a release no longer needs in batches, or keep the data until no version reads it, after a backup.`,
        { effects: statement.locks.map((lock) => ({ table: lock.table.key, lock: 8 })) },
      );
    }
  },
});
