// migration-statement-not-retryable: a statement that fails when run a second time (CREATE without IF NOT EXISTS,
// DROP without IF EXISTS, ...) and is committed before later work in the same file runs. When that later work fails,
// the file is half applied and the retry stops at this statement. A file run as one transaction rolls back whole, so
// only files with several transactions (autocommit, or several BEGIN ... COMMIT) are concerned.

import type { ScanToken } from 'libpg-query';
import type { Fix } from '../finding';
import { droppedNames, nodeAs, relationName } from '../sql/ast';
import type { MigrationStatement } from '../sql/statement';
import { insertion } from './changes';
import { defineRule } from '../rule-kit/rule';

interface Problem {
  /** What the statement creates or drops, for the message: "CREATE TABLE orders". */
  what: string;
  /** How the retry fails. */
  failure: string;
  /** The re-runnable form, for the message. */
  remedy: string;
  fixes?: Fix[];
  /** Reported wherever it sits: a failed CREATE INDEX CONCURRENTLY leaves its INVALID index behind itself. */
  failsAlone?: boolean;
}

const word = (token: ScanToken | undefined, text: string) => token?.text.toLowerCase() === text;

/** The token after which `words` follow one another from `from` on, e.g. ['materialized', 'view']; undefined if they do not. */
function afterWords(tokens: ScanToken[], from: number, words: string[]): ScanToken | undefined {
  for (let i = 0; i < words.length; i++) if (!word(tokens[from + i], words[i])) return undefined;
  return tokens[from + words.length - 1];
}

function insertAfter(statement: MigrationStatement, token: ScanToken | undefined, text: string, title: string): Fix[] | undefined {
  if (!token) return undefined;
  const at = statement.rangeOfBytes(token.start, token.end).end;
  return [{ title, edits: [insertion(at, text)], safe: false, preferred: true }];
}

/** Inserts `text` at a byte offset the AST gives (a name's location): no scanning needed. */
function insertAt(statement: MigrationStatement, byteOffset: number | undefined, text: string, title: string): Fix[] | undefined {
  if (byteOffset === undefined) return undefined;
  return [{ title, edits: [insertion(statement.rangeOfBytes(byteOffset, byteOffset).start, text)], safe: false, preferred: true }];
}

/** Inserts IF NOT EXISTS / IF EXISTS after the first token spelling `keyword` (and CONCURRENTLY right after it). */
function guardAfterKeyword(statement: MigrationStatement, keyword: string, guard: string): Fix[] | undefined {
  const tokens = statement.tokens() ?? [];
  const at = tokens.findIndex((t) => word(t, keyword));
  if (at < 0) return undefined;
  const last = word(tokens[at + 1], 'concurrently') ? tokens[at + 1] : tokens[at];
  return insertAfter(statement, last, ` ${guard}`, `Add ${guard}`);
}

/** The keywords naming the object kind after DROP, for the IF EXISTS fix. */
const DROP_WORDS: Record<string, string[]> = {
  OBJECT_TABLE: ['table'],
  OBJECT_INDEX: ['index'],
  OBJECT_VIEW: ['view'],
  OBJECT_MATVIEW: ['materialized', 'view'],
  OBJECT_SEQUENCE: ['sequence'],
  OBJECT_TYPE: ['type'],
  OBJECT_DOMAIN: ['domain'],
  OBJECT_SCHEMA: ['schema'],
  OBJECT_EXTENSION: ['extension'],
  OBJECT_FUNCTION: ['function'],
  OBJECT_PROCEDURE: ['procedure'],
  OBJECT_TRIGGER: ['trigger'],
  OBJECT_POLICY: ['policy'],
  OBJECT_FOREIGN_TABLE: ['foreign', 'table'],
};

/** "orders", "billing.orders" as written to a statement, quoted where PostgreSQL needs it. */
function identifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The whitespace before the statement on its line, so that an inserted statement lines up with it. */
function indentation(text: string, statement: MigrationStatement): string {
  const line = text.slice(text.lastIndexOf('\n', statement.start - 1) + 1, statement.start);
  return /^[ \t]*$/.test(line) ? line : '';
}

const ALREADY_EXISTS = 'fails with "already exists"';
const DOES_NOT_EXIST = 'fails with "does not exist"';

function createProblem(statement: MigrationStatement, droppedIndexes: Set<string>, text: string): Problem | undefined {
  const table = statement.as('CreateStmt');
  if (table && !table.if_not_exists && table.relation?.relpersistence !== 't') {
    const name = relationName(table.relation)?.display ?? 'the table';
    return {
      what: `CREATE TABLE ${name}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE TABLE IF NOT EXISTS',
      fixes: insertAt(statement, table.relation?.location, 'IF NOT EXISTS ', 'Add IF NOT EXISTS'),
    };
  }
  const tableAs = statement.as('CreateTableAsStmt');
  if (tableAs && !tableAs.if_not_exists && tableAs.into?.rel?.relpersistence !== 't') {
    const matview = tableAs.objtype === 'OBJECT_MATVIEW';
    const kind = matview ? 'MATERIALIZED VIEW' : 'TABLE';
    return {
      what: `CREATE ${kind} ${relationName(tableAs.into?.rel)?.display ?? ''} AS`,
      failure: ALREADY_EXISTS,
      remedy: `CREATE ${kind} IF NOT EXISTS`,
      fixes: insertAt(statement, tableAs.into?.rel?.location, 'IF NOT EXISTS ', 'Add IF NOT EXISTS'),
    };
  }
  const index = statement.as('IndexStmt');
  if (index && !index.if_not_exists) {
    const on = relationName(index.relation)?.display ?? 'its table';
    if (!index.idxname)
      return {
        what: `CREATE INDEX on ${on} without a name`,
        failure: 'builds a second, identical index under a new name',
        remedy: 'a named index with IF NOT EXISTS',
      };
    const schema = index.relation?.schemaname;
    const qualified = schema ? `${identifier(schema)}.${identifier(index.idxname)}` : identifier(index.idxname);
    if (index.concurrent) {
      if (droppedIndexes.has(qualified)) return undefined;
      return {
        what: `CREATE INDEX CONCURRENTLY ${index.idxname}`,
        failure: `${ALREADY_EXISTS}: a concurrent build that fails (a lock_timeout, a deadlock, a duplicate key) leaves an INVALID index named ${index.idxname} behind`,
        remedy: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified} before it (IF NOT EXISTS alone would keep the INVALID index)`,
        fixes: [
          {
            title: `Drop a leftover ${index.idxname} first`,
            edits: [insertion(statement.range().start, `DROP INDEX CONCURRENTLY IF EXISTS ${qualified};\n${indentation(text, statement)}`)],
            safe: false,
            preferred: true,
          },
        ],
        failsAlone: true,
      };
    }
    return {
      what: `CREATE INDEX ${index.idxname}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE INDEX IF NOT EXISTS',
      fixes: guardAfterKeyword(statement, 'index', 'IF NOT EXISTS'),
    };
  }
  const sequence = statement.as('CreateSeqStmt');
  if (sequence && !sequence.if_not_exists)
    return {
      what: `CREATE SEQUENCE ${relationName(sequence.sequence)?.display ?? ''}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE SEQUENCE IF NOT EXISTS',
      fixes: insertAt(statement, sequence.sequence?.location, 'IF NOT EXISTS ', 'Add IF NOT EXISTS'),
    };
  const schema = statement.as('CreateSchemaStmt');
  if (schema && !schema.if_not_exists)
    return {
      what: `CREATE SCHEMA ${schema.schemaname ?? ''}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE SCHEMA IF NOT EXISTS',
      fixes: guardAfterKeyword(statement, 'schema', 'IF NOT EXISTS'),
    };
  const extension = statement.as('CreateExtensionStmt');
  if (extension && !extension.if_not_exists)
    return {
      what: `CREATE EXTENSION ${extension.extname ?? ''}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE EXTENSION IF NOT EXISTS',
      fixes: guardAfterKeyword(statement, 'extension', 'IF NOT EXISTS'),
    };
  const view = statement.as('ViewStmt');
  if (view && !view.replace)
    return {
      what: `CREATE VIEW ${relationName(view.view)?.display ?? ''}`,
      failure: ALREADY_EXISTS,
      remedy: 'CREATE OR REPLACE VIEW',
      fixes: insertAt(statement, statement.byteStart + 'create'.length, ' OR REPLACE', 'Use CREATE OR REPLACE'),
    };
  const fn = statement.as('CreateFunctionStmt');
  if (fn && !fn.replace) {
    const kind = fn.is_procedure ? 'PROCEDURE' : 'FUNCTION';
    return {
      what: `CREATE ${kind}`,
      failure: ALREADY_EXISTS,
      remedy: `CREATE OR REPLACE ${kind}`,
      fixes: insertAt(statement, statement.byteStart + 'create'.length, ' OR REPLACE', 'Use CREATE OR REPLACE'),
    };
  }
  if (statement.as('CreateEnumStmt') || statement.as('CompositeTypeStmt') || statement.as('CreateDomainStmt')) {
    const kind = statement.as('CreateDomainStmt') ? 'DOMAIN' : 'TYPE';
    return {
      what: `CREATE ${kind}`,
      failure: ALREADY_EXISTS,
      remedy: `a DO block that creates the ${kind.toLowerCase()} only when pg_type has no row for it (PostgreSQL has no CREATE ${kind} IF NOT EXISTS)`,
    };
  }
  const addValue = statement.as('AlterEnumStmt');
  if (addValue && addValue.newVal !== undefined && addValue.oldVal === undefined && !addValue.skipIfNewValExists)
    return {
      what: `ALTER TYPE ... ADD VALUE '${addValue.newVal}'`,
      failure: ALREADY_EXISTS,
      remedy: 'ADD VALUE IF NOT EXISTS',
      fixes: guardAfterKeyword(statement, 'value', 'IF NOT EXISTS'),
    };
  return undefined;
}

function dropProblem(statement: MigrationStatement): Problem | undefined {
  const drop = statement.as('DropStmt');
  if (!drop || drop.missing_ok) return undefined;
  const words = DROP_WORDS[drop.removeType ?? ''];
  if (!words) return undefined;
  const tokens = statement.tokens() ?? [];
  let last = word(tokens[0], 'drop') ? afterWords(tokens, 1, words) : undefined;
  if (last && drop.concurrent && word(tokens[1 + words.length], 'concurrently')) last = tokens[1 + words.length];
  const kind = words.join(' ').toUpperCase();
  const names = droppedNames(drop.objects).map((name) => name.display);
  return {
    what: `DROP ${kind}${names.length > 0 ? ` ${names.join(', ')}` : ''}`,
    failure: DOES_NOT_EXIST,
    remedy: `DROP ${kind} IF EXISTS`,
    fixes: insertAfter(statement, last, ' IF EXISTS', 'Add IF EXISTS'),
  };
}

/** ALTER TABLE subcommands that fail a second time, each at its own range. */
function* alterProblems(statement: MigrationStatement, droppedConstraints: Set<string>): Generator<{ problem: Problem; position: number }> {
  const alter = statement.as('AlterTableStmt');
  const table = relationName(alter?.relation);
  if (!alter || !table || alter.objtype !== 'OBJECT_TABLE') return;
  const cmds = alter.cmds ?? [];
  for (let position = 0; position < cmds.length; position++) {
    const cmd = nodeAs(cmds[position], 'AlterTableCmd');
    if (!cmd) continue;
    const tokens = () => statement.subcommandTokens(position) ?? [];
    /** After ADD/DROP, and after COLUMN or CONSTRAINT when written. */
    const afterVerb = (noun: string) => {
      const all = tokens();
      return word(all[1], noun) ? all[1] : all[0];
    };
    if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok) {
      const def = nodeAs(cmd.def, 'ColumnDef');
      const column = def?.colname ?? '';
      yield {
        position,
        problem: {
          what: `ADD COLUMN ${column} to ${table.display}`,
          failure: ALREADY_EXISTS,
          remedy: 'ADD COLUMN IF NOT EXISTS',
          fixes: insertAt(statement, def?.location, 'IF NOT EXISTS ', 'Add IF NOT EXISTS'),
        },
      };
    } else if (cmd.subtype === 'AT_DropColumn' && !cmd.missing_ok) {
      yield {
        position,
        problem: {
          what: `DROP COLUMN ${cmd.name ?? ''} of ${table.display}`,
          failure: DOES_NOT_EXIST,
          remedy: 'DROP COLUMN IF EXISTS',
          fixes: insertAfter(statement, afterVerb('column'), ' IF EXISTS', 'Add IF EXISTS'),
        },
      };
    } else if (cmd.subtype === 'AT_DropConstraint' && !cmd.missing_ok) {
      const all = tokens();
      yield {
        position,
        problem: {
          what: `DROP CONSTRAINT ${cmd.name ?? ''} of ${table.display}`,
          failure: DOES_NOT_EXIST,
          remedy: 'DROP CONSTRAINT IF EXISTS',
          fixes: insertAfter(statement, word(all[1], 'constraint') ? all[1] : undefined, ' IF EXISTS', 'Add IF EXISTS'),
        },
      };
    } else if (cmd.subtype === 'AT_AddConstraint') {
      const name = nodeAs(cmd.def, 'Constraint')?.conname;
      if (!name || droppedConstraints.has(`${table.key}\u0000${name}`)) continue;
      yield {
        position,
        problem: {
          what: `ADD CONSTRAINT ${name} to ${table.display}`,
          failure: ALREADY_EXISTS,
          remedy: `ALTER TABLE ${table.display} DROP CONSTRAINT IF EXISTS ${name} before it (PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS)`,
        },
      };
    }
  }
}

interface Commits {
  /** The first statement doing work after the transaction of each statement has committed (by position). */
  laterWork: (MigrationStatement | undefined)[];
  /** Whether the transaction of each statement ends in ROLLBACK: nothing of it stays applied. */
  rolledBack: boolean[];
}

/** In one pass from the end: each transaction's statements are contiguous, so what follows its last one runs after it. */
function commits(statements: MigrationStatement[]): Commits {
  const laterWork: (MigrationStatement | undefined)[] = new Array(statements.length);
  const rolledBack: boolean[] = new Array(statements.length);
  let nextWork: MigrationStatement | undefined;
  let after: MigrationStatement | undefined;
  let rollback = false;
  for (let i = statements.length - 1; i >= 0; i--) {
    const statement = statements[i];
    const next = statements[i + 1];
    if (!next || next.transaction.id !== statement.transaction.id) {
      after = nextWork;
      const kind = statement.as('TransactionStmt')?.kind;
      rollback = statement.transaction.kind === 'explicit' && kind === 'TRANS_STMT_ROLLBACK';
    }
    laterWork[i] = after;
    rolledBack[i] = rollback;
    if (!statement.as('TransactionStmt')) nextWork = statement;
  }
  return { laterWork, rolledBack };
}

function committedBefore(statement: MigrationStatement, later: MigrationStatement): string {
  return statement.transaction.kind === 'statement'
    ? `runs outside a transaction and is committed before line ${later.line} runs`
    : `is committed with its transaction before line ${later.line} runs`;
}

export default defineRule({
  meta: {
    id: 'migration-statement-not-retryable',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'A statement that fails when run again (CREATE without IF NOT EXISTS, DROP without IF EXISTS) is committed before later statements of its file: if they fail, the retry stops at it.',
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['fails-on-retry'],
  },
  check({ migration: model, report, text }) {
    const statements = model.statements;
    const { laterWork, rolledBack } = commits(statements);
    const droppedIndexes = new Set<string>();
    const droppedConstraints = new Set<string>();
    const workCount = statements.filter((statement) => !statement.as('TransactionStmt')).length;
    for (const [at, statement] of statements.entries()) {
      // A guarded drop earlier in the file makes the re-creation after it re-runnable.
      const drop = statement.as('DropStmt');
      if (drop?.removeType === 'OBJECT_INDEX' && drop.missing_ok)
        for (const object of drop.objects ?? [])
          droppedIndexes.add((nodeAs(object, 'List')?.items ?? []).map((item) => identifier(nodeAs(item, 'String')?.sval ?? '')).join('.'));
      const alter = statement.as('AlterTableStmt');
      const alterTable = relationName(alter?.relation);
      for (const node of alter?.cmds ?? []) {
        const cmd = nodeAs(node, 'AlterTableCmd');
        if (alterTable && cmd?.subtype === 'AT_DropConstraint' && cmd.missing_ok)
          droppedConstraints.add(`${alterTable.key}\u0000${cmd.name ?? ''}`);
      }

      const found: { problem: Problem; position?: number }[] = [];
      const whole = createProblem(statement, droppedIndexes, text) ?? dropProblem(statement);
      if (whole) found.push({ problem: whole });
      found.push(...alterProblems(statement, droppedConstraints));
      if (found.length === 0 || rolledBack[at]) continue;
      const later = laterWork[at];
      for (const { problem, position } of found) {
        if (!later && !problem.failsAlone) continue;
        // Alone in its file, it is what golang-migrate, dbmate and sqlx require of a concurrent build (they send a
        // file as one query); a DROP before it would break that, so its leftover is for the operator to drop.
        if (!later && workCount === 1) continue;
        const when = later
          ? `${problem.what} ${committedBefore(statement, later)}: if anything from there on fails, the file is left half applied and the retry ${problem.failure}.`
          : `If ${problem.what} fails, the retry ${problem.failure}.`;
        report(position === undefined ? statement.range() : statement.subcommandRange(position), `${when} Use ${problem.remedy}.`, {
          fixes: problem.fixes,
        });
      }
    }
  },
});
