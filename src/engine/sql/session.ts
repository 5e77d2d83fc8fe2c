// How a migration's statements run: which transaction each one is in, and whether a lock_timeout covers it.
//
// Transaction model. BEGIN/START ... COMMIT/ROLLBACK/END written in the file delimit explicit transactions, and
// the statements outside them run one by one (autocommit): a file that manages its own transactions is not wrapped
// by its tool. Otherwise the tool that runs the file decides (src/engine/formats/migration-tools.ts): it opens a
// transaction around the file (Flyway, Rails, Django, dbmate, goose, sqlx, diesel, Atlas, a Liquibase changeset),
// sends the file as one query (golang-migrate, Prisma: PostgreSQL runs a query of several statements as one implicit
// transaction), or runs statements one by one (sqitch, psql). With no tool known, a file runs as ONE transaction, as
// eugene assumes, unless it holds a statement PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY,
// VACUUM, ...), whose presence means the tool must be running the file without one. The `fileRunsInTransaction:
// false` option of migration-work-after-lock makes every file run statement by statement.

import { constantText, nodeAs } from './ast';
import type { TransactionUnit, WrapReason } from '../formats/migration-tools';
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

const NON_TRANSACTIONAL: Partial<Record<string, string>> = {
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
};

/**
 * The name of the operation when the statement is one PostgreSQL rejects inside a transaction block ("cannot run
 * inside a transaction block"), else undefined.
 */
export function nonTransactionalOperation(statement: MigrationStatement): string | undefined {
  if (statement.as('IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if (statement.as('DropStmt')?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = statement.as('ReindexStmt');
  if (reindex && (reindex.params ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'concurrently')) return 'REINDEX CONCURRENTLY';
  const alter = statement.as('AlterTableStmt');
  if (alter && (alter.cmds ?? []).some((node) => nodeAs(nodeAs(node, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent))
    return 'DETACH PARTITION CONCURRENTLY';
  if (statement.as('VacuumStmt')?.is_vacuumcmd) return 'VACUUM';
  return statement.kind ? NON_TRANSACTIONAL[statement.kind] : undefined;
}

function cannotRunInTransaction(statement: MigrationStatement): boolean {
  return nonTransactionalOperation(statement) !== undefined;
}

/**
 * Assigns each statement its transaction scope. `plan` is how the tool runs each stretch of the file
 * (`transactionUnits`); `true` is the model with no tool known, `false` statement by statement.
 */
export function assignTransactions(statements: MigrationStatement[], plan: boolean | TransactionUnit[]): void {
  const units: TransactionUnit[] = typeof plan === 'boolean' ? [{ start: 0, end: Infinity, wrap: plan ? 'infer' : 'none' }] : plan;
  let nextId = 0;
  for (const unit of units) {
    const inUnit = statements.filter((statement) => statement.start >= unit.start && statement.start < unit.end);
    nextId = assignUnit(inUnit, unit, nextId);
  }
}

/** Whether the tool's wrapping puts the statements of a unit into one transaction, and the reason messages give. */
function wrapsUnit(statements: MigrationStatement[], unit: TransactionUnit): boolean {
  if (statements.some(opensTransaction)) return false;
  switch (unit.wrap) {
    case 'infer':
      return !statements.some(cannotRunInTransaction);
    case 'transaction':
      return true;
    case 'query':
      return statements.length > 1;
    case 'flyway':
      return !statements.every(cannotRunInTransaction);
    case 'none':
      return false;
  }
}

function assignUnit(statements: MigrationStatement[], unit: TransactionUnit, firstId: number): number {
  let nextId = firstId;
  if (wrapsUnit(statements, unit)) {
    const id = ++nextId;
    const by: WrapReason | undefined = unit.wrap === 'infer' ? undefined : unit.reason;
    for (const statement of statements) statement.transaction = by ? { id, kind: 'file', by } : { id, kind: 'file' };
    return nextId;
  }
  let open: number | undefined;
  for (const statement of statements) {
    if (opensTransaction(statement) && open === undefined) {
      open = ++nextId;
      statement.transaction = { id: open, kind: 'explicit' };
    } else if (open !== undefined) {
      statement.transaction = { id: open, kind: 'explicit' };
      if (closesTransaction(statement)) open = statement.as('TransactionStmt')?.chain ? ++nextId : undefined;
    } else {
      statement.transaction = { id: ++nextId, kind: 'statement' };
    }
  }
  return nextId;
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
