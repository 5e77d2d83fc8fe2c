// migration-missing-lock-timeout: a statement that blocks writes or reads runs with no lock_timeout in effect.

import { insertion } from './changes';
import { BLOCKS_WRITES, lockPhrase } from '../sql/statement';
import { defineRule } from '../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'migration-missing-lock-timeout',
    family: 'migration',
    defaultSeverity: 'info',
    summary: 'A statement takes a blocking lock with no lock_timeout, so it can queue all traffic behind a long query.',
    options: { timeout: { default: '2s', description: 'The lock_timeout the message and the quick fix suggest.' } },
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock'],
  },
  check({ migration: model, option, report }) {
    const timeout = option('timeout');
    for (const statement of model.statements) {
      if (statement.lockTimeoutSet) continue;
      const strongest = statement.locks.reduce<(typeof statement.locks)[number] | undefined>(
        (best, lock) => (!best || lock.mode > best.mode ? lock : best),
        undefined,
      );
      if (!strongest || strongest.mode < BLOCKS_WRITES) continue;
      const range = statement.range();
      const set = statement.transaction.kind === 'statement' ? 'SET' : 'SET LOCAL';
      report(
        range,
        `This statement waits for ${lockPhrase(strongest.mode)} on ${strongest.table.display} with no lock_timeout: while a long query holds the table, it waits, and every query on ${strongest.table.display} queues behind it. Put ${set} lock_timeout = '${timeout}' before it and retry the migration on timeout.`,
        {
          effects: strongest.table.key.startsWith('index:') ? undefined : [{ table: strongest.table.key, lock: strongest.mode }],
          fixes: [
            {
              title: `Set lock_timeout to ${timeout} first`,
              edits: [insertion(range.start, `${set} lock_timeout = '${timeout}';\n`)],
              safe: false,
            },
          ],
        },
      );
    }
  },
});
