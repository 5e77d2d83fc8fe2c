// When gates are evaluated and on what traffic, and what each rollback policy does to the new version's traffic.

import * as assert from 'assert';
import { HUMAN_REACTION_MINUTES } from '../../../src/engine/simulate';
import { simulatorFor } from './helpers';

/** A plan whose first evaluation trips for sure: the error-spike fails half the requests against a 1% bound. */
function tripping(rollback: Record<string, unknown>, stage: Record<string, unknown> = {}) {
  return simulatorFor({
    traffic: { requestsPerSecond: 20 },
    stages: [
      { name: 'canary', weight: 10, duration: '1h', interval: '10m', gates: [{ metric: 'errorRate', max: '1%' }], ...stage },
      { name: 'full', weight: 100, duration: '1h' },
    ],
    rollback,
    scenarios: { broken: { kind: 'error-spike', errorRate: 0.5 } },
  });
}

describe('gate evaluation windows', () => {
  it('evaluates every interval over the window since the previous evaluation', () => {
    const result = simulatorFor({
      traffic: { requestsPerSecond: 20 },
      stages: [{ name: 'canary', weight: 10, duration: '1h', interval: '20m', gates: [{ metric: 'errorRate', max: '50%' }] }],
    }).run('healthy', 1);
    assert.deepStrictEqual(
      result.evaluations.map((evaluation) => [evaluation.minute, evaluation.windowMinutes]),
      [
        [20, 20],
        [40, 20],
        [60, 20],
      ],
    );
    const perWindow = result.timeline.filter((step) => step.minute < 20).reduce((sum, step) => sum + step.requests, 0);
    assert.strictEqual(result.evaluations[0].all.samples, perWindow);
  });

  it('evaluates once, over the whole stage, when the interval equals the duration', () => {
    const result = simulatorFor({
      traffic: { requestsPerSecond: 20 },
      stages: [{ name: 'canary', weight: 10, duration: '45m', interval: '45m', gates: [{ metric: 'errorRate', max: '50%' }] }],
    }).run('healthy', 1);
    assert.deepStrictEqual(
      result.evaluations.map((evaluation) => [evaluation.minute, evaluation.windowMinutes]),
      [[45, 45]],
    );
    assert.strictEqual(result.evaluations[0].all.samples, result.stages[0].requests);
  });

  it('lengthens the last window when the duration is not a multiple of the interval', () => {
    const result = simulatorFor({
      traffic: { requestsPerSecond: 20 },
      stages: [{ name: 'canary', weight: 10, duration: '50m', interval: '15m', gates: [{ metric: 'errorRate', max: '50%' }] }],
    }).run('healthy', 1);
    assert.deepStrictEqual(
      result.evaluations.map((evaluation) => evaluation.windowMinutes),
      [15, 15, 20],
    );
  });

  it('judges each breakdown value on its own traffic and names the one that tripped', () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 50, dimensions: { region: { big: 0.95, small: 0.05 } } },
      stages: [
        {
          name: 'canary',
          weight: 20,
          duration: '30m',
          interval: '30m',
          breakdown: ['region'],
          gates: [{ metric: 'errorRate', maxIncrease: '100%' }],
        },
      ],
      baseline: { errorRate: 0.002 },
      scenarios: { small: { kind: 'segment-outage', segment: { region: 'small' }, errorRate: 0.02 } },
      rollback: { automatic: true },
    });
    const result = simulator.run('small', 1);
    assert.strictEqual(result.detection?.segment, 'region=small');
    const evaluation = result.evaluations[0];
    assert.strictEqual(evaluation.worst?.segment, 'region=small');
    // Diluted to about 0.29% over all traffic, which a +100% bound on 0.2% lets through.
    assert.strictEqual(evaluation.all.verdict, 'pass');
  });

  it('compares relative bounds with the current version measured over the same window', () => {
    const result = simulatorFor({
      traffic: { requestsPerSecond: 50 },
      baseline: { errorRate: 0.01 },
      stages: [{ name: 'canary', weight: 50, duration: '10m', interval: '10m', gates: [{ metric: 'errorRate', maxIncrease: '20%' }] }],
    }).run('healthy', 4);
    const evaluation = result.evaluations[0];
    assert.notStrictEqual(evaluation.all.baseline, 0.01, 'the reference is measured, not the plan value');
    assert.ok(Math.abs(evaluation.all.baseline! - 0.01) < 0.004);
    assert.ok(Math.abs(evaluation.all.upper! - evaluation.all.baseline! * 1.2) < 2e-6);
  });

  it('uses the plan baseline for a relative bound when no current-version traffic is left (100%)', () => {
    const result = simulatorFor({
      traffic: { requestsPerSecond: 50 },
      baseline: { errorRate: 0.01 },
      stages: [{ name: 'full', weight: 100, duration: '10m', interval: '10m', gates: [{ metric: 'errorRate', maxIncrease: '20%' }] }],
    }).run('healthy', 4);
    assert.strictEqual(result.evaluations[0].all.baseline, 0.01);
    assert.strictEqual(result.evaluations[0].all.upper, 0.012);
  });

  it('is inconclusive below minSamples, and the rollback policy decides what happens', () => {
    const body = (onInconclusive: string) => ({
      traffic: { requestsPerSecond: 1 },
      stages: [
        { name: 'canary', weight: 1, duration: '10m', interval: '10m', minSamples: 500, gates: [{ metric: 'errorRate', max: '5%' }] },
        { name: 'full', weight: 100, duration: '10m' },
      ],
      rollback: { automatic: true, onInconclusive },
    });
    const paused = simulatorFor(body('pause')).run('healthy', 1);
    assert.strictEqual(paused.outcome, 'paused');
    assert.strictEqual(paused.detection?.verdict, 'inconclusive');
    assert.strictEqual(paused.stop?.restoredMinute, 10 + HUMAN_REACTION_MINUTES + 2);
    assert.strictEqual(paused.stages[0].verdict, 'inconclusive');
    const continued = simulatorFor(body('continue')).run('healthy', 1);
    assert.strictEqual(continued.outcome, 'completed');
    assert.strictEqual(continued.detection, null);
    const rolledBack = simulatorFor(body('rollback')).run('healthy', 1);
    assert.deepStrictEqual([rolledBack.outcome, rolledBack.stop?.by, rolledBack.stop?.restoredMinute], ['rolled-back', 'automatic', 12]);
  });
});

describe('rollback', () => {
  it('keeps the new version on its traffic for rollback.delay, then drops it to 0', () => {
    const result = tripping({ automatic: true, action: 'rollback', delay: '3m' }).run('broken', 1);
    assert.deepStrictEqual([result.detection?.minute, result.stop?.restoredMinute, result.endMinute], [10, 13, 13]);
    const shares = result.timeline.map((step) => step.share);
    assert.deepStrictEqual(shares.slice(9), [0.1, 0.1, 0.1, 0.1]);
    assert.strictEqual(result.timeline.length, 13);
    assert.strictEqual(result.stages[1].verdict, 'not-reached');
  });

  it('disables flags faster: the default 30 s delay ends the failing traffic halfway through the next step', () => {
    const result = tripping({ automatic: true, action: 'disable-flags' }).run('broken', 1);
    assert.deepStrictEqual([result.stop?.action, result.stop?.restoredMinute], ['disable-flags', 10.5]);
    assert.strictEqual(result.timeline[10].share, 0.05);
    assert.strictEqual(result.timeline.length, 11);
  });

  it('holds the weight on pause until a human rolls back', () => {
    const result = tripping({ automatic: true, action: 'pause' }, { duration: '20m' }).run('broken', 1);
    assert.deepStrictEqual(
      [result.outcome, result.stop?.by, result.stop?.restoredMinute],
      ['paused', 'human', 10 + HUMAN_REACTION_MINUTES + 2],
    );
    assert.strictEqual(result.timeline.length, 42);
    assert.ok(
      result.timeline.slice(10).every((step) => step.share === 0.1 && step.stage === 0),
      'the stage does not advance past its 20 minutes while paused',
    );
  });

  it('waits for a human when rollback is not automatic', () => {
    const result = tripping({ automatic: false, delay: '1m' }).run('broken', 1);
    assert.deepStrictEqual(
      [result.outcome, result.stop?.by, result.stop?.restoredMinute],
      ['rolled-back', 'human', 10 + HUMAN_REACTION_MINUTES + 1],
    );
  });

  it('counts the failing requests served during the delay in the blast radius', () => {
    const quick = tripping({ automatic: true, delay: '1m' }).runMany('broken', 1, 30);
    const slow = tripping({ automatic: false, delay: '1m' }).runMany('broken', 1, 30);
    assert.ok(slow.blastRadius.failedRequests.p50 > 3 * quick.blastRadius.failedRequests.p50);
  });

  it('switches a blue-green plan from 0 to 100% after the internal stage, and back on rollback', () => {
    const result = simulatorFor({
      strategy: 'blue-green',
      traffic: { requestsPerSecond: 20, internalShare: 0.05 },
      stages: [
        { name: 'internal', cohort: 'internal', weight: 100, duration: '30m', interval: '30m' },
        { name: 'switch', weight: 100, duration: '1h', interval: '10m', gates: [{ metric: 'errorRate', max: '1%' }] },
      ],
      rollback: { automatic: true, delay: '2m' },
      scenarios: { broken: { kind: 'error-spike', errorRate: 0.2, startMinute: 30 } },
    }).run('broken', 1);
    assert.deepStrictEqual([...new Set(result.timeline.map((step) => step.share))], [0.05, 1]);
    assert.deepStrictEqual([result.detection?.stage, result.detection?.minute, result.stop?.restoredMinute], ['switch', 40, 42]);
    assert.strictEqual(result.blastRadius.peakTrafficShare, 1);
  });
});
