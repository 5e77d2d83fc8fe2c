// What a migration does to the schema, statement by statement: which tables and columns are its own (created here,
// so nobody else uses them yet), which columns are proven NOT NULL, and which locks each statement takes.

import type { TransactionUnit } from '../formats/migration-tools';
import type { AlterTableCmd } from 'libpg-query';
import {
  columnConstraints,
  columnFillsExistingRows,
  droppedNames,
  nodeAs,
  notNullColumns,
  relationName,
  tableName,
  type TableName,
} from './ast';
import { statementLocks } from './locks';
import { assignTransactions, trackLockTimeout } from './session';
import type { MigrationStatement } from './statement';

/** What earlier migrations left behind, carried from one migration to the next. */
export interface KnownSchema {
  /** Tables that exist, holding data. Tables outside this list that a migration does not create are assumed to exist too. */
  tables: string[];
  /** Columns a validated `CHECK (column IS NOT NULL)` or NOT NULL constraint already covers. */
  notNullColumns: { table: string; column: string }[];
  /** `CHECK (column IS NOT NULL) NOT VALID` constraints not validated yet: a later VALIDATE CONSTRAINT proves their columns. */
  pendingNotNullChecks?: { table: string; constraint: string; columns: string[] }[];
}

/** What a migration created, keyed as TableName keys: what its down migration may drop without losing data. */
export interface CreatedObjects {
  tables: string[];
  columns: { table: string; column: string }[];
}

const BEFORE = -1;

function columnKey(table: string, column: string): string {
  return `${table}\u0000${column}`;
}

export class MigrationModel {
  /** Index of the statement that created each table in this migration. */
  private readonly createdTables = new Map<string, number>();
  private readonly knownTables: Set<string>;
  private readonly droppedTables = new Set<string>();
  private readonly addedColumns = new Map<string, number>();
  private readonly generatedColumns = new Map<string, number[]>();
  private readonly views = new Map<string, number[]>();
  private readonly indexTables = new Map<string, TableName>();
  /** Index of the statement after which each column is known NOT NULL (-1: before the migration). */
  private readonly notNullAt = new Map<string, number>();
  /** CHECK (col IS NOT NULL) NOT VALID constraints waiting for VALIDATE CONSTRAINT, by table and name. */
  private readonly pendingChecks = new Map<string, string[]>();

  constructor(
    readonly statements: MigrationStatement[],
    schemaBefore: KnownSchema | undefined,
    /** How the tool runs the file (`transactionUnits`); a boolean for the model with no tool known (see session.ts). */
    fileRunsInTransaction: boolean | TransactionUnit[],
  ) {
    this.knownTables = new Set(schemaBefore?.tables ?? []);
    for (const { table, column } of schemaBefore?.notNullColumns ?? []) this.notNullAt.set(columnKey(table, column), BEFORE);
    for (const { table, constraint, columns } of schemaBefore?.pendingNotNullChecks ?? [])
      this.pendingChecks.set(columnKey(table, constraint), columns);
    assignTransactions(statements, fileRunsInTransaction);
    trackLockTimeout(statements);
    for (const statement of statements) {
      const at = statement.index;
      statement.locks = statementLocks(statement, (index) => this.indexTables.get(index.key)).filter(
        (lock) => !this.isNewTable(lock.table, at),
      );
      this.record(statement);
    }
  }

  /** Whether `table` was created by this migration before statement `before`: nobody else can be using it. */
  isNewTable(table: TableName, before: number): boolean {
    const at = this.createdTables.get(table.key);
    return at !== undefined && at < before;
  }

  isNewColumn(table: TableName, column: string, before: number): boolean {
    if (this.isNewTable(table, before)) return true;
    const at = this.addedColumns.get(columnKey(table.key, column));
    return at !== undefined && at < before;
  }

  isNotNullProven(table: TableName, column: string, before: number): boolean {
    const at = this.notNullAt.get(columnKey(table.key, column));
    return at !== undefined && at < before;
  }

  /** A view named `name` is created after statement `after` (the Atlas shape that keeps an old table name alive). */
  viewCreatedAfter(name: TableName, after: number): boolean {
    return (this.views.get(name.key) ?? []).some((at) => at > after);
  }

  /** A generated column named `column` is added to `table` after statement `after`. */
  generatedColumnAddedAfter(table: TableName, column: string, after: number): boolean {
    return (this.generatedColumns.get(columnKey(table.key, column)) ?? []).some((at) => at > after);
  }

  /** The tables and columns this migration created (a renamed one under its new name too). */
  created(): CreatedObjects {
    const columns = [...this.addedColumns.keys()].map((key) => {
      const [table, column] = key.split('\u0000');
      return { table, column };
    });
    return { tables: [...this.createdTables.keys()], columns };
  }

  schemaAfter(): KnownSchema {
    const kept = ({ table }: { table: string }): boolean => !this.droppedTables.has(table);
    const notNullColumns = [...this.notNullAt.keys()].map((key) => {
      const [table, column] = key.split('\u0000');
      return { table, column };
    });
    const pendingNotNullChecks = [...this.pendingChecks].map(([key, columns]) => {
      const [table, constraint] = key.split('\u0000');
      return { table, constraint, columns };
    });
    return {
      tables: [...this.knownTables],
      notNullColumns: notNullColumns.filter(kept),
      pendingNotNullChecks: pendingNotNullChecks.filter(kept),
    };
  }

  private record(statement: MigrationStatement): void {
    const at = statement.index;
    const create = statement.as('CreateStmt');
    const createAs = statement.as('CreateTableAsStmt');
    const created = relationName(create?.relation ?? createAs?.into?.rel);
    if (created) {
      const existedBefore = (create?.if_not_exists || createAs?.if_not_exists) && this.knownTables.has(created.key);
      if (!existedBefore && !this.createdTables.has(created.key)) this.createdTables.set(created.key, at);
      this.knownTables.add(created.key);
    }
    const view = relationName(statement.as('ViewStmt')?.view);
    if (view) this.views.set(view.key, [...(this.views.get(view.key) ?? []), at]);
    const index = statement.as('IndexStmt');
    const indexed = relationName(index?.relation);
    if (index?.idxname && indexed) this.indexTables.set(tableName(index.relation?.schemaname, index.idxname).key, indexed);
    const drop = statement.as('DropStmt');
    if (drop?.removeType === 'OBJECT_TABLE') {
      for (const dropped of droppedNames(drop.objects)) {
        this.knownTables.delete(dropped.key);
        this.droppedTables.add(dropped.key);
      }
    }
    const rename = statement.as('RenameStmt');
    const renamed = relationName(rename?.relation);
    if (rename?.newname && renamed) {
      if (rename.renameType === 'OBJECT_TABLE') this.renameTable(renamed, tableName(rename.relation?.schemaname, rename.newname), at);
      if (rename.renameType === 'OBJECT_COLUMN' && rename.subname) this.renameColumn(renamed, rename.subname, rename.newname, at);
    }
    const alter = statement.as('AlterTableStmt');
    const altered = relationName(alter?.relation);
    if (alter?.objtype === 'OBJECT_TABLE' && altered) {
      for (const node of alter.cmds ?? []) {
        const cmd = nodeAs(node, 'AlterTableCmd');
        if (cmd) this.recordAlter(altered, cmd, at);
      }
    }
  }

  private recordAlter(table: TableName, cmd: AlterTableCmd, at: number): void {
    const column = nodeAs(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AddColumn' && column?.colname) {
      const key = columnKey(table.key, column.colname);
      if (!this.addedColumns.has(key)) this.addedColumns.set(key, at);
      const constraints = columnConstraints(column);
      if (constraints.some((c) => c.contype === 'CONSTR_GENERATED'))
        this.generatedColumns.set(key, [...(this.generatedColumns.get(key) ?? []), at]);
      if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY') && columnFillsExistingRows(column))
        this.provenNotNull(table, [column.colname], at);
    }
    const constraint = nodeAs(cmd.def, 'Constraint');
    if (cmd.subtype === 'AT_AddConstraint' && (constraint?.contype === 'CONSTR_CHECK' || constraint?.contype === 'CONSTR_NOTNULL')) {
      const columns =
        constraint.contype === 'CONSTR_CHECK'
          ? notNullColumns(constraint.raw_expr)
          : (constraint.keys ?? []).flatMap((k) => nodeAs(k, 'String')?.sval ?? []);
      if (columns.length === 0) return;
      if (!constraint.skip_validation) this.provenNotNull(table, columns, at);
      else {
        // PostgreSQL names an unnamed check `<table>_<first column>_check`.
        const name = constraint.conname ?? `${table.key.split('.').pop()}_${columns[0]}_check`;
        this.pendingChecks.set(columnKey(table.key, name), columns);
      }
    }
    if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
      const columns = this.pendingChecks.get(columnKey(table.key, cmd.name));
      if (columns) this.provenNotNull(table, columns, at);
      this.pendingChecks.delete(columnKey(table.key, cmd.name));
    }
    if (cmd.subtype === 'AT_SetNotNull' && cmd.name) this.provenNotNull(table, [cmd.name], at);
  }

  private provenNotNull(table: TableName, columns: string[], at: number): void {
    for (const column of columns) {
      const key = columnKey(table.key, column);
      if (!this.notNullAt.has(key)) this.notNullAt.set(key, at);
    }
  }

  private renameTable(from: TableName, to: TableName, at: number): void {
    if (this.createdTables.has(from.key)) this.createdTables.set(to.key, at);
    this.knownTables.delete(from.key);
    this.knownTables.add(to.key);
    this.droppedTables.add(from.key);
    const keyedByTable: Map<string, unknown>[] = [this.notNullAt, this.addedColumns, this.pendingChecks];
    for (const map of keyedByTable) {
      for (const [key, value] of [...map]) {
        const [table, column] = key.split('\u0000');
        if (table === from.key) map.set(columnKey(to.key, column), value);
      }
    }
  }

  private renameColumn(table: TableName, from: string, to: string, at: number): void {
    if (this.addedColumns.has(columnKey(table.key, from))) this.addedColumns.set(columnKey(table.key, to), at);
    if (this.notNullAt.has(columnKey(table.key, from))) this.notNullAt.set(columnKey(table.key, to), at);
  }
}
