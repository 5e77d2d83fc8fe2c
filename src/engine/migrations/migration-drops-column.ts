// migration-drops-column: ALTER TABLE ... DROP COLUMN on a column that existed before the migration.

import { destructiveChanges } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-drops-column',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A column is dropped while the old version may still read or write it, and its data is lost.',
    reads: ['sql-migration'],
    // A down migration restores the old version: it is judged by migration-down-destroys-data instead.
    roles: ['up'],
    impact: ['breaks-old-version', 'cannot-be-undone'],
  },
  check({ migration, report }) {
    for (const { kind, range, tables, column } of destructiveChanges(migration)) {
      if (kind !== 'drop-column') continue;
      report(
        range,
        `Dropping column ${column} of ${tables[0].display} breaks the old version while both run (it still reads and writes ${column}) and cannot be undone: its data is lost. Stop using the column first; drop it once no running version needs it.`,
      );
    }
  },
});
