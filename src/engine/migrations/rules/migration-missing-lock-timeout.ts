// migration-missing-lock-timeout: a statement that blocks writes or reads runs with no lock_timeout in effect.

import { ruleOption } from '../../config/config';
import { insertion, type MigrationRule } from '../rule';
import { BLOCKS_WRITES, lockPhrase } from '../statement';

const ID = 'migration-missing-lock-timeout';

export const missingLockTimeout: MigrationRule = {
  meta: {
    id: ID,
    family: 'migration',
    defaultSeverity: 'info',
    summary: 'A statement takes a blocking lock with no lock_timeout, so it can queue all traffic behind a long query.',
    options: { timeout: { default: '2s', description: 'The lock_timeout the message and the quick fix suggest.' } },
  },
  impact: ['L'],
  check({ model, config, report }) {
    const timeout = ruleOption(config, ID, 'timeout', '2s');
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
};
