// migration-detach-partition-not-concurrent: ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on an existing table.

import { DEFAULT_POSTGRES_VERSION } from '../config/config';
import { nodeAs, relationName } from '../sql/ast';
import { existingTableCommands, insertion } from './changes';
import { defineRule } from '../rule-kit/rule';

/** DETACH PARTITION ... CONCURRENTLY exists from this major version on. */
const CONCURRENT_SINCE = 14;

export default defineRule({
  meta: {
    id: 'migration-detach-partition-not-concurrent',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table, blocking all its reads and writes.',
    options: {
      postgresVersion: {
        default: DEFAULT_POSTGRES_VERSION,
        description:
          'The PostgreSQL major version the migrations run on (default: migrations.postgresVersion in .stagegate.yaml, else 15): below 14 there is no concurrent form to suggest.',
      },
    },
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock'],
  },
  check({ migration: model, option, report }) {
    const version = option('postgresVersion');
    for (const { statement, table, cmd, position } of existingTableCommands(model)) {
      if (cmd.subtype !== 'AT_DetachPartition') continue;
      const partition = nodeAs(cmd.def, 'PartitionCmd');
      if (partition?.concurrent) continue;
      const name = relationName(partition?.name)?.display ?? 'the partition';
      const range = statement.subcommandRange(position);
      const lock = `DETACH PARTITION ${name} takes an ACCESS EXCLUSIVE lock on ${table.display}, blocking every read and write of the whole partitioned table while it waits and runs.`;
      if (version < CONCURRENT_SINCE) {
        report(
          range,
          `${lock} PostgreSQL ${version} has no concurrent form (DETACH PARTITION ... CONCURRENTLY needs 14): run it in a quiet period with a short lock_timeout, or upgrade first.`,
          { effects: [{ table: table.key, lock: 8 }] },
        );
        continue;
      }
      // CONCURRENTLY cannot run inside a transaction block (PostgreSQL's grammar already allows no other subcommand).
      const fixable = statement.transaction.kind !== 'explicit';
      report(
        range,
        `${lock} Use DETACH PARTITION ${name} CONCURRENTLY (PostgreSQL 14 and later), which takes only a SHARE UPDATE EXCLUSIVE lock, outside a transaction.`,
        {
          effects: [{ table: table.key, lock: 8 }],
          fixes: fixable
            ? [
                {
                  title: 'Use CONCURRENTLY (run outside a transaction)',
                  edits: [insertion(range.end, ' CONCURRENTLY')],
                  safe: false,
                  preferred: true,
                },
              ]
            : undefined,
        },
      );
    }
  },
});
