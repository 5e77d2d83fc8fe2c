// A Flagger Canary that cannot stop a bad version gets a warning through the CLI, as an Argo Rollout without
// analysis does.

import * as assert from 'assert';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { FIXTURES } from './helpers';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cwd = path.join(FIXTURES, 'adapters', 'flagger');
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe('stagegate check: a Flagger Canary without analysis', () => {
  it('skipAnalysis: true is a warning at its value', async () => {
    const result = await run(['check', 'skip-analysis.canary.yaml']);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^skip-analysis\.canary\.yaml:14:17 {2}warning {2}skipAnalysis is true: Flagger promotes this canary without running its metrics or webhooks, so nothing stops a bad version\..* {2}flagger-no-analysis$/m,
    );
  });

  it('an analysis with a load test and an approval but no metric is a warning at the analysis key; --max-warnings 0 fails it', async () => {
    const result = await run(['check', 'no-metrics.canary.yaml', '--format', 'json']);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.deepStrictEqual(
      JSON.parse(result.stdout).map((row: any) => `${row.file}:${row.line}:${row.column} ${row.ruleId} ${row.severity}`),
      ['no-metrics.canary.yaml:14:3 flagger-no-analysis warning'],
    );
    assert.strictEqual((await run(['check', 'no-metrics.canary.yaml', '--max-warnings', '0'])).code, 1);
  });
});
