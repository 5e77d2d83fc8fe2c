// migration-drops-not-null: ALTER COLUMN ... DROP NOT NULL on a column that existed before the migration.

import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-drops-not-null',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'A NOT NULL column becomes nullable while the old version may rely on it never being NULL.',
    reads: ['sql-migration'],
    // In a down migration, DROP NOT NULL undoes its up migration's SET NOT NULL: it restores the old version's schema.
    roles: ['up'],
    impact: ['breaks-old-version'],
  },
  check({ migration: model, report }) {
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      if (cmd.subtype !== 'AT_DropNotNull' || !cmd.name || model.isNewColumn(table, cmd.name, statement.index)) continue;
      report(
        statement.subcommandRange(position),
        `Dropping NOT NULL on ${table.display}.${cmd.name} breaks the old version while both run: the new version may write NULL, and the old version reads ${cmd.name} as never NULL (a NULL it does not expect fails its code or its mapping). Ship code that tolerates NULL first, then drop NOT NULL in a later release.`,
      );
    }
  },
});
