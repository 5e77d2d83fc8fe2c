// migration-syntax-error: a statement PostgreSQL cannot parse; reported at the token it stopped at.

import type { Range } from '../finding';
import type { MigrationStatement } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

const MAX_MESSAGE_CHARS = 200;

/** The token at the parser's error position; the rest of that line when the text does not even lex. */
function errorRange(statement: MigrationStatement, byteOffset: number | undefined): Range {
  if (byteOffset === undefined) return statement.range();
  const tokens = statement.tokens();
  if (tokens && tokens.length > 0) {
    const token = tokens.find((t) => t.end > byteOffset) ?? tokens[tokens.length - 1]; // "at end of input": the last token
    return statement.rangeOfBytes(token.start, token.end);
  }
  return statement.rangeToLineEnd(byteOffset);
}

export default defineRule({
  meta: {
    id: 'migration-syntax-error',
    family: 'syntax',
    defaultSeverity: 'error',
    summary: 'A statement is not valid PostgreSQL; it is not checked, the statements after it still are.',
    reads: ['sql-migration'],
    impact: [],
    roles: ['up', 'down', 'verify'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      if (statement.problem?.kind !== 'syntax') continue;
      const reason =
        statement.problem.message.length > MAX_MESSAGE_CHARS
          ? `${statement.problem.message.slice(0, MAX_MESSAGE_CHARS)}…`
          : statement.problem.message;
      report(
        errorRange(statement, statement.problem.byteOffset),
        `PostgreSQL cannot parse this statement (${reason}), so the migration fails here. It is not checked; the statements after it still are.`,
      );
    }
  },
});
