// Plans the simulator cannot replay give findings at their place in the file, never NaN or an exception;
// odd but valid plans give finite numbers everywhere.

import * as assert from 'assert';
import fc from 'fast-check';
import { readFileSync } from 'fs';
import * as path from 'path';
import { at } from '../helpers';
import { assertAllFinite, loadPlanText, SIMULATE_FIXTURES, simulatorFor } from './helpers';

async function findingsOf(file: string): Promise<string[]> {
  const text = readFileSync(path.join(SIMULATE_FIXTURES, file), 'utf8');
  const { simulator, findings } = await loadPlanText(file, text);
  assert.strictEqual(simulator, undefined);
  return findings.map((finding) => `${at(finding)} ${finding.message}`);
}

describe('plans the simulator cannot replay', () => {
  it('a plan without traffic is reported at the top of the document', async () => {
    assert.deepStrictEqual(await findingsOf('no-traffic.release.yaml'), [
      'plan-not-simulable@0:0-0:28 The simulator needs traffic.requestsPerSecond greater than 0.',
    ]);
  });

  it('shares that do not sum to 1 are reported at the dimension', async () => {
    assert.deepStrictEqual(await findingsOf('shares-not-one.release.yaml'), [
      'plan-not-simulable@9:4-9:10 The shares of dimension "region" sum to 0.8, not 1.',
    ]);
  });

  it('a zero duration is reported at the duration', async () => {
    assert.deepStrictEqual(await findingsOf('zero-duration.release.yaml'), [
      'plan-not-simulable@11:14-11:16 The stage needs a duration greater than 0 to be simulated.',
    ]);
  });

  it('a scenario restricted to a value the dimension lacks is reported at that value', async () => {
    assert.deepStrictEqual(await findingsOf('unknown-segment.release.yaml'), [
      'scenario-invalid@20:14-20:22 "ap-south" is not a value of dimension "region" (eu-west, us-east).',
    ]);
  });

  it('a YAML syntax error is reported as such, before any reading of the plan', async () => {
    const { simulator, findings } = await loadPlanText('broken.release.yaml', 'stages: [\n');
    assert.strictEqual(simulator, undefined);
    assert.ok(findings.length > 0 && findings.every((finding) => finding.ruleId === 'syntax-error'));
  });

  it('a plan too large to replay is reported with the limit it hit', async () => {
    const values = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`v${i}`, 0.05]));
    const { findings } = await loadPlanText(
      'huge.release.yaml',
      JSON.stringify({
        apiVersion: 'stagegate.dev/v1',
        kind: 'ReleasePlan',
        metadata: { name: 'x', service: 'x', owner: 'x' },
        traffic: { requestsPerSecond: 1, dimensions: { a: values, b: values, c: values } },
        stages: [{ name: 'full', weight: 100, duration: '1h' }],
      }),
    );
    assert.deepStrictEqual(
      findings.map((finding) => finding.ruleId),
      ['simulation-too-large'],
    );
    assert.match(findings[0].message, /8000 segments.*MAX_SEGMENTS/);
  });
});

describe('odd but valid plans', () => {
  it('give finite numbers everywhere: a 0% stage, a trickle of traffic, minSamples 0, rates of 0 and 1', () => {
    const simulator = simulatorFor({
      traffic: { requestsPerSecond: 0.001, requestsPerUser: 3 },
      baseline: { errorRate: 0, latencyP95Ms: 1, kpis: { always: 1, never: 0 } },
      stages: [
        {
          name: 'dark',
          weight: 0,
          duration: '10m',
          gates: [
            { metric: 'errorRate', maxIncrease: '10%' },
            { metric: 'latencyP95Ms', maxIncrease: '10%' },
          ],
        },
        {
          name: 'trickle',
          weight: 50,
          duration: '20m',
          minSamples: 0,
          gates: [
            { metric: 'kpi:always', minRatio: 0.9 },
            { metric: 'kpi:never', min: 0.5 },
          ],
        },
        { name: 'full', weight: 100, duration: '30s' },
      ],
      rollback: { onInconclusive: 'continue' },
    });
    for (const scenario of simulator.scenarios) {
      assertAllFinite(simulator.run(scenario.name, 1), scenario.name);
      assertAllFinite(simulator.runMany(scenario.name, 1, 5), scenario.name);
    }
  });

  it('give finite numbers and conserve traffic for any small plan (property, seed 5150)', () => {
    const stage = fc.record({
      weight: fc.integer({ min: 0, max: 100 }),
      duration: fc.integer({ min: 1, max: 90 }).map((minutes) => `${minutes}m`),
      interval: fc.integer({ min: 1, max: 60 }).map((minutes) => `${minutes}m`),
      minSamples: fc.integer({ min: 0, max: 2000 }),
      cohort: fc.constantFrom('all', 'internal'),
      breakdown: fc.constantFrom([], ['region']),
      gates: fc.array(
        fc.oneof(
          fc.record({ metric: fc.constant('errorRate'), maxIncrease: fc.double({ min: 0, max: 2, noNaN: true }) }),
          fc.record({ metric: fc.constant('errorRate'), max: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
          fc.record({ metric: fc.constant('latencyP95Ms'), maxIncrease: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.record({ metric: fc.constant('kpi:conversion'), minRatio: fc.double({ min: 0.5, max: 1, noNaN: true }) }),
        ),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(
        fc.record({
          requestsPerSecond: fc.double({ min: 0.01, max: 500, noNaN: true }),
          errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          stages: fc.array(stage, { minLength: 1, maxLength: 4 }),
          strategy: fc.constantFrom('canary', 'blue-green'),
          action: fc.constantFrom('rollback', 'pause', 'disable-flags'),
          automatic: fc.boolean(),
          onInconclusive: fc.constantFrom('continue', 'pause', 'rollback'),
          seed: fc.integer({ min: 0, max: 1_000_000 }),
        }),
        (input) => {
          const simulator = simulatorFor({
            strategy: input.strategy,
            traffic: { requestsPerSecond: input.requestsPerSecond, dimensions: { region: { a: 0.25, b: 0.75 } } },
            baseline: { errorRate: input.errorRate, kpis: { conversion: 0.3 } },
            stages: input.stages.map((entry, index) => ({ name: `s${index}`, ...entry })),
            rollback: { automatic: input.automatic, action: input.action, onInconclusive: input.onInconclusive },
          });
          for (const scenario of simulator.scenarios) {
            const result = simulator.run(scenario.name, input.seed);
            assertAllFinite(result, scenario.name);
            assert.strictEqual(result.traffic.newVersionRequests + result.traffic.currentVersionRequests, result.traffic.totalRequests);
            assert.ok(result.blastRadius.failedRequests <= result.blastRadius.exposedRequests);
            if (scenario.kind === 'healthy') assert.strictEqual(result.blastRadius.exposedRequests, 0);
          }
        },
      ),
      { seed: 5150, numRuns: 60 },
    );
  });
});
