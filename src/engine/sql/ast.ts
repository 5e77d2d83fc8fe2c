// Small readers over libpg-query's AST: node kinds, relation names, constraint shapes.

import type { ColumnDef, Constraint, Node, RangeVar } from 'libpg-query';

/** `'AlterTableStmt' | 'IndexStmt' | ...`: the single key of each member of the Node union. */
export type NodeKind = Node extends infer N ? (N extends unknown ? keyof N : never) : never;
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

export function nodeKind(node: Node): NodeKind {
  return Object.keys(node)[0] as NodeKind;
}

export function nodeAs<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  return node !== undefined && kind in node ? (node as unknown as Record<K, NodeOf<K>>)[kind] : undefined;
}

/** A relation as the analysis keys it: unquoted names are already lower-cased by the parser; `public` is implied. */
export interface TableName {
  key: string;
  display: string;
}

export function tableName(schema: string | undefined, name: string): TableName {
  const qualified = schema && schema !== 'public' ? `${schema}.${name}` : name;
  return { key: qualified, display: schema ? `${schema}.${name}` : name };
}

export function relationName(relation: RangeVar | undefined): TableName | undefined {
  return relation?.relname ? tableName(relation.schemaname, relation.relname) : undefined;
}

/** Names given as a list of String nodes (`DROP TABLE s.t`, index names). */
function listName(items: Node[] | undefined): TableName | undefined {
  const parts = (items ?? []).map((item) => nodeAs(item, 'String')?.sval ?? '');
  if (parts.length === 0 || parts.some((part) => part === '')) return undefined;
  const name = parts[parts.length - 1];
  return tableName(parts.length > 1 ? parts[parts.length - 2] : undefined, name);
}

/** Objects of a DROP statement: each is a List of String nodes. */
export function droppedNames(objects: Node[] | undefined): TableName[] {
  return (objects ?? []).flatMap((object) => {
    const name = listName(nodeAs(object, 'List')?.items);
    return name ? [name] : [];
  });
}

export function columnConstraints(column: ColumnDef): Constraint[] {
  return (column.constraints ?? []).flatMap((node) => {
    const constraint = nodeAs(node, 'Constraint');
    return constraint ? [constraint] : [];
  });
}

/** Columns a CHECK expression proves NOT NULL: `col IS NOT NULL`, alone or ANDed with anything. */
export function notNullColumns(expression: Node | undefined): string[] {
  if (!expression) return [];
  const test = nodeAs(expression, 'NullTest');
  if (test?.nulltesttype === 'IS_NOT_NULL') {
    const fields = nodeAs(test.arg, 'ColumnRef')?.fields ?? [];
    const column = fields.length > 0 ? nodeAs(fields[fields.length - 1], 'String')?.sval : undefined;
    return column ? [column] : [];
  }
  const bool = nodeAs(expression, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(notNullColumns);
  return [];
}

/** The name of a string or integer constant (`SET lock_timeout = '2s'` / `= 0`). */
export function constantText(node: Node | undefined): string | undefined {
  const constant = nodeAs(node, 'A_Const');
  if (!constant) return undefined;
  if (constant.sval) return constant.sval.sval ?? '';
  if (constant.ival) return String(constant.ival.ival ?? 0); // protobuf drops a zero value
  if (constant.fval) return constant.fval.fval;
  return undefined;
}

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** Whether every existing row gets a value for this new column (a default, identity, generated or serial column). */
export function columnFillsExistingRows(column: ColumnDef): boolean {
  const typeNames = column.typeName?.names ?? [];
  const typeName = typeNames.length > 0 ? nodeAs(typeNames[typeNames.length - 1], 'String')?.sval : undefined;
  if (typeName && SERIAL_TYPES.has(typeName)) return true;
  return columnConstraints(column).some(
    (c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED',
  );
}
