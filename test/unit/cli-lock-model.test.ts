// `stagegate check` on the locks the static model learnt from the trace oracle (test/unit/migrations/lock-oracle.test.ts):
// ATTACH PARTITION locks the table it attaches, REINDEX locks the table whose indexes it rebuilds.

import * as assert from 'assert';
import { FIXTURES, runCli } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

async function lockTimeoutRows(): Promise<string[]> {
  const { code, stdout } = await runCli(['check', 'lock-oracle', '--format', 'json'], FIXTURES);
  assert.strictEqual(code, 0);
  return (JSON.parse(stdout) as PlacedFinding[])
    .filter((row) => row.ruleId === 'migration-missing-lock-timeout')
    .map((row) => `${row.line}: ${/waits for (an? [A-Z ]+ lock on .+?) with no lock_timeout/.exec(row.message)?.[1] ?? row.message}`);
}

describe('stagegate check: locks on partitions and reindexed tables', () => {
  it('names the lock ATTACH PARTITION takes on the table attached and REINDEX takes on its table', async () => {
    assert.deepStrictEqual(await lockTimeoutRows(), [
      '2: an ACCESS EXCLUSIVE lock on measurements_2024',
      '3: an ACCESS EXCLUSIVE lock on measurements',
      '4: a SHARE lock on orders',
      '5: a SHARE lock on the table of index orders_customer_id_idx',
    ]);
  });
});
