// migration-changes-column-type: ALTER COLUMN ... TYPE on a column that existed before the migration.

import { destructiveChanges } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-changes-column-type',
    family: 'migration',
    defaultSeverity: 'error',
    summary: "A column's type changes: a table rewrite under an ACCESS EXCLUSIVE lock, and the old version expects the old type.",
    reads: ['sql-migration'],
    impact: ['blocking-lock', 'breaks-old-version'],
  },
  check({ migration, role, report }) {
    for (const { kind, range, tables, column } of destructiveChanges(migration)) {
      if (kind !== 'column-type') continue;
      const rewrite = `Changing the type of ${tables[0].display}.${column} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes throughout`;
      report(
        range,
        role === 'down'
          ? `${rewrite} during the rollback, and it fails if a value written since does not fit the type it restores. Check the values first, and give the rollback a lock_timeout.`
          : `${rewrite}, and breaks the old version while both run: it still reads and writes the old type. Add a new column of the new type, backfill it, and switch over instead.`,
        { effects: [{ table: tables[0].key, lock: 8, rewrite: true }] },
      );
    }
  },
});
