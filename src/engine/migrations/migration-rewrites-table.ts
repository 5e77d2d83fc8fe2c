// migration-rewrites-table: CLUSTER or VACUUM FULL, which rewrite a table under an ACCESS EXCLUSIVE lock.

import { nodeAs, relationName, type TableName } from '../sql/ast';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-rewrites-table',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'CLUSTER or VACUUM FULL rewrites a whole table under an ACCESS EXCLUSIVE lock, blocking all its reads and writes.',
    reads: ['sql-migration'],
    impact: ['blocking-lock'],
  },
  check({ migration: model, report }) {
    const advice =
      'Rewrite it online with pg_repack (or pg_squeeze) outside the deploy, or leave it to a maintenance window: it has no place in a migration that runs during a rollout.';
    for (const statement of model.statements) {
      let command: string | undefined;
      let tables: (TableName | undefined)[] = [];
      const cluster = statement.as('ClusterStmt');
      if (cluster) {
        command = 'CLUSTER';
        tables = [relationName(cluster.relation)];
      }
      const vacuum = statement.as('VacuumStmt');
      if (vacuum?.is_vacuumcmd && (vacuum.options ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'full')) {
        command = 'VACUUM FULL';
        tables = (vacuum.rels ?? []).map((node) => relationName(nodeAs(node, 'VacuumRelation')?.relation));
        if (tables.length === 0) tables = [undefined];
      }
      if (!command) continue;
      // A table created earlier in the migration is empty: rewriting it costs nothing.
      const existing = tables.filter((table) => !table || !model.isNewTable(table, statement.index));
      if (existing.length === 0) continue;
      const what = existing.some((table) => !table)
        ? command === 'CLUSTER'
          ? 'every table clustered before'
          : 'every table in the database'
        : existing.map((table) => table?.display).join(', ');
      report(
        statement.range(),
        `${command} rewrites ${what} under an ACCESS EXCLUSIVE lock: every read and write of ${existing.length === 1 && existing[0] ? 'it' : 'them'} waits until the whole copy is written, and it needs disk for a second copy. ${advice}`,
        { effects: existing.flatMap((table) => (table ? [{ table: table.key, lock: 8, rewrite: true }] : [])) },
      );
    }
  },
});
