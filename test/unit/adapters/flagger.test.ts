import * as assert from 'assert';
import { flaggerCanaryToPlan } from '../../../src/engine/adapters/flagger/flagger-to-plan';
import { adapterSettings } from '../../../src/engine/adapters/settings';
import { canaryWeights } from '../../../src/engine/adapters/flagger/canary-view';
import { documentKind, recognise } from '../../../src/engine/formats/recognise';
import { at, checkOne, lines } from '../helpers';
import { checkFolder, configFrom, fixtureFiles, plansOf, problemAt } from './helpers';

const TRAFFIC = 'simulation:\n  traffic: { requestsPerSecond: 200 }\n  baseline: { errorRate: 0.002, latencyP95Ms: 180 }\n';

describe('Flagger', () => {
  it('recognises Canary, MetricTemplate and AlertProvider resources of flagger.app, and nothing else of it', () => {
    assert.strictEqual(recognise('c.yaml', lines('apiVersion: flagger.app/v1beta1', 'kind: Canary')), 'yaml');
    assert.strictEqual(recognise('t.yaml', lines('apiVersion: flagger.app/v1beta1', 'kind: MetricTemplate')), 'yaml');
    assert.strictEqual(recognise('p.yaml', lines('kind: AlertProvider', 'apiVersion: flagger.app/v1beta1')), 'yaml');
    assert.strictEqual(recognise('m.yaml', lines('apiVersion: monitoring.coreos.com/v1', 'kind: MetricTemplate')), undefined);
    assert.strictEqual(documentKind({ apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate' }, 'x.yaml'), 'flagger-metric-template');
    assert.strictEqual(documentKind({ apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider' }, 'x.yaml'), 'flagger-alert-provider');
    assert.strictEqual(documentKind({ apiVersion: 'flagger.app/v1beta1', kind: 'Other' }, 'x.yaml'), undefined);
  });

  describe('lint', () => {
    it('flagger-step-above-max at stepWeight, flagger-max-not-multiple at maxWeight', async () => {
      const findings = await checkFolder('flagger');
      assert.deepStrictEqual(
        findings['flagger/step-above-max.canary.yaml'].map((finding) => `${at(finding)} ${finding.severity}`),
        ['flagger-step-above-max@10:16-10:18 error'],
      );
      assert.deepStrictEqual(
        findings['flagger/not-multiple.canary.yaml'].map((finding) => `${at(finding)} ${finding.severity}`),
        ['flagger-max-not-multiple@9:15-9:17 warning'],
      );
      assert.match(
        findings['flagger/not-multiple.canary.yaml'][0].message,
        /it goes 15, 30, 45, 60% and analyses the canary at 60% before promoting\. Use a maxWeight of 45 or 60\./,
      );
    });

    it('flagger-step-weights-not-increasing at each weight below or equal to the one before', async () => {
      assert.deepStrictEqual((await checkFolder('flagger'))['flagger/step-weights.canary.yaml'].map(at), [
        'flagger-step-weights-not-increasing@9:28-9:30',
      ]);
      const text = lines(
        'apiVersion: flagger.app/v1beta1',
        'kind: Canary',
        'metadata: { name: c }',
        'spec:',
        '  analysis:',
        '    stepWeights: [5, 10, 10, 20]',
        '    metrics: [{ name: request-success-rate, thresholdRange: { min: 99 } }]',
      );
      const findings = await checkOne('c.yaml', text);
      assert.deepStrictEqual(findings.map(at), ['flagger-step-weights-not-increasing@5:25-5:27']);
      assert.match(findings[0].message, /repeats 10: .* never promoted/);
    });

    it('flagger-metric-unknown at the metric name, with a did-you-mean; templateRef and built-in metrics are fine', async () => {
      const findings = (await checkFolder('flagger'))['flagger/metrics.canary.yaml'];
      assert.deepStrictEqual(findings.map(at), ['flagger-metric-unknown@17:14-17:33']);
      assert.match(findings[0].message, /Did you mean "request-success-rate"\?/);
    });

    it('flagger-rollback-slow: threshold × interval above 10 minutes, at threshold; the limit is an option', async () => {
      const findings = (await checkFolder('flagger'))['flagger/slow-rollback.canary.yaml'];
      assert.deepStrictEqual(findings.map(at), ['flagger-rollback-slow@8:15-8:16']);
      assert.match(findings[0].message, /keeps its traffic for 20m before Flagger rolls back \(threshold 4 × interval 5m\), more than 10m/);
      const relaxed = await checkFolder('flagger', configFrom('rules:\n  flagger-rollback-slow: { options: { maxMinutes: 30 } }\n'));
      assert.deepStrictEqual(relaxed['flagger/slow-rollback.canary.yaml'], []);
    });
  });

  describe('weights', () => {
    it('linear: stepWeight added until maxWeight is reached or passed, capped at 100', () => {
      assert.deepStrictEqual(canaryWeights({ stepWeight: 10, maxWeight: 30 }).weights, [10, 20, 30]);
      assert.deepStrictEqual(canaryWeights({ stepWeight: 15, maxWeight: 50 }).weights, [15, 30, 45, 60]);
      assert.deepStrictEqual(canaryWeights({ stepWeight: 40 }).weights, [40, 80, 100]);
    });

    it("explicit stepWeights, ignored when stepWeight is set (Flagger's precedence), which then runs to the last of them", () => {
      assert.deepStrictEqual(canaryWeights({ stepWeights: [1, 5, 20, 50] }), { weights: [1, 5, 20, 50], kind: 'explicit' });
      assert.deepStrictEqual(canaryWeights({ stepWeight: 20, stepWeights: [1, 50] }), { weights: [20, 40, 60], kind: 'linear' });
      assert.deepStrictEqual(canaryWeights({}), { weights: [], kind: 'none' });
    });
  });

  describe('conversion to a ReleasePlan', () => {
    it('one stage per weight, one interval each; built-in metrics as gates; the threshold-th failed check rolls back, (threshold − 1) × interval after the first', async () => {
      const [{ plan, problems }] = await plansOf(
        fixtureFiles('flagger'),
        'flagger/metrics.canary.yaml',
        configFrom(`${TRAFFIC}  metrics:\n    error-budget: { metric: errorRate, scale: 0.01 }\n`),
      );
      assert.ok(plan);
      assert.deepStrictEqual(
        plan.stages.map((stage) => [stage.name, stage.weight, stage.durationMinutes, stage.intervalMinutes, stage.minSamples]),
        [
          ['weight 10%', 0.1, 2, 2, 1],
          ['weight 20%', 0.2, 2, 2, 1],
          ['weight 30%', 0.3, 2, 2, 1],
        ],
      );
      // request-success-rate min 99.5% → error rate at most 0.5%; the templateRef metric mapped with a percent scale.
      assert.deepStrictEqual(
        plan.stages[0].gates.map((gate) => `${gate.name} ${gate.metric} ≤ ${gate.max}`),
        ['request-success-rate errorRate ≤ 0.005', 'error-budget errorRate ≤ 0.01'],
      );
      assert.deepStrictEqual(plan.rollback, { automatic: true, action: 'rollback', delayMinutes: 4, onInconclusive: 'rollback' });
      // Annotations win over .stagegate.yaml.
      assert.strictEqual(plan.traffic.requestsPerSecond, 150);
      assert.strictEqual(plan.baseline.errorRate, 0.001);
      assert.deepStrictEqual(problems.map(problemAt), [
        '17:14 Metric "request-sucess-rate" is opaque to Stagegate (it is not built in and has no templateRef): map it under simulation.metrics in .stagegate.yaml (for example { metric: errorRate }) to simulate it as a gate.',
        "11:15 Flagger rolls back after 3 failed checks: the simulation stops the rollout at the first failed check and keeps the canary's traffic for the 2 more checks, 2 × 2m = 4m, before the rollback. A healthy canary that fails a single check is rolled back in the simulation, not by Flagger.",
      ]);
    });

    it('A/B: iterations with a header match are one stage on the internal cohort, its share from the annotation', async () => {
      const text = fixtureFiles('flagger')['flagger/slow-rollback.canary.yaml'].replace(
        '  name: slow-rollback\n',
        '  name: slow-rollback\n  annotations: { stagegate.dev/match-share: "0.1" }\n',
      );
      const [{ plan, problems }] = await plansOf({ 'c.yaml': text }, 'c.yaml', configFrom(TRAFFIC));
      assert.deepStrictEqual(
        plan?.stages.map((stage) => [stage.name, stage.cohort, stage.weight, stage.durationMinutes, stage.intervalMinutes]),
        [['A/B test (6 iterations)', 'internal', 1, 30, 5]],
      );
      assert.strictEqual(plan?.traffic.internalShare, 0.1);
      assert.deepStrictEqual(
        plan?.stages[0].gates.map((gate) => `${gate.metric} ≤ ${gate.max}`),
        ['errorRate ≤ 0.01', 'latencyP95Ms ≤ 500'],
      );
      assert.ok(problems.some((problem) => /request-duration is Flagger's p99 latency; Stagegate models the p95/.test(problem.message)));
      assert.ok(problems.some((problem) => /replayed as Stagegate's internal cohort: 10% of traffic/.test(problem.message)));
    });

    it('blue/green: iterations without a match are checked on test traffic, then on all traffic for one more check', () => {
      const canary = {
        metadata: { name: 'c' },
        spec: { analysis: { interval: '1m', iterations: 5, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] } },
      };
      const { plan } = flaggerCanaryToPlan(canary, adapterSettings(configFrom(TRAFFIC)));
      assert.strictEqual(plan?.strategy, 'blue-green');
      assert.deepStrictEqual(
        plan?.stages.map((stage) => [stage.cohort, stage.weight, stage.durationMinutes]),
        [
          ['internal', 1, 5],
          ['all', 1, 1],
        ],
      );
    });

    it('defaults: interval 1m (at least 10s), threshold 1; no weights and no iterations cannot be simulated', () => {
      const settings = adapterSettings(configFrom(TRAFFIC));
      const { plan } = flaggerCanaryToPlan({ spec: { analysis: { interval: '2s', stepWeight: 50 } } }, settings);
      assert.deepStrictEqual(
        plan?.stages.map((stage) => [stage.weight, stage.durationMinutes]),
        [
          [0.5, 1 / 6],
          [1, 1 / 6],
        ],
      );
      assert.strictEqual(plan?.rollback.delayMinutes, 0, 'threshold 1: the failed check rolls back at once');
      assert.strictEqual(flaggerCanaryToPlan({ spec: { analysis: { metrics: [] } } }, settings).plan, undefined);
      assert.strictEqual(flaggerCanaryToPlan({ spec: {} }, settings).plan, undefined);
    });
  });
});
