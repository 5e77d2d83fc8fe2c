// migration-drops-database: DROP DATABASE in a migration.

import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-drops-database',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'DROP DATABASE deletes a whole database, which cannot be undone.',
    reads: ['sql-migration'],
    impact: ['cannot-be-undone'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const drop = statement.as('DropdbStmt');
      if (!drop) continue;
      report(
        statement.range(),
        `DROP DATABASE ${drop.dbname ?? ''} deletes the whole database and cannot be undone: no migration brings its tables or data back, and every version connected to it fails. Drop databases by hand, after a backup, never in a migration.`,
      );
    }
  },
});
