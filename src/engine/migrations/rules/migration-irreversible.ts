// migration-irreversible: an up migration (golang-migrate `*.up.sql`) that destroys data and has no down migration.

import type { MigrationRule } from '../rule';

/** Rules whose hazards remove data a down migration would have to bring back. */
const DESTRUCTIVE = new Set(['migration-drops-column', 'migration-drops-table', 'migration-changes-column-type']);

function downFileName(fileName: string | undefined): string | undefined {
  const base = fileName?.split(/[\\/]/).pop();
  return base && /\.up\.sql$/i.test(base) ? base.replace(/\.up\.sql$/i, '.down.sql') : undefined;
}

export const irreversible: MigrationRule = {
  meta: {
    id: 'migration-irreversible',
    family: 'migration',
    defaultSeverity: 'info',
    summary: 'A destructive up migration has no down migration beside it.',
  },
  impact: ['D'],
  check({ model, hazards, fileName, hasDownMigration, report }) {
    // Only the caller knows the file system: undefined means "not a paired migration", so nothing to say.
    if (hasDownMigration !== false) return;
    const truncates = model.statements.filter((s) => s.kind === 'TruncateStmt' && s.locks.length > 0).map((s) => s.range());
    const destructive = [...hazards.filter((h) => DESTRUCTIVE.has(h.ruleId)).map((h) => h.range), ...truncates];
    if (destructive.length === 0) return;
    const first = destructive.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character)[0];
    const down = downFileName(fileName);
    report(
      first,
      `This up migration destroys data and has no down migration${down ? ` (${down})` : ''}: undoing it needs a hand-written script in an incident, and the data it removes cannot be brought back by any. Add the down migration, and back up what it drops.`,
    );
  },
};
