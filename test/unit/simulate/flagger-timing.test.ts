// The simulator replays Flagger canaries on Flagger's own clock: steps as short as the interval (down to 10 s),
// promotion after interval × maxWeight / stepWeight, rollback after interval × threshold failed checks.
import * as assert from 'assert';
import * as path from 'path';
import { planStepMinutes } from '../../../src/engine/model/stage-traffic';
import { lines, runCli } from '../helpers';
import { loadPlanText, SIMULATE_FIXTURES } from './helpers';

const FOLDER = path.join(SIMULATE_FIXTURES, 'flagger-timing');

interface Canary {
  file: string;
  intervalMinutes: number;
  stepWeight: number;
  maxWeight: number;
  threshold: number;
}

const CANARIES: Canary[] = [
  { file: 'podinfo.canary.yaml', intervalMinutes: 0.5, stepWeight: 10, maxWeight: 50, threshold: 5 },
  { file: 'fast.canary.yaml', intervalMinutes: 1 / 6, stepWeight: 20, maxWeight: 60, threshold: 2 },
];

const SEEDS = [1, 2, 3, 4, 5];

async function simulate(file: string, scenario: string, seed: number) {
  const result = await runCli(['simulate', file, '--scenario', scenario, '--seed', String(seed), '--format', 'json'], FOLDER);
  assert.strictEqual(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as {
    stepMinutes: number;
    outcome: string;
    endMinute: number;
    detection: { minute: number } | null;
    stop: { restoredMinute: number } | null;
    stages: { name: string; start: number | null; end: number | null }[];
    evaluations: { minute: number }[];
  };
}

/** Minutes as the JSON writes them: rounded to 3 decimals. */
function close(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) < 1e-3, `${what}: ${actual}, expected ${expected}`);
}

describe('stagegate simulate on Flagger canaries keeps Flagger timing', () => {
  for (const canary of CANARIES) {
    const seconds = Math.round(canary.intervalMinutes * 60);
    it(`${canary.file}: ${seconds} s steps, a check every interval`, async () => {
      const run = await simulate(canary.file, 'healthy', 1);
      close(run.stepMinutes, canary.intervalMinutes, 'step');
      const checks = canary.maxWeight / canary.stepWeight;
      assert.strictEqual(run.evaluations.length, checks);
      run.evaluations.forEach((evaluation, index) => close(evaluation.minute, (index + 1) * canary.intervalMinutes, `check ${index + 1}`));
    });

    it(`${canary.file}: a healthy canary is promoted after interval × maxWeight / stepWeight`, async () => {
      const promotion = (canary.intervalMinutes * canary.maxWeight) / canary.stepWeight;
      for (const seed of SEEDS) {
        const run = await simulate(canary.file, 'healthy', seed);
        assert.strictEqual(run.outcome, 'completed', `seed ${seed}`);
        close(run.endMinute, promotion, `promotion, seed ${seed}`);
      }
    });

    it(`${canary.file}: a hard failure is rolled back after interval × threshold`, async () => {
      const rollback = canary.intervalMinutes * canary.threshold;
      for (const seed of SEEDS) {
        const run = await simulate(canary.file, 'error-spike', seed);
        assert.strictEqual(run.outcome, 'rolled-back', `seed ${seed}`);
        close(run.detection!.minute, canary.intervalMinutes, `first failed check, seed ${seed}`);
        close(run.stop!.restoredMinute, rollback, `rollback, seed ${seed}`);
      }
    });
  }

  it('text output: the promotion time of a 30 s loop is in half minutes, not whole ones', async () => {
    const result = await runCli(['simulate', 'podinfo.canary.yaml', '--scenario', 'healthy'], FOLDER);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.match(result.stdout, /it completed at minute 2\.5\./);
    assert.match(result.stdout, /weight 10% passed \(minute 0–0\.5\)/);
  });
});

describe('the time step follows the shortest gate interval', () => {
  it('is the intervals’ greatest common divisor from 10 s to 1 minute', () => {
    assert.strictEqual(planStepMinutes([5, 30, 60]), 1, 'whole minutes: minute steps, as before');
    assert.strictEqual(planStepMinutes([]), 1, 'no gates: minute steps');
    assert.strictEqual(planStepMinutes([0.5, 1]), 0.5);
    assert.strictEqual(planStepMinutes([1 / 6]), 1 / 6);
    assert.strictEqual(planStepMinutes([1.5]), 0.75, '90 s: the largest divisor up to a minute, 45 s');
    assert.strictEqual(planStepMinutes([25 / 60, 1]), 1 / 6, 'a 5 s divisor: 10 s, the shortest step');
  });

  it('names an interval that is not a whole number of the shortest steps', async () => {
    const { simulator } = await loadPlanText(
      'p.release.yaml',
      lines(
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: a, service: b, owner: c }',
        'traffic: { requestsPerSecond: 100 }',
        'baseline: { errorRate: 0.002, latencyP95Ms: 200 }',
        'stages:',
        '  - { name: fast, weight: 5, duration: 5m, interval: 25s, gates: [{ metric: errorRate, max: 2% }] }',
        '  - { name: slow, weight: 50, duration: 10m, interval: 1m, gates: [{ metric: errorRate, max: 2% }] }',
        '  - { name: full, weight: 100, duration: 10m }',
      ),
    );
    const run = simulator!.run('healthy', 1);
    close(run.stepMinutes, 1 / 6, 'step');
    assert.deepStrictEqual(
      run.notes.map((note) => `${note.line}:${note.column} ${note.message}`),
      ['7:54 Stage fast: the interval of 25 s is replayed as 30 s, 3 steps of 10 s (steps are at least 10 s).'],
    );
  });
});
