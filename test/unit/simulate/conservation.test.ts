// Requests are neither lost nor invented, and nothing is counted as harm when nothing fails.

import * as assert from 'assert';
import { readFileSync } from 'fs';
import { EXAMPLE_PLAN, loadPlanText, simulatorFor } from './helpers';

describe('simulator conservation', () => {
  const example = async () => (await loadPlanText(EXAMPLE_PLAN, readFileSync(EXAMPLE_PLAN, 'utf8'))).simulator!;

  it('splits every step of traffic between the two versions, and the steps add up to the traffic model', () => {
    // A plan whose gates never trip, so the run covers all 27 hours of the example's stages.
    const simulator = simulatorFor({
      traffic: {
        requestsPerSecond: 1200,
        dimensions: { region: { 'eu-west': 0.4, 'us-east': 0.45, 'ap-south': 0.15 }, device: { web: 0.55, ios: 0.25, android: 0.2 } },
      },
      stages: [
        { name: 'internal', cohort: 'internal', weight: 100, duration: '1h' },
        { name: 'canary-1', weight: 1, duration: '2h' },
        { name: 'rollout-50', weight: 50, duration: '8h' },
        { name: 'full', weight: 100, duration: '16h' },
      ],
    });
    const result = simulator.run('healthy', 3);
    assert.strictEqual(result.outcome, 'completed');
    assert.strictEqual(result.timeline.length, 27 * 60);
    const perMinute = 1200 * 60;
    for (const step of result.timeline) assert.strictEqual(step.requests + step.baselineRequests, perMinute, `minute ${step.minute}`);
    assert.strictEqual(result.traffic.totalRequests, perMinute * 27 * 60);
    assert.strictEqual(result.traffic.newVersionRequests + result.traffic.currentVersionRequests, result.traffic.totalRequests);
    assert.strictEqual(
      result.stages.reduce((sum, stage) => sum + stage.requests, 0),
      result.traffic.newVersionRequests,
    );
  });

  it('keeps fractional traffic exact over a run: each segment rounds its running total', () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 0.37, dimensions: { region: { a: 0.3, b: 0.7 } } },
      stages: [{ name: 'half', weight: 50, duration: '7h' }],
    });
    const result = simulator.run('healthy', 1);
    const expected = Math.round(0.37 * 60 * 420 * 0.3) + Math.round(0.37 * 60 * 420 * 0.7);
    assert.strictEqual(result.traffic.totalRequests, expected);
  });

  it('reports a blast radius of zero when nothing fails', async () => {
    const result = (await example()).run('healthy', 5);
    const radius = result.blastRadius;
    assert.deepStrictEqual([radius.exposedRequests, radius.failedRequests, radius.users, radius.peakTrafficShare], [0, 0, 0, 0]);
    for (const segment of radius.bySegment)
      assert.deepStrictEqual(
        [segment.exposedRequests, segment.failedRequests, segment.users, segment.peakTrafficShare],
        [0, 0, 0, 0],
        segment.segment,
      );
    assert.ok(result.timeline.every((step) => step.failedRequests === 0 && !step.failureActive));
  });

  it('reports a blast radius of zero for a failure that would start after the rollout', () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 10 },
      stages: [{ name: 'full', weight: 100, duration: '1h' }],
      scenarios: { late: { kind: 'error-spike', errorRate: 0.5, startMinute: 90 } },
    });
    const result = simulator.run('late', 1);
    assert.strictEqual(result.blastRadius.exposedRequests, 0);
    assert.strictEqual(result.blastRadius.failedRequests, 0);
  });

  it('counts no failed requests for a dependency outage: the current version fails the same way', async () => {
    const summary = (await example()).runMany('dependency-outage', 1, 50);
    assert.strictEqual(summary.blastRadius.failedRequests.max, 0);
    assert.ok(summary.blastRadius.exposedRequests.p50 > 0);
  });

  it('never counts more failed requests than errors, nor more exposed requests than the new version served', async () => {
    const simulator = await example();
    for (const scenario of simulator.scenarios) {
      const result = simulator.run(scenario.name, 2);
      const errors = result.stages.reduce((sum, stage) => sum + stage.errors, 0);
      assert.ok(result.blastRadius.failedRequests <= errors, scenario.name);
      assert.ok(result.blastRadius.exposedRequests <= result.traffic.newVersionRequests, scenario.name);
      const bySegment = result.blastRadius.bySegment.reduce((sum, segment) => sum + segment.failedRequests, 0);
      assert.strictEqual(bySegment, result.blastRadius.failedRequests, scenario.name);
    }
  });
});
