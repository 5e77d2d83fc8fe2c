// migration-drops-table: DROP TABLE of a table that existed before the migration.

import { destructiveChanges } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-drops-table',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A table is dropped while the old version may still use it, and its data is lost.',
    reads: ['sql-migration'],
    // A down migration restores the old version: it is judged by migration-down-destroys-data instead.
    roles: ['up'],
    impact: ['breaks-old-version', 'cannot-be-undone'],
  },
  check({ migration, report }) {
    for (const { kind, range, tables: existing } of destructiveChanges(migration)) {
      if (kind !== 'drop-table') continue;
      const names = existing.map((table) => table.display).join(', ');
      report(
        range,
        `Dropping table ${names} breaks the old version while both run (it still queries ${existing.length > 1 ? 'them' : 'it'}) and cannot be undone: the data is lost. Drop it once no running version uses it, after a backup.`,
      );
    }
  },
});
