// migration-statement-too-large: a statement above MAX_SQL_STATEMENT_BYTES is not parsed (src/engine/limits.ts).

import { MAX_SQL_STATEMENT_BYTES } from '../limits';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-statement-too-large',
    family: 'limits',
    defaultSeverity: 'warning',
    summary: 'A statement is larger than Stagegate parses, so it is not checked.',
    reads: ['sql-migration'],
    impact: [],
    roles: ['up', 'down', 'verify'],
  },
  check({ migration: model, report }) {
    for (const statement of model.statements) {
      if (statement.problem?.kind !== 'too-large') continue;
      const kib = Math.ceil(statement.problem.bytes / 1024);
      report(
        statement.rangeToLineEnd(0),
        `This statement is ${kib} KiB, more than the ${MAX_SQL_STATEMENT_BYTES / 1024} KiB Stagegate parses; it is not checked.`,
      );
    }
  },
});
