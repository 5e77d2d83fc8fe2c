// Built-in scenarios and their defaults relative to the baseline; the plan's own scenarios and their parameters.

import * as assert from 'assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers';
import { SCENARIO_DEFAULTS } from '../../../src/engine/simulate';
import { EXAMPLE_PLAN, loadPlanText, SIMULATE_FIXTURES, simulatorFor } from './helpers';

describe('simulator scenarios', () => {
  it("lists the eight built-in kinds for a plan with KPIs and dimensions, then the plan's own", async () => {
    const { simulator } = await loadPlanText(
      'regions.release.yaml',
      readFileSync(path.join(SIMULATE_FIXTURES, 'regions.release.yaml'), 'utf8'),
    );
    assert.deepStrictEqual(
      simulator!.scenarios.map((scenario) => `${scenario.name}:${scenario.source}`),
      [
        'healthy:built-in',
        'error-spike:built-in',
        'latency-regression:built-in',
        'kpi-drop:built-in',
        'segment-outage:built-in',
        'slow-burn:built-in',
        'dependency-outage:built-in',
        'dependency-degradation:built-in',
        'eu-ranker-errors:plan',
        'slow-ranker:plan',
      ],
    );
  });

  it('sets the built-ins relative to the baseline', async () => {
    const { simulator } = await loadPlanText(EXAMPLE_PLAN, readFileSync(EXAMPLE_PLAN, 'utf8'));
    const failure = (name: string) => simulator!.scenario(name)!.failure!;
    assert.strictEqual(simulator!.scenario('healthy')!.failure, null);
    assert.strictEqual(failure('error-spike').errorRate, 0.01, '5 × 0.2%');
    assert.strictEqual(failure('latency-regression').latencyMultiplier, SCENARIO_DEFAULTS.latencyMultiplier);
    assert.deepStrictEqual([failure('kpi-drop').kpi, failure('kpi-drop').kpiRate], ['payment-success', 0.97 * 0.95]);
    assert.deepStrictEqual(failure('segment-outage').segment, { region: 'ap-south' }, "the first dimension's smallest value");
    assert.deepStrictEqual([failure('slow-burn').errorRate, failure('slow-burn').errorRateGrowthPerHour], [0.002, 0.001]);
    const outage = failure('dependency-outage');
    assert.deepStrictEqual([outage.errorRate, outage.affectsCurrentVersion, outage.startMinute, outage.endMinute], [0.02, true, 0, 30]);
  });

  it('leaves out kpi-drop and segment-outage when the plan has no KPI or dimension', () => {
    const simulator = simulatorFor({ traffic: { requestsPerSecond: 10 }, stages: [{ name: 'full', weight: 100, duration: '1h' }] });
    assert.deepStrictEqual(
      simulator.scenarios.map((scenario) => scenario.name),
      ['healthy', 'error-spike', 'latency-regression', 'slow-burn', 'dependency-outage', 'dependency-degradation'],
    );
  });

  it('lets a plan replace a built-in by naming its scenario after it', () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 10 },
      stages: [{ name: 'full', weight: 100, duration: '1h' }],
      scenarios: { 'error-spike': { kind: 'error-spike', errorRate: 0.3 } },
    });
    assert.strictEqual(simulator.scenario('error-spike')!.source, 'plan');
    assert.strictEqual(simulator.scenario('error-spike')!.failure!.errorRate, 0.3);
    assert.strictEqual(simulator.scenarios.filter((scenario) => scenario.name === 'error-spike').length, 1);
  });

  it('restricts a failure to its segment and starts it at its minute', async () => {
    const { simulator } = await loadPlanText(
      'regions.release.yaml',
      readFileSync(path.join(SIMULATE_FIXTURES, 'regions.release.yaml'), 'utf8'),
    );
    const result = simulator!.run('eu-ranker-errors', 1);
    for (const segment of result.blastRadius.bySegment) {
      if (segment.values.region === 'eu-west') assert.ok(segment.exposedRequests > 0, segment.segment);
      else assert.deepStrictEqual([segment.exposedRequests, segment.failedRequests, segment.peakTrafficShare], [0, 0, 0], segment.segment);
    }
    assert.ok(result.timeline.filter((step) => step.minute < 45).every((step) => !step.failureActive && step.failedRequests === 0));
    assert.ok(result.timeline.filter((step) => step.minute >= 45).every((step) => step.failureActive));
    assert.strictEqual(result.evaluations.find((evaluation) => evaluation.verdict === 'fail')?.worst?.segment, 'region=eu-west');
    assert.strictEqual(result.description, 'The new ranker throws for EU queries with a comma in them.');
  });

  it('turns an absolute p95 into a multiplier of the baseline', async () => {
    const { simulator } = await loadPlanText(
      'regions.release.yaml',
      readFileSync(path.join(SIMULATE_FIXTURES, 'regions.release.yaml'), 'utf8'),
    );
    assert.strictEqual(simulator!.scenario('slow-ranker')!.failure!.latencyMultiplier, 320 / 250);
  });

  it("grows a slow burn's error rate with time", () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 50 },
      baseline: { errorRate: 0.001 },
      stages: [{ name: 'full', weight: 100, duration: '10h' }],
      scenarios: { burn: { kind: 'slow-burn', errorRateGrowthPerHour: 0.01 } },
    });
    const timeline = simulator.run('burn', 1).timeline;
    const errorsIn = (from: number, to: number) => timeline.slice(from, to).reduce((sum, step) => sum + step.errors, 0);
    const firstHour = errorsIn(0, 60);
    const lastHour = errorsIn(540, 600);
    // 180,000 requests an hour, failing 0.1% + 0.5% on average in the first hour and 0.1% + 9.5% in the last.
    assert.ok(firstHour > 950 && firstHour < 1210, `first hour ${firstHour}`);
    assert.ok(lastHour > 16900 && lastHour < 17700, `last hour ${lastHour}`);
  });

  it('degrades both versions in a dependency outage, so a relative gate holds and an absolute one trips', () => {
    const body = (gate: Record<string, unknown>) => ({
      traffic: { requestsPerSecond: 50 },
      baseline: { errorRate: 0.002 },
      stages: [{ name: 'canary', weight: 20, duration: '30m', interval: '30m', gates: [gate] }],
      rollback: { automatic: true },
    });
    const relative = simulatorFor(body({ metric: 'errorRate', maxIncrease: '50%' })).runMany('dependency-outage', 1, 200);
    const absolute = simulatorFor(body({ metric: 'errorRate', max: '1%' })).runMany('dependency-outage', 1, 200);
    assert.ok(relative.detectionRate < 0.05, `relative gate rolled back ${relative.detectionRate}`);
    assert.strictEqual(absolute.detectionRate, 1);
  });

  it('slows both versions in a dependency degradation: a relative latency gate holds, an absolute one rolls back', () => {
    const body = (gate: Record<string, unknown>) => ({
      traffic: { requestsPerSecond: 50 },
      baseline: { errorRate: 0.002, latencyP95Ms: 200 },
      stages: [{ name: 'canary', weight: 20, duration: '30m', interval: '10m', gates: [gate] }],
      rollback: { automatic: true },
    });
    const relative = simulatorFor(body({ metric: 'latencyP95Ms', maxIncrease: '20%' }));
    const absolute = simulatorFor(body({ metric: 'latencyP95Ms', max: 250 }));
    const failure = relative.scenario('dependency-degradation')!.failure!;
    assert.deepStrictEqual(
      [failure.latencyMultiplier, failure.affectsCurrentVersion, failure.startMinute, failure.endMinute],
      [SCENARIO_DEFAULTS.dependencyDegradationLatencyMultiplier, true, 0, 60],
    );
    const held = relative.runMany('dependency-degradation', 1, 200);
    const tripped = absolute.runMany('dependency-degradation', 1, 200);
    assert.strictEqual(held.newVersionAtFault, false);
    assert.ok((held.falseRollbackRate as number) < 0.05, `relative gate rolled back ${held.falseRollbackRate}`);
    assert.strictEqual(tripped.falseRollbackRate, 1, 'p95 300 ms against a 250 ms bound: a false rollback');
    // Healthy, neither gate trips: the degradation is what the absolute gate reacts to.
    assert.ok((absolute.runMany('healthy', 1, 200).falseRollbackRate as number) < 0.05);
  });

  it('dependency-degradation through the CLI: counted as false rollbacks of an absolute gate', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-degradation-'));
    const plan = (gate: string) =>
      [
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: slow-dependency, service: search, owner: team-search }',
        'traffic: { requestsPerSecond: 50 }',
        'baseline: { errorRate: 0.002, latencyP95Ms: 200 }',
        'rollback: { automatic: true }',
        'stages:',
        `  - { name: canary, weight: 20, duration: 30m, interval: 10m, gates: [${gate}] }`,
        '  - { name: full, weight: 100, duration: 1h }',
        '',
      ].join('\n');
    writeFileSync(path.join(folder, 'absolute.release.yaml'), plan('{ metric: latencyP95Ms, max: 250 }'));
    writeFileSync(path.join(folder, 'relative.release.yaml'), plan('{ metric: latencyP95Ms, maxIncrease: 20% }'));
    const rate = async (file: string) => {
      const result = await runCli(['simulate', file, '--scenario', 'dependency-degradation', '--runs', '100', '--format', 'json'], folder);
      assert.strictEqual(result.code, 0, result.stderr);
      const summary = JSON.parse(result.stdout) as { description: string; falseRollbackRate: number; newVersionAtFault: boolean };
      assert.strictEqual(summary.newVersionAtFault, false);
      assert.match(
        summary.description,
        /^A dependency fails: both versions are 1\.5× slower \(p95 300 ms, baseline 200 ms\), from minute 0 to minute 60\.$/,
      );
      return summary.falseRollbackRate;
    };
    assert.strictEqual(await rate('absolute.release.yaml'), 1);
    assert.ok((await rate('relative.release.yaml')) < 0.05);
  });
});
