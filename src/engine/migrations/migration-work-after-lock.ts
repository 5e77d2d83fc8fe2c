// migration-work-after-lock: statements run after a blocking lock in the same transaction, so the lock is held for them.

import type { RelatedLocation } from '../finding';
import { BLOCKS_WRITES, LOCK_NAMES, type MigrationStatement, type TableLock } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

/** Statements that take no time worth counting while a lock is held. */
function isWork(statement: MigrationStatement): boolean {
  return (
    statement.kind !== 'TransactionStmt' &&
    statement.kind !== 'VariableSetStmt' &&
    statement.kind !== 'VariableShowStmt' &&
    statement.problem === undefined
  );
}

function blockingLock(statement: MigrationStatement): TableLock | undefined {
  return statement.locks.filter((lock) => lock.mode >= BLOCKS_WRITES).sort((a, b) => b.mode - a.mode)[0];
}

export default defineRule({
  meta: {
    id: 'migration-work-after-lock',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'More statements run in the transaction after one took a blocking lock, so the lock is held until they finish.',
    options: {
      fileRunsInTransaction: {
        default: true,
        description:
          'A file without BEGIN/COMMIT runs as its tool runs it (migrations.tool, or read from marker files), else as one transaction. Set false for tools that run each statement on its own: it wins over the tool.',
      },
    },
    reads: ['sql-migration'],
    impact: ['blocking-lock'],
  },
  check({ migration: model, path, report }) {
    const held = new Map<number, { statement: MigrationStatement; lock: TableLock }>();
    const reported = new Set<number>();
    for (const statement of model.statements) {
      const transaction = statement.transaction.id;
      const holder = held.get(transaction);
      if (holder && isWork(statement) && !reported.has(transaction)) {
        reported.add(transaction);
        const later = model.statements.filter((s) => s.index >= statement.index && s.transaction.id === transaction && isWork(s)).length;
        const { lock } = holder;
        const blocked = lock.mode === 8 ? 'reads and writes' : 'writes';
        const related: RelatedLocation[] = [
          { file: path, range: holder.statement.range(), message: `${LOCK_NAMES[lock.mode]} lock taken here` },
        ];
        // A transaction the tool opens around the file: say which tool, and what said so.
        const wrapper = statement.transaction.by ? ` ${statement.transaction.by.why}.` : '';
        report(
          statement.range(),
          `This statement runs while the ${LOCK_NAMES[lock.mode]} lock on ${lock.table.display} taken at line ${holder.statement.line} is still held: ${lock.table.display} stays blocked for ${blocked} until the transaction commits${later > 1 ? `, ${later} statements later` : ''}.${wrapper} Commit right after the locking statement: move the rest to its own migration.`,
          { related },
        );
      }
      const lock = blockingLock(statement);
      if (lock && !held.has(transaction) && statement.transaction.kind !== 'statement') held.set(transaction, { statement, lock });
    }
  },
});
