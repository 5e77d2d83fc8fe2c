// migration-concurrent-in-transaction: a CONCURRENTLY operation inside BEGIN ... COMMIT, which PostgreSQL rejects.

import { nodeAs } from '../sql/ast';
import type { MigrationStatement } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

/** The operation's name when the statement is one of those PostgreSQL runs CONCURRENTLY only outside a transaction. */
function concurrentOperation(statement: MigrationStatement): string | undefined {
  if (statement.as('IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if (statement.as('DropStmt')?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = statement.as('ReindexStmt');
  if (reindex && (reindex.params ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'concurrently')) return 'REINDEX CONCURRENTLY';
  const alter = statement.as('AlterTableStmt');
  if (alter && (alter.cmds ?? []).some((node) => nodeAs(nodeAs(node, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent))
    return 'DETACH PARTITION CONCURRENTLY';
  return undefined;
}

export default defineRule({
  meta: {
    id: 'migration-concurrent-in-transaction',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A CONCURRENTLY operation sits inside BEGIN ... COMMIT, where PostgreSQL refuses to run it.',
    reads: ['sql-migration'],
    impact: ['may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const operation = concurrentOperation(statement);
      if (!operation || statement.transaction.kind !== 'explicit') continue;
      report(
        statement.keywordRange('concurrently') ?? statement.range(),
        `${operation} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails here. Move it out of BEGIN ... COMMIT, into its own migration if the tool wraps files in a transaction.`,
      );
    }
  },
});
