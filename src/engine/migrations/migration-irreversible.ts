// migration-irreversible: an up migration (golang-migrate `*.up.sql`) that destroys data and has no down migration.

import { defineRule } from '../rule-kit/rule';
import { destructiveChanges } from './changes';

function downFileName(path: string): string | undefined {
  const base = path.split(/[\\/]/).pop();
  return base && /\.up\.sql$/i.test(base) ? base.replace(/\.up\.sql$/i, '.down.sql') : undefined;
}

export default defineRule({
  meta: {
    id: 'migration-irreversible',
    family: 'migration',
    defaultSeverity: 'info',
    summary: 'A destructive up migration has no down migration beside it.',
    reads: ['sql-migration'],
    impact: ['cannot-be-undone'],
  },
  check({ migration, path, hasDownMigration, report }) {
    // Only the caller knows the file system: undefined means "not a paired migration", so nothing to say.
    if (hasDownMigration !== false) return;
    const first = destructiveChanges(migration)[0];
    if (!first) return;
    const down = downFileName(path);
    report(
      first.range,
      `This up migration destroys data and has no down migration${down ? ` (${down})` : ''}: undoing it needs a hand-written script in an incident, and the data it removes cannot be brought back by any. Add the down migration, and back up what it drops.`,
    );
  },
});
