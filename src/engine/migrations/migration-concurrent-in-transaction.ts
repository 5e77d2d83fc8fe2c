// migration-concurrent-in-transaction: a statement PostgreSQL refuses inside a transaction block (CONCURRENTLY, VACUUM,
// CREATE DATABASE...) inside BEGIN ... COMMIT, or in a file its tool runs in one transaction.

import { nonTransactionalOperation } from '../sql/session';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-concurrent-in-transaction',
    family: 'migration',
    defaultSeverity: 'error',
    summary:
      'A CONCURRENTLY operation (or another statement PostgreSQL refuses in a transaction) sits inside BEGIN ... COMMIT, or in a file the migration tool runs in a transaction.',
    reads: ['sql-migration'],
    impact: ['may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      const operation = nonTransactionalOperation(statement);
      if (!operation) continue;
      const range = statement.keywordRange('concurrently') ?? statement.range();
      const { kind, by } = statement.transaction;
      if (kind === 'explicit')
        report(
          range,
          `${operation} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails here. Move it out of BEGIN ... COMMIT, into its own migration if the tool wraps files in a transaction.`,
        );
      else if (kind === 'file' && by)
        report(
          range,
          `${operation} cannot run inside a transaction block, and ${by.why}: the migration fails at deploy time. ${by.remedy}`,
        );
    }
  },
});
