// migration-transaction-unbalanced: BEGIN inside an open transaction, and a transaction the file never ends.

import type { MigrationStatement } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-transaction-unbalanced',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'BEGIN inside an open transaction (ignored: the first COMMIT ends the outer one), or a transaction the file never commits or rolls back.',
    reads: ['sql-migration'],
    impact: ['blocking-lock'],
  },
  check({ migration: model, report }) {
    // Follows the statements as PostgreSQL runs them: a second BEGIN only warns, and the first COMMIT ends the block.
    let open: MigrationStatement | undefined;
    let nested: MigrationStatement[] = [];
    for (const statement of model.statements) {
      const kind = statement.as('TransactionStmt')?.kind;
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
        if (open) nested.push(statement);
        else open = statement;
      } else if (open && (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE')) {
        for (const inner of nested) {
          report(
            inner.range(),
            `This BEGIN is inside the transaction opened at line ${open.line}: PostgreSQL warns and ignores it, so the ${kind === 'TRANS_STMT_COMMIT' ? 'COMMIT' : 'end of transaction'} at line ${statement.line} ends the outer transaction early and what follows runs outside it, one statement at a time. Remove the inner BEGIN or end the first transaction before it.`,
          );
        }
        nested = [];
        open = statement.as('TransactionStmt')?.chain ? statement : undefined;
      }
    }
    if (open) {
      for (const inner of nested) {
        report(
          inner.range(),
          `This BEGIN is inside the transaction opened at line ${open.line}: PostgreSQL warns and ignores it. Remove it.`,
        );
      }
      report(
        open.range(),
        `The transaction opened here is never committed or rolled back in this file: its changes stay uncommitted and keep their locks until the tool happens to commit on the same connection, or are rolled back when the connection closes. End it with COMMIT.`,
      );
    }
  },
});
