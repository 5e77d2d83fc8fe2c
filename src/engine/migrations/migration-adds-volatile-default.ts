// migration-adds-volatile-default: ADD COLUMN on an existing table whose value for existing rows must be computed row
// by row (a volatile default, serial, identity, stored generated column), so PostgreSQL rewrites the table.

import { DEFAULT_POSTGRES_VERSION } from '../config/config';
import type { ColumnDef, Constraint, Node } from 'libpg-query';
import type { Fix } from '../finding';
import { columnConstraints, nodeAs, type TableName } from '../sql/ast';
import type { MigrationStatement } from '../sql/statement';
import { existingTableCommands } from './changes';
import { defineRule } from '../rule-kit/rule';

/** Built-in functions PostgreSQL marks VOLATILE that defaults commonly call. now() and current_timestamp are STABLE. */
const VOLATILE_FUNCTIONS = new Set([
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'random',
  'random_normal',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
  'gen_random_bytes',
]);

const SPLIT = 'Add the column without a default, set the default in a second statement, and backfill existing rows in batches.';
const SEQUENCE =
  'Add a plain nullable column, create a sequence and SET DEFAULT nextval(...) in a second statement, and backfill existing rows in batches.';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** The first known volatile function an expression calls, anywhere inside it. */
function volatileCall(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = volatileCall(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  const call = nodeAs(node as Node, 'FuncCall');
  const names = call?.funcname ?? [];
  const name = names.length > 0 ? nodeAs(names[names.length - 1], 'String')?.sval : undefined;
  if (name && VOLATILE_FUNCTIONS.has(name.toLowerCase())) return `${name}()`;
  for (const value of Object.values(node)) {
    const found = volatileCall(value);
    if (found) return found;
  }
  return undefined;
}

function isNullConstant(node: Node | undefined): boolean {
  return nodeAs(node, 'A_Const')?.isnull === true;
}

interface Rewrite {
  /** What makes PostgreSQL write a value into every row, for the message. */
  cause: string;
  /** The safe rewrite, for the message. */
  remedy: string;
  /** The DEFAULT constraint, when a split into ADD COLUMN + SET DEFAULT is the rewrite. */
  splittable?: Constraint;
}

/** Why adding this column rewrites the table on `postgresVersion`, or undefined when it does not. */
function rewriteCause(column: ColumnDef, postgresVersion: number): Rewrite | undefined {
  const typeNames = column.typeName?.names ?? [];
  const typeName = typeNames.length > 0 ? nodeAs(typeNames[typeNames.length - 1], 'String')?.sval : undefined;
  if (typeName && SERIAL_TYPES.has(typeName))
    return { cause: `a ${typeName} column's default is nextval(), which is volatile`, remedy: SEQUENCE };
  const constraints = columnConstraints(column);
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY'))
    return { cause: 'an identity column takes a value from its sequence for each row', remedy: SEQUENCE };
  // PostgreSQL 18's virtual generated columns are computed on read; stored ones are written into every row.
  if (constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v'))
    return {
      cause: 'a stored generated column is computed and written for each row',
      remedy:
        'Add a plain nullable column kept up to date by a trigger (or compute the value on read), and backfill existing rows in batches.',
    };
  const byDefault = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
  if (!byDefault || isNullConstant(byDefault.raw_expr)) return undefined;
  // A split is mechanical only when the default is the column's one constraint: NOT NULL without it would fail.
  const splittable = constraints.length === 1 ? byDefault : undefined;
  const volatile = volatileCall(byDefault.raw_expr);
  if (volatile) return { cause: `DEFAULT ${volatile} is volatile, so each row gets its own value`, remedy: SPLIT, splittable };
  // Before PostgreSQL 11 every non-null default was written into every row.
  if (postgresVersion < 11)
    return {
      cause: `before PostgreSQL 11 (postgresVersion is ${postgresVersion}) every default is written into each row`,
      remedy: SPLIT,
      splittable,
    };
  return undefined;
}

/** The text between two byte offsets of the statement's source. */
function sourceText(statement: MigrationStatement, byteStart: number, byteEnd: number): string {
  const { source } = statement;
  return source.text.slice(source.fileOffset(byteStart) - source.offset, source.fileOffset(byteEnd) - source.offset);
}

/**
 * Splits `ALTER TABLE t ADD COLUMN c type DEFAULT expr` into an ADD COLUMN without the default and a SET DEFAULT, with
 * the backfill left as a comment: the backfill's batching depends on the table. Only for a one-subcommand statement.
 */
function splitFix(statement: MigrationStatement, table: TableName, column: ColumnDef, byDefault: Constraint): Fix[] | undefined {
  const alter = statement.as('AlterTableStmt');
  const tokens = statement.tokens();
  if ((alter?.cmds ?? []).length !== 1 || !tokens || !column.colname || byDefault.location === undefined) return undefined;
  const keyword = tokens.findIndex((t) => t.start === byDefault.location);
  const expressionToken = tokens[keyword + 1];
  const nameAt = alter?.relation?.location;
  let nameEnd = tokens.findIndex((t) => t.start === nameAt);
  if (keyword < 0 || !expressionToken || nameEnd < 0) return undefined;
  while (tokens[nameEnd + 1]?.text === '.' && tokens[nameEnd + 2]) nameEnd += 2;
  const head = sourceText(statement, statement.byteStart, tokens[nameEnd].end);
  const added = sourceText(statement, statement.byteStart, tokens[keyword - 1].end);
  const expression = sourceText(statement, expressionToken.start, statement.byteEnd);
  const name = column.colname;
  const text = [
    // The comment comes first: the statement's own semicolon, outside its range, must still end real SQL.
    `-- After these two statements, backfill the existing rows in batches, outside this transaction: UPDATE ${table.display} SET ${name} = ${expression.replace(/\s+/g, ' ')} WHERE ${name} IS NULL`,
    `${added};`,
    `${head} ALTER COLUMN ${name} SET DEFAULT ${expression}`,
  ].join('\n');
  return [
    {
      title: 'Add the column without a default, then SET DEFAULT (backfill separately)',
      edits: [{ range: statement.range(), newText: text }],
      safe: false,
      preferred: true,
    },
  ];
}

export default defineRule({
  meta: {
    id: 'migration-adds-volatile-default',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'ADD COLUMN with a volatile default, serial, identity or stored generated column rewrites an existing table under an ACCESS EXCLUSIVE lock.',
    options: {
      postgresVersion: {
        default: DEFAULT_POSTGRES_VERSION,
        description:
          'The PostgreSQL major version the migrations run on (default: migrations.postgresVersion in .stagegate.yaml, else 15): before 11, any non-null default rewrites the table.',
      },
    },
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock'],
  },
  check({ migration: model, option, report }) {
    const postgresVersion = option('postgresVersion');
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      const column = nodeAs(cmd.def, 'ColumnDef');
      if (cmd.subtype !== 'AT_AddColumn' || !column?.colname) continue;
      // A UNIQUE or PRIMARY KEY column is reported by migration-adds-unique-constraint, whose rewrite covers this one.
      if (columnConstraints(column).some((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY')) continue;
      const rewrite = rewriteCause(column, postgresVersion);
      if (!rewrite) continue;
      report(
        statement.subcommandRange(position),
        `Adding column ${column.colname} to ${table.display} rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes throughout: ${rewrite.cause}. ${rewrite.remedy}`,
        {
          fixes: rewrite.splittable ? splitFix(statement, table, column, rewrite.splittable) : undefined,
          effects: [{ table: table.key, lock: 8, rewrite: true }],
        },
      );
    }
  },
});
