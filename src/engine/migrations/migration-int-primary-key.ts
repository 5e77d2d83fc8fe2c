// migration-int-primary-key: a single-column primary key of a 32- or 16-bit integer type, in CREATE TABLE or ADD COLUMN,
// and any 32- or 16-bit column numbered by a sequence (serial, identity), key or not: the sequence runs out all the same.

import type { ColumnDef, TypeName } from 'libpg-query';
import type { Fix } from '../finding';
import { columnConstraints, nodeAs, relationName } from '../sql/ast';
import type { MigrationStatement } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

/** The parser's names for int/integer/int4/smallint/int2 and the serials, and their 64-bit replacement. */
const NARROW: Record<string, { bits: number; wider: string; limit: string }> = {
  int4: { bits: 32, wider: 'bigint', limit: '2,147,483,647' },
  int2: { bits: 16, wider: 'bigint', limit: '32,767' },
  serial: { bits: 32, wider: 'bigserial', limit: '2,147,483,647' },
  serial4: { bits: 32, wider: 'bigserial', limit: '2,147,483,647' },
  smallserial: { bits: 16, wider: 'bigserial', limit: '32,767' },
  serial2: { bits: 16, wider: 'bigserial', limit: '32,767' },
};

function narrowType(type: TypeName | undefined): (typeof NARROW)[string] | undefined {
  if (!type || (type.arrayBounds ?? []).length > 0) return undefined;
  const parts = (type.names ?? []).map((name) => nodeAs(name, 'String')?.sval ?? '');
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog')) return undefined;
  return Object.hasOwn(NARROW, parts[parts.length - 1]) ? NARROW[parts[parts.length - 1]] : undefined;
}

const isPrimaryKey = (column: ColumnDef) => columnConstraints(column).some((c) => c.contype === 'CONSTR_PRIMARY');

/** A column a sequence numbers: a serial type, or GENERATED ... AS IDENTITY. */
const isCounter = (column: ColumnDef) =>
  /serial/.test(nodeAs(column.typeName?.names?.at(-1), 'String')?.sval ?? '') ||
  columnConstraints(column).some((c) => c.contype === 'CONSTR_IDENTITY');

/** Replaces the type's name (int, integer, pg_catalog.int4, serial, ...) with its 64-bit counterpart. */
function widenFix(statement: MigrationStatement, type: TypeName, wider: string, safe: boolean): Fix[] | undefined {
  const tokens = statement.tokens() ?? [];
  const first = tokens.findIndex((t) => t.start === type.location);
  if (first < 0) return undefined;
  let last = first;
  while (tokens[last + 1]?.text === '.' && tokens[last + 2]) last += 2;
  const range = statement.rangeOfBytes(tokens[first].start, tokens[last].end);
  return [{ title: `Use ${wider}`, edits: [{ range, newText: wider }], safe, preferred: true }];
}

export default defineRule({
  meta: {
    id: 'migration-int-primary-key',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'A primary key of type integer, smallint or (small)serial, or any serial or identity column of those sizes, overflows; widening it later rewrites the table under a blocking lock.',
    reads: ['sql-migration'],
    fix: 'safe on a table the migration creates',
    impact: ['blocking-lock'],
  },
  check({ migration: model, report }) {
    const judge = (statement: MigrationStatement, table: string, column: ColumnDef, newTable: boolean, key: boolean) => {
      const narrow = narrowType(column.typeName);
      if (!narrow || !column.typeName) return;
      const fixes = widenFix(statement, column.typeName, narrow.wider, newTable);
      const range = fixes?.[0].edits[0].range ?? statement.range();
      const what = key
        ? `Primary key ${table}.${column.colname ?? ''} is a ${narrow.bits}-bit integer: inserts fail once it reaches ${narrow.limit}`
        : `Column ${table}.${column.colname ?? ''} is numbered by a sequence into a ${narrow.bits}-bit integer: inserts fail once the sequence passes ${narrow.limit}, key or not`;
      report(
        range,
        `${what}, and widening it then rewrites ${table} and its indexes under an ACCESS EXCLUSIVE lock. Use ${narrow.wider}${narrow.wider === 'bigint' ? ' (or bigint GENERATED ALWAYS AS IDENTITY)' : ''}.`,
        { fixes },
      );
    };
    for (const statement of model.statements) {
      const create = statement.as('CreateStmt');
      const created = relationName(create?.relation);
      if (create && created) {
        const columns = (create.tableElts ?? []).flatMap((node) => {
          const column = nodeAs(node, 'ColumnDef');
          return column ? [column] : [];
        });
        // Table-level PRIMARY KEY (col): only single-column keys, where the column is the row's generated id.
        const keyed = new Set(
          (create.tableElts ?? []).flatMap((node) => {
            const keys = nodeAs(node, 'Constraint')?.contype === 'CONSTR_PRIMARY' ? (nodeAs(node, 'Constraint')?.keys ?? []) : [];
            return keys.length === 1 ? [nodeAs(keys[0], 'String')?.sval] : [];
          }),
        );
        for (const column of columns) {
          const key = isPrimaryKey(column) || keyed.has(column.colname);
          if (key || isCounter(column)) judge(statement, created.display, column, true, key);
        }
      }
      const alter = statement.as('AlterTableStmt');
      const altered = relationName(alter?.relation);
      if (alter && altered && alter.objtype === 'OBJECT_TABLE') {
        for (const node of alter.cmds ?? []) {
          const cmd = nodeAs(node, 'AlterTableCmd');
          const column = nodeAs(cmd?.def, 'ColumnDef');
          if (cmd?.subtype === 'AT_AddColumn' && column && (isPrimaryKey(column) || isCounter(column))) {
            judge(statement, altered.display, column, model.isNewTable(altered, statement.index), isPrimaryKey(column));
          }
        }
      }
    }
  },
});
