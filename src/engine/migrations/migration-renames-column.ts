// migration-renames-column: ALTER TABLE ... RENAME COLUMN, unless the migration keeps the old name alive.

import { relationName } from '../sql/ast';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-renames-column',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A column is renamed while the old version still uses the old name.',
    reads: ['sql-migration'],
    // A down migration restores the old version: it is judged by migration-down-destroys-data instead.
    roles: ['up'],
    impact: ['breaks-old-version'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const rename = statement.as('RenameStmt');
      const table = relationName(rename?.relation);
      if (rename?.renameType !== 'OBJECT_COLUMN' || rename.relationType !== 'OBJECT_TABLE' || !table || !rename.subname) continue;
      const old = rename.subname;
      if (model.isNewColumn(table, old, statement.index)) continue;
      // Atlas's compatible shapes: a generated column re-adds the old name, or a view takes over the table's old name.
      if (model.generatedColumnAddedAfter(table, old, statement.index) || model.viewCreatedAfter(table, statement.index)) continue;
      report(
        statement.range(),
        `Renaming column ${old} of ${table.display} to ${rename.newname} breaks the old version while both run: its queries still name ${old}. Add ${rename.newname} beside ${old} and copy writes to both, or keep ${old} as a generated column, until the old version is gone.`,
      );
    }
  },
});
