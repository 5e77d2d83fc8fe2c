// migration-drops-table: DROP TABLE of a table that existed before the migration.

import { droppedNames } from '../ast';
import type { MigrationRule } from '../rule';

export const dropsTable: MigrationRule = {
  meta: {
    id: 'migration-drops-table',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A table is dropped while the old version may still use it, and its data is lost.',
  },
  impact: ['C', 'D'],
  check({ model, report }) {
    for (const statement of model.statements) {
      const drop = statement.as('DropStmt');
      if (drop?.removeType !== 'OBJECT_TABLE') continue;
      const existing = droppedNames(drop.objects).filter((table) => !model.isNewTable(table, statement.index));
      if (existing.length === 0) continue;
      const names = existing.map((table) => table.display).join(', ');
      report(
        statement.range(),
        `Dropping table ${names} breaks the old version while both run (it still queries ${existing.length > 1 ? 'them' : 'it'}) and cannot be undone: the data is lost. Drop it once no running version uses it, after a backup.`,
      );
    }
  },
};
