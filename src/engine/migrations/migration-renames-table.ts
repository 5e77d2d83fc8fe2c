// migration-renames-table: ALTER TABLE ... RENAME TO, unless a view re-creates the old name in the same migration.

import { relationName } from '../sql/ast';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-renames-table',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A table is renamed while the old version still uses the old name.',
    reads: ['sql-migration'],
    // A down migration restores the old version: it is judged by migration-down-destroys-data instead.
    roles: ['up'],
    impact: ['breaks-old-version'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const rename = statement.as('RenameStmt');
      const table = relationName(rename?.relation);
      if (rename?.renameType !== 'OBJECT_TABLE' || !table || model.isNewTable(table, statement.index)) continue;
      // Atlas's compatible shape: a view with the old name (simple views are updatable, so old reads and writes work).
      if (model.viewCreatedAfter(table, statement.index)) continue;
      report(
        statement.range(),
        `Renaming table ${table.display} to ${rename.newname} breaks the old version while both run: its queries still name ${table.display}. Create a view named ${table.display} over ${rename.newname} in the same migration, and drop it once the old version is gone.`,
      );
    }
  },
});
