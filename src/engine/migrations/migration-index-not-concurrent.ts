// migration-index-not-concurrent: CREATE INDEX or DROP INDEX without CONCURRENTLY on a table that existed before.

import type { Fix } from '../finding';
import { droppedNames, relationName } from '../sql/ast';
import { insertion } from './changes';
import type { MigrationStatement } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

/** Inserts CONCURRENTLY after INDEX. Not safe: the statement must then run outside a transaction, which the tool must allow. */
function concurrentlyFix(statement: MigrationStatement): Fix[] | undefined {
  const index = statement.keywordRange('index');
  if (!index || statement.transaction.kind === 'explicit') return undefined;
  return [
    { title: 'Use CONCURRENTLY (run outside a transaction)', edits: [insertion(index.end, ' CONCURRENTLY')], safe: false, preferred: true },
  ];
}

export default defineRule({
  meta: {
    id: 'migration-index-not-concurrent',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'CREATE or DROP INDEX without CONCURRENTLY blocks writes (or all access) to an existing table.',
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const create = statement.as('IndexStmt');
      const table = relationName(create?.relation);
      if (create && !create.concurrent && table && !model.isNewTable(table, statement.index)) {
        report(
          statement.range(),
          `CREATE INDEX without CONCURRENTLY holds a SHARE lock on ${table.display} for the whole build, blocking inserts, updates and deletes. Use CREATE INDEX CONCURRENTLY, outside a transaction.`,
          { fixes: concurrentlyFix(statement), effects: [{ table: table.key, lock: 5 }] },
        );
      }
      const drop = statement.as('DropStmt');
      if (drop?.removeType === 'OBJECT_INDEX' && !drop.concurrent && statement.locks.length > 0) {
        const names = droppedNames(drop.objects)
          .map((name) => name.display)
          .join(', ');
        report(
          statement.range(),
          `DROP INDEX ${names} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table, blocking reads and writes while it waits and runs. Use DROP INDEX CONCURRENTLY, outside a transaction.`,
          {
            fixes: concurrentlyFix(statement),
            // A lock on an index this migration did not create is on a table the model cannot name.
            effects: statement.locks
              .filter((lock) => !lock.table.key.startsWith('index:'))
              .map((lock) => ({ table: lock.table.key, lock: 8 })),
          },
        );
      }
    }
  },
});
