// The backtest's carving and judging on hand-made series: counts laid onto the plan's segments, the canary's
// slice split from them, and the starts a known bad window stops (a one-region outage that the service-wide rate
// hides is caught only with `breakdown: [region]`).

import * as assert from 'assert';
import { backtest, carve, countsBySegment, type RecordedCounts } from '../../../src/engine/backtest/replay';
import type { Series } from '../../../src/engine/calibrate/fit';
import { readPlan } from '../../../src/engine/model/plan';
import { compilePlan, type CompiledPlan } from '../../../src/engine/simulate/compile';
import { createWindow } from '../../../src/engine/simulate/gates';
import { createRandom } from '../../../src/engine/simulate/random';

const W = 600;
const FROM = 1_762_128_000; // 2025-11-03T00:00Z
const WINDOWS = 12;
const BAD = 5;

function compiled(stage: Record<string, unknown>, rollback: Record<string, unknown> = { automatic: true }): CompiledPlan {
  const { plan, problems } = readPlan({
    apiVersion: 'stagegate.dev/v1',
    kind: 'ReleasePlan',
    metadata: { name: 'test-plan', service: 'test', owner: 'team-test' },
    traffic: { requestsPerSecond: 200, dimensions: { region: { 'eu-west': 0.5, 'us-east': 0.5 } } },
    baseline: { errorRate: 0.01 },
    stages: [{ name: 'canary', weight: 10, duration: '20m', interval: '10m', minSamples: 50, ...stage }],
    rollback,
  });
  assert.deepStrictEqual(problems, []);
  const { compiled: result } = compilePlan(plan!, { stepMinutes: W / 60 });
  return result!;
}

/** One series of per-second rates, a point at the end of each window; `rate(i)` undefined leaves a gap. */
function series(labels: Record<string, string>, rate: (window: number) => number | undefined): Series {
  const points: [number, number][] = [];
  for (let i = 0; i < WINDOWS; i++) {
    const value = rate(i);
    if (value !== undefined) points.push([FROM + (i + 1) * W, value]);
  }
  return { labels, points };
}

/** 100 requests per second in each region; 1% fail, but in window BAD 7% of eu-west's and 0.5% of us-east's do. */
function outage(plan: CompiledPlan): RecordedCounts {
  const requests = [series({ region: 'eu-west' }, () => 100), series({ region: 'us-east' }, () => 100)];
  const errors = [series({ region: 'eu-west' }, (i) => (i === BAD ? 7 : 1)), series({ region: 'us-east' }, (i) => (i === BAD ? 0.5 : 1))];
  return countsBySegment(plan, requests, errors, FROM, WINDOWS, W);
}

// Judging only: the incident rule (tested in incidents.test.ts) would find the bad window and excuse its stops.
const options = { firstStart: FROM, lastStart: FROM + (WINDOWS - 2) * W, everySeconds: W, seed: 7, incidentRule: null };
const iso = (window: number) => new Date((FROM + window * W) * 1000).toISOString().replace('.000Z', 'Z');

describe('backtest: carving recorded counts', () => {
  it('lays each series on the segments its labels name, a service-wide one by shares, and names what it cannot place', () => {
    const plan = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] });
    const recorded = countsBySegment(
      plan,
      [series({ region: 'eu-west' }, () => 10), series({ region: 'ap-south' }, () => 99), series({}, (i) => (i === 3 ? undefined : 2))],
      [series({}, (i) => (i === 3 ? undefined : 1))],
      FROM,
      WINDOWS,
      W,
    );
    const eu = plan.segments.find((segment) => segment.values.region === 'eu-west')!.index;
    const us = plan.segments.find((segment) => segment.values.region === 'us-east')!.index;
    // eu-west: its own 10/s plus half of the service-wide 2/s, over 600 s; us-east: the other half.
    assert.strictEqual(recorded.requests[eu][0], 6600);
    assert.strictEqual(recorded.requests[us][0], 600);
    assert.strictEqual(recorded.errors[eu][0], 300);
    assert.strictEqual(recorded.requests[us][3], 0);
    assert.deepStrictEqual(recorded.notes, [
      'requests: the series region=ap-south matches no value of traffic.dimensions; its traffic is left out.',
    ]);
  });

  it('splits a window between the versions: the two slices add up to the recorded counts', () => {
    const plan = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] });
    const recorded = outage(plan);
    const window = createWindow(plan.segments.length, 0, 1);
    const random = createRandom(1);
    for (const share of [0, 0.1, 1]) {
      carve(recorded, BAD, BAD + 1, share, window, random);
      for (const segment of plan.segments) {
        const s = segment.index;
        assert.strictEqual(window.canaryRequests[s] + window.baselineRequests[s], recorded.requests[s][BAD]);
        assert.strictEqual(window.canaryErrors[s] + window.baselineErrors[s], Math.round(recorded.errors[s][BAD]));
        if (share === 0) assert.strictEqual(window.canaryRequests[s], 0);
        if (share === 1) assert.strictEqual(window.baselineRequests[s], 0);
      }
    }
    // At 10%, 6,000 requests a region: the canary's share within 5 SE (SE 0.39 percentage points).
    carve(recorded, BAD, BAD + 1, 0.1, window, random);
    const canary = window.canaryRequests[0] + window.canaryRequests[1];
    assert.ok(Math.abs(canary / 120_000 - 0.1) < 5 * Math.sqrt((0.1 * 0.9) / 120_000), `canary ${canary}`);
  });
});

describe('backtest: judging the starts', () => {
  it('stops the starts whose windows hold the one-region outage, with breakdown: [region]', () => {
    const plan = compiled({ breakdown: ['region'], gates: [{ metric: 'errorRate', max: '5%' }] });
    const result = backtest(plan, outage(plan), options);
    assert.strictEqual(result.replays, 11);
    assert.deepStrictEqual(
      result.trips.map((trip) => [trip.start, trip.segment, trip.verdict, trip.from, trip.to]),
      [
        [iso(BAD - 1), 'region=eu-west', 'fail', iso(BAD), iso(BAD + 1)],
        [iso(BAD), 'region=eu-west', 'fail', iso(BAD), iso(BAD + 1)],
      ],
    );
    assert.strictEqual(result.falseRollbackRate, Math.round((2 / 11) * 1e6) / 1e6);
    assert.deepStrictEqual(result.byGate, [{ stage: 'canary', gate: 'errorRate ≤ 5%', trips: 2, rate: result.falseRollbackRate }]);
  });

  it('with the outage given as an incident, the canary stops in it are not false, and a canary carrying it is caught', () => {
    const incidents = [{ from: FROM + BAD * W, to: FROM + (BAD + 1) * W }];
    const split = compiled({ breakdown: ['region'], gates: [{ metric: 'errorRate', max: '5%' }] });
    const result = backtest(split, outage(split), { ...options, incidents });
    assert.strictEqual(result.falseRollbackRate, 0);
    assert.deepStrictEqual(result.byGate[0].trips, 0);
    assert.strictEqual(result.trips.length, 2);
    const [incident] = result.incidents;
    assert.deepStrictEqual(
      [incident.caught, incident.stage, incident.gate, incident.segment, incident.minute],
      [true, 'canary', 'errorRate ≤ 5%', 'region=eu-west', 10],
    );
    // About 10% of the window's 4,500 errors, and 10% of the 1,200 of the window before it: well under 1,000.
    assert.ok(incident.failedRequests > 300 && incident.failedRequests < 1000, `${incident.failedRequests}`);
    const whole = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] });
    const missed = backtest(whole, outage(whole), { ...options, incidents }).incidents[0];
    assert.deepStrictEqual([missed.caught, missed.stage, missed.minute], [false, null, null]);
  });

  it('misses it without the breakdown: all traffic fails at 3.75%, under the bound', () => {
    const plan = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] });
    const result = backtest(plan, outage(plan), options);
    assert.deepStrictEqual(result.trips, []);
    assert.strictEqual(result.falseRollbackRate, 0);
  });

  it('judges a relative bound against the rest of the traffic, which failed alike', () => {
    const plan = compiled({ breakdown: ['region'], gates: [{ metric: 'errorRate', maxIncrease: '50%' }] });
    assert.deepStrictEqual(backtest(plan, outage(plan), options).trips, []);
  });

  it('is the same for the same seed, and a start is judged the same whatever the range around it', () => {
    const plan = compiled({ breakdown: ['region'], gates: [{ metric: 'errorRate', max: '5%' }] });
    const recorded = outage(plan);
    const whole = backtest(plan, recorded, options);
    assert.deepStrictEqual(backtest(plan, recorded, options), whole);
    const one = backtest(plan, recorded, { ...options, firstStart: FROM + BAD * W, lastStart: FROM + BAD * W });
    assert.strictEqual(one.replays, 1);
    assert.deepStrictEqual(one.trips, [whole.trips[1]]);
  });

  it('stops on a window without traffic unless rollback.onInconclusive is continue', () => {
    const requests = (i: number) => (i === BAD ? undefined : 100);
    const data = (plan: CompiledPlan) =>
      countsBySegment(plan, [series({}, requests)], [series({}, (i) => (i === BAD ? undefined : 1))], FROM, WINDOWS, W);
    const pausing = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] });
    const paused = backtest(pausing, data(pausing), options);
    assert.deepStrictEqual(
      paused.trips.map((trip) => [trip.start, trip.verdict, trip.samples]),
      [
        [iso(BAD - 1), 'inconclusive', 0],
        [iso(BAD), 'inconclusive', 0],
      ],
    );
    assert.match(paused.notes.join('\n'), /1 of 12 recorded windows hold no requests/);
    const continuing = compiled({ gates: [{ metric: 'errorRate', max: '5%' }] }, { automatic: true, onInconclusive: 'continue' });
    assert.deepStrictEqual(backtest(continuing, data(continuing), options).trips, []);
  });

  it('judges latency gates on the recorded p95: a slow window trips the absolute bound, not the relative one', () => {
    // 200 ms, but 600 ms in window BAD in eu-west only; 6,000 canary requests a window sample the p95 within about 2%.
    const latency = [series({ region: 'eu-west' }, (i) => (i === BAD ? 600 : 200)), series({ region: 'us-east' }, () => 200)];
    const data = (plan: CompiledPlan) => countsBySegment(plan, [series({}, () => 200)], [series({}, () => 2)], FROM, WINDOWS, W, latency);
    const absolute = compiled({ breakdown: ['region'], gates: [{ metric: 'latencyP95Ms', max: 300 }] });
    assert.deepStrictEqual(
      backtest(absolute, data(absolute), options).trips.map((trip) => [trip.start, trip.gate, trip.segment]),
      [
        // All traffic's p95 is the request-weighted mean of its segments' (400 ms here), so it fails first.
        [iso(BAD - 1), 'latencyP95Ms ≤ 300 ms', 'all'],
        [iso(BAD), 'latencyP95Ms ≤ 300 ms', 'all'],
      ],
    );
    const relative = compiled({ breakdown: ['region'], gates: [{ metric: 'latencyP95Ms', maxIncrease: '20%' }] });
    assert.deepStrictEqual(backtest(relative, data(relative), options).trips, []);
    // No p95 recorded for the window: inconclusive, not passed.
    const gap = [series({}, (i) => (i === BAD ? undefined : 200))];
    const paused = backtest(
      absolute,
      countsBySegment(absolute, [series({}, () => 200)], [series({}, () => 2)], FROM, WINDOWS, W, gap),
      options,
    );
    assert.deepStrictEqual(
      paused.trips.map((trip) => [trip.start, trip.verdict]),
      [
        [iso(BAD - 1), 'inconclusive'],
        [iso(BAD), 'inconclusive'],
      ],
    );
  });

  it('says when a stage interval is not whole recorded windows', () => {
    const plan = compiled({ duration: '20m', interval: '15m', gates: [{ metric: 'errorRate', max: '5%' }] });
    assert.deepStrictEqual(backtest(plan, outage(plan), options).notes, [
      'Stage canary: the interval of 15m is replayed as 20m, whole 10m windows (--window).',
    ]);
  });

  it('says which gates it does not replay, and which starts run past the history', () => {
    const plan = compiled({
      gates: [
        { metric: 'errorRate', max: '5%' },
        { metric: 'latencyP95Ms', max: 300 },
      ],
    });
    const result = backtest(plan, outage(plan), { ...options, lastStart: FROM + WINDOWS * W });
    assert.strictEqual(result.replays, 11);
    assert.deepStrictEqual(result.notes, [
      'Stage canary: gate latencyP95Ms ≤ 300 ms is not replayed (metrics.queries.latencyP95Ms is missing).',
      '2 starts left out: the rollout would run past the recorded history.',
    ]);
  });
});
