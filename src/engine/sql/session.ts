// How a migration's statements run: which transaction each one is in, and whether a lock_timeout covers it.
//
// Transaction model. BEGIN/START ... COMMIT/ROLLBACK/END written in the file delimit explicit transactions, and
// the statements outside them run one by one (autocommit): a file that manages its own transactions is not wrapped
// by its tool. A file with no transaction control runs as ONE transaction, as eugene assumes: Flyway, Rails,
// Django, sqitch and eugene wrap each file, and golang-migrate sends the file as one multi-statement query, which
// PostgreSQL also runs as one implicit transaction. Two exceptions make it statement by statement: the
// `fileRunsInTransaction: false` option of migration-work-after-lock (for tools that run statements one at a
// time), and a statement PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM, ...), whose
// presence means the tool must be running the file without one.

import { constantText, nodeAs } from './ast';
import type { MigrationStatement } from './statement';

function transactionKind(statement: MigrationStatement): string | undefined {
  return statement.as('TransactionStmt')?.kind;
}

function opensTransaction(statement: MigrationStatement): boolean {
  const kind = transactionKind(statement);
  return kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START';
}

function closesTransaction(statement: MigrationStatement): boolean {
  const kind = transactionKind(statement);
  return kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE';
}

/** Statements PostgreSQL rejects inside a transaction block ("cannot run inside a transaction block"). */
function cannotRunInTransaction(statement: MigrationStatement): boolean {
  if (statement.as('IndexStmt')?.concurrent) return true;
  if (statement.as('DropStmt')?.concurrent) return true;
  const reindex = statement.as('ReindexStmt');
  if (reindex && (reindex.params ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'concurrently')) return true;
  const alter = statement.as('AlterTableStmt');
  if (alter && (alter.cmds ?? []).some((node) => nodeAs(nodeAs(node, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent)) return true;
  if (statement.as('VacuumStmt')?.is_vacuumcmd) return true;
  const kind = statement.kind;
  return (
    kind === 'CreatedbStmt' ||
    kind === 'DropdbStmt' ||
    kind === 'AlterSystemStmt' ||
    kind === 'CreateTableSpaceStmt' ||
    kind === 'DropTableSpaceStmt'
  );
}

/** Assigns each statement its transaction scope. */
export function assignTransactions(statements: MigrationStatement[], fileRunsInTransaction: boolean): void {
  const wholeFile = fileRunsInTransaction && !statements.some((s) => opensTransaction(s) || cannotRunInTransaction(s));
  let nextId = 0;
  let open: number | undefined;
  for (const statement of statements) {
    if (wholeFile) {
      statement.transaction = { id: 0, kind: 'file' };
    } else if (opensTransaction(statement) && open === undefined) {
      open = ++nextId;
      statement.transaction = { id: open, kind: 'explicit' };
    } else if (open !== undefined) {
      statement.transaction = { id: open, kind: 'explicit' };
      if (closesTransaction(statement)) open = statement.as('TransactionStmt')?.chain ? ++nextId : undefined;
    } else {
      statement.transaction = { id: ++nextId, kind: 'statement' };
    }
  }
}

/** `0` (any unit) disables lock_timeout. */
function enablesTimeout(value: string | undefined): boolean {
  return value !== undefined && parseFloat(value) !== 0;
}

/**
 * Marks each statement with whether a lock_timeout is in effect when it runs. A session SET lasts to the end of
 * the file; SET LOCAL lasts to the end of its transaction and does nothing outside one.
 */
export function trackLockTimeout(statements: MigrationStatement[]): void {
  let session = false;
  let local: { transaction: number; enabled: boolean } | undefined;
  for (const statement of statements) {
    const scope = statement.transaction;
    if (local && local.transaction !== scope.id) local = undefined;
    statement.lockTimeoutSet = local ? local.enabled : session;
    const set = statement.as('VariableSetStmt');
    if (!set) continue;
    if (set.kind === 'VAR_RESET_ALL') {
      session = false;
      local = undefined;
      continue;
    }
    if (set.name !== 'lock_timeout') continue;
    const enabled = set.kind === 'VAR_SET_VALUE' && enablesTimeout(constantText(set.args?.[0]));
    if (set.is_local) {
      if (scope.kind !== 'statement') local = { transaction: scope.id, enabled };
    } else {
      session = enabled;
      local = undefined;
    }
  }
}
