import * as assert from 'assert';
import { copyFileSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { FIXTURES } from './helpers';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe('stagegate simulate on Argo Rollouts and Flagger Canaries', () => {
  let folder: string;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-rollouts-'));
    for (const file of ['checkout.rollout.yaml', 'templates.yaml'])
      copyFileSync(path.join(FIXTURES, 'adapters', 'argo', file), path.join(folder, file));
    copyFileSync(path.join(FIXTURES, 'adapters', 'flagger', 'not-multiple.canary.yaml'), path.join(folder, 'not-multiple.canary.yaml'));
  });

  it('without traffic, says where to set it and exits 2', async () => {
    const result = await run(['simulate', 'not-multiple.canary.yaml'], folder);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /No traffic to simulate: set simulation\.traffic\.requestsPerSecond in \.stagegate\.yaml/);
  });

  it('with .stagegate.yaml, replays the Rollout with the templates beside it and states its assumptions', async () => {
    writeFileSync(
      path.join(folder, '.stagegate.yaml'),
      'simulation:\n  traffic: { requestsPerSecond: 300 }\n  baseline: { errorRate: 0.002, latencyP95Ms: 150 }\n',
    );
    const result = await run(['simulate', 'checkout.rollout.yaml', '--scenario', 'error-spike', '--format', 'json'], folder);
    assert.strictEqual(result.code, 0, result.stderr);
    const run1 = JSON.parse(result.stdout);
    assert.strictEqual(run1.scenario, 'error-spike');
    assert.ok(run1.stages.length >= 1);
    assert.match(run1.stages[0].name, /^steps\[\d+\]/, "stages come from the Rollout's steps");
    assert.match(result.stderr, /info {2}.*simulation-assumption/);
    const canary = await run(['simulate', 'not-multiple.canary.yaml', '--all-scenarios', '--runs', '20'], folder);
    assert.strictEqual(canary.code, 0, canary.stderr);
    assert.match(canary.stdout, /healthy/);
  });
});
