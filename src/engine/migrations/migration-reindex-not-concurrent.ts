// migration-reindex-not-concurrent: REINDEX INDEX, TABLE, SCHEMA or DATABASE without CONCURRENTLY.

import type { ReindexStmt } from 'libpg-query';
import { nodeAs, relationName } from '../sql/ast';
import { insertion } from './changes';
import { defineRule } from '../rule-kit/rule';

/** The keyword after REINDEX that names what is rebuilt; REINDEX SYSTEM has no concurrent form and is not judged. */
const KINDS: Partial<Record<NonNullable<ReindexStmt['kind']>, string>> = {
  REINDEX_OBJECT_INDEX: 'index',
  REINDEX_OBJECT_TABLE: 'table',
  REINDEX_OBJECT_SCHEMA: 'schema',
  REINDEX_OBJECT_DATABASE: 'database',
};

export default defineRule({
  meta: {
    id: 'migration-reindex-not-concurrent',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'REINDEX without CONCURRENTLY blocks writes to the table, and every query that would use the index, while it rebuilds.',
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const reindex = statement.as('ReindexStmt');
      const keyword = reindex?.kind ? KINDS[reindex.kind] : undefined;
      if (!reindex || !keyword) continue;
      if ((reindex.params ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'concurrently')) continue;
      const relation = relationName(reindex.relation);
      // A table created earlier in the migration holds no rows anyone is waiting on.
      if (keyword === 'table' && relation && model.isNewTable(relation, statement.index)) continue;
      const target =
        keyword === 'index'
          ? `index ${relation?.display ?? ''}`
          : keyword === 'table'
            ? `the indexes of ${relation?.display ?? 'the table'}`
            : `every index in ${keyword} ${reindex.name ?? ''}`;
      const at = statement.keywordRange(keyword);
      const fixes =
        at && statement.transaction.kind !== 'explicit'
          ? [
              {
                title: 'Use CONCURRENTLY (run outside a transaction)',
                edits: [insertion(at.end, ' CONCURRENTLY')],
                safe: false,
                preferred: true,
              },
            ]
          : undefined;
      report(
        statement.range(),
        `REINDEX without CONCURRENTLY rebuilds ${target.trim()} under a blocking lock: a SHARE lock on each table blocks inserts, updates and deletes, and an ACCESS EXCLUSIVE lock on each index blocks every query that would use it, for the whole rebuild. Use REINDEX ${keyword.toUpperCase()} CONCURRENTLY (PostgreSQL 12 and later), outside a transaction.`,
        {
          fixes,
          // The tables whose SHARE lock the message names, where the model knows them (not an index's unknown table).
          effects: statement.locks
            .filter((lock) => !lock.table.key.startsWith('index:'))
            .map((lock) => ({ table: lock.table.key, lock: 5 })),
        },
      );
    }
  },
});
