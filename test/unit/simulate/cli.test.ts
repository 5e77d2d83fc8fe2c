// `stagegate simulate`: output shapes, formats, limits and exit codes.

import * as assert from 'assert';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runSimulate, type SimulateOptions } from '../../../src/cli/simulate-command';
import { UsageError } from '../../../src/cli/io';
import { REPO_ROOT } from '../helpers';
import { buildReportAssets } from './helpers';

const EXAMPLE = 'examples/checkout/checkout.release.yaml';

async function simulate(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return simulateWith({}, ...argv);
}

async function simulateWith(options: SimulateOptions, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runSimulate(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: REPO_ROOT }, options);
  return { code, stdout, stderr };
}

describe('stagegate simulate', () => {
  it('prints one run as JSON with the documented keys', async () => {
    const { code, stdout } = await simulate(EXAMPLE, '--scenario', 'error-spike', '--seed', '3', '--format', 'json');
    assert.strictEqual(code, 0);
    const result = JSON.parse(stdout);
    assert.deepStrictEqual(Object.keys(result), [
      'plan',
      'seed',
      'scenario',
      'kind',
      'newVersionAtFault',
      'description',
      'gated',
      'gates',
      'start',
      'stepMinutes',
      'outcome',
      'detection',
      'stop',
      'endMinute',
      'blastRadius',
      'traffic',
      'stages',
      'evaluations',
      'timeline',
      'notes',
    ]);
    assert.deepStrictEqual(Object.keys(result.detection), [
      'stage',
      'minute',
      'gate',
      'metric',
      'verdict',
      'observed',
      'threshold',
      'baseline',
      'segment',
      'samples',
    ]);
    assert.deepStrictEqual(Object.keys(result.blastRadius), [
      'exposedRequests',
      'failedRequests',
      'users',
      'peakTrafficShare',
      'bySegment',
    ]);
    assert.strictEqual(result.blastRadius.bySegment.length, 9);
    assert.deepStrictEqual(Object.keys(result.stages[0]).slice(0, 10), [
      'name',
      'weight',
      'cohort',
      'trafficShare',
      'plannedStart',
      'plannedEnd',
      'start',
      'end',
      'verdict',
      'requests',
    ]);
    assert.strictEqual(result.seed, 3);
    assert.strictEqual(result.outcome, 'rolled-back');
  });

  it('summarises --runs N over seeds seed, seed + 1, …', async () => {
    const { code, stdout } = await simulate(EXAMPLE, '--scenario', 'healthy', '--runs', '40', '--seed', '10', '--format', 'json');
    assert.strictEqual(code, 0);
    const summary = JSON.parse(stdout);
    assert.deepStrictEqual(Object.keys(summary), [
      'plan',
      'runs',
      'seed',
      'scenario',
      'kind',
      'newVersionAtFault',
      'description',
      'gated',
      'gates',
      'start',
      'detectionRate',
      'detectionByStage',
      'detectionByMetric',
      'falseRollbackRate',
      'outcomes',
      'meanDetectionMinute',
      'blastRadius',
      'notes',
    ]);
    assert.deepStrictEqual(Object.keys(summary.detectionByStage), ['internal', 'canary-1', 'canary-10', 'rollout-50', 'full']);
    assert.deepStrictEqual(Object.keys(summary.blastRadius.failedRequests), ['p50', 'p95', 'max', 'mean']);
    assert.strictEqual(summary.runs, 40);
    assert.strictEqual(summary.falseRollbackRate, summary.detectionRate);
  });

  it('prints the scenario matrix with --all-scenarios', async () => {
    const { code, stdout } = await simulate(EXAMPLE, '--all-scenarios', '--runs', '20', '--format', 'json');
    assert.strictEqual(code, 0);
    const matrix = JSON.parse(stdout);
    assert.deepStrictEqual(
      matrix.scenarios.map((summary: { scenario: string }) => summary.scenario),
      [
        'healthy',
        'error-spike',
        'latency-regression',
        'kpi-drop',
        'segment-outage',
        'slow-burn',
        'dependency-outage',
        'dependency-degradation',
      ],
    );
    // A stop is a false rollback where the new version is not at fault: healthy, and a dependency failing for both.
    for (const summary of matrix.scenarios as Record<string, unknown>[]) {
      const atFault = !['healthy', 'dependency-outage', 'dependency-degradation'].includes(summary.scenario as string);
      assert.strictEqual(summary.newVersionAtFault, atFault, summary.scenario as string);
      assert.strictEqual('falseRollbackRate' in summary, !atFault, summary.scenario as string);
    }
  });

  it('the text matrix counts stops of a scenario the new version is not at fault for as false rollbacks', async () => {
    const { stdout } = await simulate(EXAMPLE, '--all-scenarios', '--runs', '20');
    const rows = stdout.split('\n').map((line) => line.split(/ {2,}/));
    assert.deepStrictEqual(rows[2].slice(0, 3), ['scenario', 'caught', 'false rollbacks']);
    assert.deepStrictEqual(rows.find((cells) => cells[0] === 'dependency-outage')?.slice(1, 3), ['-', '100%']);
    assert.deepStrictEqual(rows.find((cells) => cells[0] === 'error-spike')?.slice(1, 3), ['100%', '-']);
  });

  it('says in one line of text what was caught, where, and at what cost', async () => {
    const { code, stdout } = await simulate(EXAMPLE, '--scenario', 'segment-outage', '--seed', '1');
    assert.strictEqual(code, 0);
    assert.match(
      stdout.split('\n')[1],
      /^segment-outage caught in internal at minute 30 by errorRate ≤ 1%; [\d,]+ requests failed before traffic was restored \(rolled back; traffic restored at minute 32\)\.$/,
    );
  });

  it('refuses more runs than MAX_SIMULATION_RUNS with a clear message', async () => {
    await assert.rejects(
      simulate(EXAMPLE, '--runs', '100001'),
      (error: Error) =>
        error instanceof UsageError && /--runs 100001 is above the limit of 100,000 runs \(MAX_SIMULATION_RUNS\)/.test(error.message),
    );
  });

  it('refuses a scenario the plan does not have, listing those it has', async () => {
    await assert.rejects(
      simulate(EXAMPLE, '--scenario', 'meteor'),
      (error: Error) => error instanceof UsageError && /unknown scenario "meteor"; this plan has: healthy, error-spike/.test(error.message),
    );
    await assert.rejects(simulate('test/fixtures/simulate/zero-duration.release.yaml', '--seed', 'x'), UsageError);
  });

  it('prints findings with file:line:col and exits 2 for a plan it cannot replay', async () => {
    const { code, stdout, stderr } = await simulate('test/fixtures/simulate/shares-not-one.release.yaml');
    assert.strictEqual(code, 2);
    assert.strictEqual(stdout, '');
    assert.match(
      stderr,
      /^test\/fixtures\/simulate\/shares-not-one\.release\.yaml:10:5 {2}error {2}The shares of dimension "region" sum to 0\.8, not 1\. {2}plan-not-simulable$/m,
    );
    assert.doesNotMatch(stderr, /NaN|Infinity/);
  });

  it('writes --out to a file, creating its folder', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stagegate-simulate-'));
    try {
      const target = path.join(folder, 'nested', 'run.json');
      const { code, stdout, stderr } = await simulate(EXAMPLE, '--format', 'json', '--out', target);
      assert.strictEqual(code, 0);
      assert.strictEqual(stdout, '');
      assert.match(stderr, /wrote .*run\.json/);
      assert.strictEqual(JSON.parse(readFileSync(target, 'utf8')).scenario, 'error-spike');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('writes one self-contained HTML file with the run, the summary and the matrix embedded', async () => {
    const assets = buildReportAssets();
    const { code, stdout } = await simulateWith(
      { reportAssets: () => assets },
      EXAMPLE,
      '--format',
      'html',
      '--scenario',
      'slow-burn',
      '--runs',
      '30',
    );
    assert.strictEqual(code, 0);
    assert.match(stdout, /^<!doctype html>/);
    assert.match(stdout, /Content-Security-Policy" content="default-src 'none'/);
    const data = JSON.parse(/<script type="application\/json" id="stagegate-report-data">([^<]*)<\/script>/.exec(stdout)![1]);
    assert.deepStrictEqual(
      [data.run.scenario, data.summary.runs, data.matrix.runs, data.matrix.scenarios.length],
      ['slow-burn', 30, 30, 8],
    );
    assert.ok(stdout.includes(assets.chartJs.slice(0, 200)), 'chart.js is inlined');
  });

  it("exits 2 with a message when the HTML report's scripts were not built", async () => {
    const { code, stderr } = await simulateWith(
      { reportAssets: () => 'the HTML report needs report-charts.js; run `npm run build`.' },
      EXAMPLE,
      '--format',
      'html',
    );
    assert.strictEqual(code, 2);
    assert.match(stderr, /npm run build/);
  });
});
