import * as assert from 'assert';
import { argoRolloutToPlan } from '../../../src/engine/adapters/argo/argo-to-plan';
import { adapterSettings } from '../../../src/engine/adapters/settings';
import { conditionBound, parseCondition } from '../../../src/engine/adapters/argo/conditions';
import { defaultConfig } from '../../../src/engine/config/config';
import { documentKind, recognise } from '../../../src/engine/formats/recognise';
import { at, checkOne, lines, only } from '../helpers';
import { checkFolder, configFrom, fixtureFiles, plansOf, problemAt, TODAY } from './helpers';

const CONFIG = `
simulation:
  traffic: { requestsPerSecond: 200 }
  baseline: { errorRate: 0.002, latencyP95Ms: 180 }
  metrics:
    latency/p95: { metric: latencyP95Ms, scale: 1000 }
`;

describe('Argo Rollouts', () => {
  describe('recognition', () => {
    it('recognises Rollouts and (Cluster)AnalysisTemplates by apiVersion and kind, in any order, but not Helm templates', () => {
      assert.strictEqual(recognise('r.yaml', lines('apiVersion: argoproj.io/v1alpha1', 'kind: Rollout')), 'yaml');
      assert.strictEqual(
        recognise(
          't.yaml',
          lines('kind: ClusterAnalysisTemplate', 'apiVersion: argoproj.io/v1alpha1', 'spec:', '  args: [{ name: x }]', '  q: "{{args.x}}"'),
        ),
        'yaml',
      );
      assert.strictEqual(recognise('d.yaml', lines('apiVersion: apps/v1', 'kind: Deployment')), undefined);
      assert.strictEqual(
        recognise('h.yaml', lines('apiVersion: argoproj.io/v1alpha1', 'kind: Rollout', 'metadata: { name: "{{ .Values.name }}" }')),
        undefined,
      );
      assert.strictEqual(
        documentKind({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' }, 'x.yaml'),
        'argo-analysis-template',
      );
      assert.strictEqual(documentKind({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment' }, 'x.yaml'), undefined);
    });
  });

  describe('lint', () => {
    it('the checkout Rollout and its templates raise nothing', async () => {
      const findings = await checkFolder('argo');
      assert.deepStrictEqual(findings['argo/checkout.rollout.yaml'].map(at), []);
      assert.deepStrictEqual(findings['argo/templates.yaml'].map(at), []);
    });

    it('argo-weight-out-of-range, and stage-weights-not-increasing reading the setWeight ladder, sit on the setWeight value', async () => {
      const findings = (await checkFolder('argo'))['argo/weights.rollout.yaml'];
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.severity}`),
        ['stage-weights-not-increasing@13:21-13:23 warning', 'argo-weight-out-of-range@15:21-15:24 error'],
      );
      assert.match(findings[0].message, /At steps\[2\], 20% of traffic goes to the new version, less than the 40% at steps\[0\] before it/);
    });

    it('argo-template-not-found and argo-template-arg-missing sit on the templateName, with a hint', async () => {
      const findings = (await checkFolder('argo'))['argo/references.rollout.yaml'];
      assert.deepStrictEqual(findings.map(at), [
        'argo-template-arg-missing@11:30-11:42',
        'argo-template-not-found@12:30-12:41',
        'argo-template-not-found@13:30-13:40',
        'argo-template-not-found@14:30-14:37',
      ]);
      assert.match(findings[0].message, /needs argument "service-name" without a default/);
      assert.match(findings[1].message, /did you mean "success-rate"\?/);
      assert.match(findings[2].message, /but ClusterAnalysisTemplate "smoke-test" is: add clusterScope: true/);
      assert.match(findings[3].message, /but AnalysisTemplate "latency" is: remove clusterScope: true/);
      assert.deepStrictEqual(
        findings[0].related?.map((related) => `${related.file} ${related.range.start.line}:${related.range.start.character}`),
        ['argo/templates.yaml 4:8'],
      );
    });

    it('argo-template-not-found: a template in no file, in a workspace without any', async () => {
      const findings = await checkOne('r.yaml', fixtureFiles('argo')['argo/references.rollout.yaml']);
      assert.strictEqual(only(findings, 'argo-template-not-found').length, 4);
      assert.match(only(findings, 'argo-template-not-found')[0].message, /the workspace defines no AnalysisTemplate/);
    });

    it('argo-metric-cannot-fail: failureLimit as high as count, or an inconclusive gap every measurement may fall in', async () => {
      const findings = (await checkFolder('argo'))['argo/cannot-fail.analysis.yaml'];
      assert.deepStrictEqual(findings.map(at), ['argo-metric-cannot-fail@9:20-9:21', 'argo-metric-cannot-fail@16:25-16:26']);
      assert.match(findings[0].message, /takes 3 measurements and fails only when more than 3 fail/);
      assert.match(findings[1].message, /results between 0.9 and 0.99 meet neither condition/);
    });

    it('argo-metric-cannot-fail: a metric without count or interval takes one measurement', async () => {
      const text = lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: AnalysisTemplate',
        'metadata: { name: t }',
        'spec:',
        '  metrics:',
        '    - name: once',
        '      failureLimit: 1',
        '      provider: { job: {} }',
      );
      assert.deepStrictEqual((await checkOne('t.yaml', text)).map(at), ['argo-metric-cannot-fail@6:20-6:21']);
    });

    it('argo-no-analysis at the canary key, argo-pause-without-duration (info) at the pause key, argo-invalid-quantity at the value', async () => {
      const findings = (await checkFolder('argo'))['argo/manual.rollout.yaml'];
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.severity}`),
        ['argo-invalid-quantity@12:40-12:44 error', 'argo-no-analysis@14:4-14:10 warning', 'argo-pause-without-duration@17:10-17:15 info'],
      );
    });

    it('a pause without duration in a rollout that is manual throughout is not reported', async () => {
      const text = lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        'metadata: { name: r }',
        'spec:',
        '  strategy:',
        '    canary:',
        '      steps:',
        '        - setWeight: 10',
        '        - pause: {}',
        '        - setWeight: 50',
        '        - pause: {}',
      );
      assert.deepStrictEqual(only(await checkOne('r.yaml', text), 'argo-pause-without-duration'), []);
    });

    it('a blue-green Rollout is recognised but not linted as a canary', async () => {
      const text = lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        'metadata: { name: r }',
        'spec:',
        '  strategy:',
        '    blueGreen: { activeService: a }',
      );
      assert.deepStrictEqual((await checkOne('r.yaml', text)).map(at), []);
    });
  });

  describe('conditions', () => {
    it('reads comparisons of the result to a number, in either order, after a NaN or empty guard', () => {
      assert.deepStrictEqual(parseCondition('result[0] >= 0.95'), { comparator: '>=', value: 0.95 });
      assert.deepStrictEqual(parseCondition('result < 0.01'), { comparator: '<', value: 0.01 });
      assert.deepStrictEqual(parseCondition('0.95 <= result[0]'), { comparator: '>=', value: 0.95 });
      assert.deepStrictEqual(parseCondition('isNaN(result) || result[0] >= 0.9'), { comparator: '>=', value: 0.9 });
      assert.deepStrictEqual(parseCondition('len(result) == 0 || result[0] < 5e-3'), { comparator: '<', value: 0.005 });
      assert.strictEqual(parseCondition('result.successful == true'), undefined);
      assert.strictEqual(parseCondition('result[0] > 0.9 && result[0] < 1'), undefined);
    });

    it('a failure condition bounds where the metric fails; a success condition alone fails everything else', () => {
      assert.deepStrictEqual(conditionBound('result[0] >= 0.99', undefined), { direction: 'min', value: 0.99 });
      assert.deepStrictEqual(conditionBound(undefined, 'result[0] > 0.4'), { direction: 'max', value: 0.4 });
      assert.deepStrictEqual(conditionBound('result[0] >= 0.99', 'result[0] < 0.9'), { direction: 'min', value: 0.9 });
      assert.strictEqual(conditionBound('result[0] >= 0.99', 'result.code == 500'), undefined);
    });
  });

  describe('conversion to a ReleasePlan', () => {
    it('reads the template the Rollout resolves to, and leaves out one defined equally near twice, saying where', async () => {
      const rollout = fixtureFiles('argo')['argo/checkout.rollout.yaml'];
      const template = (bound: number) =>
        lines(
          'apiVersion: argoproj.io/v1alpha1',
          'kind: AnalysisTemplate',
          'metadata: { name: success-rate }',
          'spec:',
          '  metrics:',
          `    - { name: success-rate, interval: 1m, count: 5, successCondition: "result[0] >= ${bound}", provider: { prometheus: {} } }`,
        );
      const gates = async (files: Record<string, string>) => {
        const [{ plan, problems }] = await plansOf(files, '/repo/app/rollout.yaml', configFrom(CONFIG));
        return {
          gates: [...new Set(plan?.stages.flatMap((stage) => stage.gates.map((gate) => `${gate.name} ≤ ${gate.max}`)))],
          problems: problems.map((problem) => problem.message),
        };
      };
      const near = await gates({
        '/repo/app/rollout.yaml': rollout,
        '/repo/app/old/success-rate.yaml': template(0.5),
        '/repo/app/success-rate.yaml': template(0.99),
      });
      assert.deepStrictEqual(near.gates, ['success-rate/success-rate ≤ 0.01']);
      const twice = await gates({
        '/repo/app/rollout.yaml': rollout,
        '/repo/app/a/success-rate.yaml': template(0.5),
        '/repo/app/b/success-rate.yaml': template(0.99),
      });
      assert.deepStrictEqual(twice.gates, []);
      assert.ok(
        twice.problems.includes(
          'AnalysisTemplate "success-rate" is defined 2 times, equally near this Rollout (a/success-rate.yaml:3, b/success-rate.yaml:3): which one Argo Rollouts reads cannot be told, so its metrics are not simulated.',
        ),
        twice.problems.join('\n'),
      );
    });

    it('steps that hold a weight become stages; background analysis gates every stage from startingStep on', async () => {
      const [{ plan, problems }] = await plansOf(fixtureFiles('argo'), 'argo/checkout.rollout.yaml', configFrom(CONFIG));
      assert.ok(plan, problems.map(problemAt).join('\n'));
      assert.deepStrictEqual(
        plan.stages.map((stage) => ({
          name: stage.name,
          weight: stage.weight,
          minutes: stage.durationMinutes,
          interval: stage.intervalMinutes,
          gates: stage.gates.map((gate) => `${gate.name} ${gate.metric} ≤ ${gate.max}`),
        })),
        [
          { name: 'steps[1] pause 10m', weight: 0.05, minutes: 10, interval: 2, gates: ['latency/p95 latencyP95Ms ≤ 400'] },
          {
            name: 'steps[3] analysis',
            weight: 0.2,
            minutes: 5,
            interval: 1,
            gates: ['success-rate/success-rate errorRate ≤ 0.01', 'latency/p95 latencyP95Ms ≤ 400'],
          },
          { name: 'steps[5] pause 30m', weight: 0.5, minutes: 30, interval: 2, gates: ['latency/p95 latencyP95Ms ≤ 400'] },
        ],
      );
      // The annotation's traffic wins over .stagegate.yaml; the baseline comes from it.
      assert.strictEqual(plan.traffic.requestsPerSecond, 400);
      assert.deepStrictEqual(plan.baseline, {
        errorRate: 0.002,
        latencyP95Ms: 180,
        kpis: {},
        gauges: {},
        // None given: pure binomial noise.
        dispersion: { errorRate: 0, latencyP95Ms: 0, kpis: {}, gauges: {} },
      });
      assert.deepStrictEqual(plan.rollback, { automatic: true, action: 'rollback', delayMinutes: 0.5, onInconclusive: 'pause' });
      assert.deepStrictEqual(problems.map(problemAt), [
        '19:30 Metric "success-rate" of template "success-rate" is read as a success rate (1 − errorRate) from its name; map it under simulation.metrics if it measures something else.',
      ]);
    });

    it('a pause without duration is replayed as simulation.manualPause; a Rollout without analysis has stages and no gates', async () => {
      const config = configFrom('simulation:\n  traffic: { requestsPerSecond: 50 }\n  manualPause: 2h\n');
      const [{ plan, problems }] = await plansOf(fixtureFiles('argo'), 'argo/manual.rollout.yaml', config);
      assert.deepStrictEqual(
        plan?.stages.map((stage) => [stage.name, stage.weight, stage.durationMinutes, stage.gates.length]),
        [
          ['steps[1] pause 2h', 0.1, 120, 0],
          ['steps[3] pause 1h', 0.5, 60, 0],
        ],
      );
      assert.deepStrictEqual(problems.map(problemAt), [
        '17:17 steps[1] waits for someone to promote the rollout: replayed as a 2h wait (simulation.manualPause).',
        '3:8 No baseline given: the current version is assumed to fail 0.1% of requests with a p95 of 200 ms. Set simulation.baseline in .stagegate.yaml or the stagegate.dev/baseline-* annotations.',
      ]);
    });

    it('pause durations in seconds, minutes or hours, or a bare number of seconds, are stage lengths', async () => {
      const rollout = lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        'metadata: { name: quick }',
        'spec:',
        '  strategy:',
        '    canary:',
        '      steps:',
        '        - setWeight: 20',
        '        - pause: { duration: 90s }',
        '        - setWeight: 40',
        '        - pause: { duration: 30 }',
        '        - setWeight: 60',
        '        - pause: { duration: 2m }',
        '        - setWeight: 80',
        '        - pause: { duration: 1h }',
      );
      const config = configFrom('simulation:\n  traffic: { requestsPerSecond: 50 }\n');
      const [{ plan }] = await plansOf({ 'quick.rollout.yaml': rollout }, 'quick.rollout.yaml', config);
      assert.deepStrictEqual(
        plan?.stages.map((stage) => [stage.name, stage.weight, stage.durationMinutes]),
        [
          ['steps[1] pause 1m30s', 0.2, 1.5],
          ['steps[3] pause 30s', 0.4, 0.5],
          ['steps[5] pause 2m', 0.6, 2],
          ['steps[7] pause 1h', 0.8, 60],
        ],
      );
    });

    it('without traffic there is no plan, and the problem says where to give it', async () => {
      const [{ plan, problems }] = await plansOf(fixtureFiles('argo'), 'argo/manual.rollout.yaml');
      assert.strictEqual(plan, undefined);
      assert.ok(
        problems
          .map(problemAt)
          .includes(
            '3:8 No traffic to simulate: set simulation.traffic.requestsPerSecond in .stagegate.yaml, or the stagegate.dev/requests-per-second annotation on this resource.',
          ),
      );
    });

    it('an opaque metric is a problem at the template reference, and a gate once mapped', () => {
      const rollout = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r' },
        spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'smoke' }] } }] } } },
      };
      const smoke = { spec: { metrics: [{ name: 'smoke', interval: '1m', count: 3, provider: { job: {} } }] } };
      const settings = (yaml: string) =>
        adapterSettings(configFrom(`simulation:\n  traffic: { requestsPerSecond: 100 }\n  baseline: { errorRate: 0.01 }\n${yaml}`));
      const opaque = argoRolloutToPlan(rollout, () => ({ template: smoke }), settings(''));
      assert.deepStrictEqual(
        opaque.plan?.stages.map((stage) => stage.gates.length),
        [0],
      );
      assert.deepStrictEqual(
        opaque.problems.map((problem) => `${problem.path.join('.')} ${problem.message}`),
        [
          'spec.strategy.canary.steps.1.analysis.templates.0.templateName Metric "smoke" of template "smoke" is opaque to Stagegate (a job provider passes or fails on the job\'s exit code): map it under simulation.metrics in .stagegate.yaml (for example { metric: errorRate, max: 1% }) to simulate it as a gate.',
        ],
      );
      const mapped = argoRolloutToPlan(
        rollout,
        () => ({ template: smoke }),
        settings('  metrics:\n    smoke/smoke: { metric: errorRate, max: 5% }\n'),
      );
      assert.deepStrictEqual(mapped.plan?.stages[0].gates, [{ name: 'smoke/smoke', metric: 'errorRate', max: 0.05, index: 0 }]);
      assert.strictEqual(mapped.plan?.stages[0].durationMinutes, 3);
    });

    it("failureLimit keeps the canary's traffic longer before the abort; a dry-run metric is not a gate", () => {
      const rollout = {
        metadata: { name: 'r' },
        spec: {
          strategy: {
            canary: { analysis: { templates: [{ templateName: 't' }] }, steps: [{ setWeight: 10 }, { pause: { duration: '30m' } }] },
          },
        },
      };
      const template = {
        spec: {
          dryRun: [{ metricName: 'shadow' }],
          metrics: [
            { name: 'error-rate', interval: '5m', failureLimit: 2, successCondition: 'result[0] <= 0.01' },
            { name: 'shadow-error-rate', interval: '1m', successCondition: 'result[0] <= 0.001' },
            { name: 'shadow', interval: '1m', successCondition: 'result[0] <= 0.001' },
          ],
        },
      };
      const { plan, problems } = argoRolloutToPlan(
        rollout,
        () => ({ template }),
        adapterSettings(configFrom('simulation:\n  traffic: { requestsPerSecond: 100 }\n  baseline: { errorRate: 0.001 }\n')),
      );
      assert.deepStrictEqual(
        plan?.stages[0].gates.map((gate) => `${gate.name} ≤ ${gate.max}`),
        ['t/error-rate ≤ 0.01', 't/shadow-error-rate ≤ 0.001'],
      );
      assert.strictEqual(plan?.stages[0].intervalMinutes, 1);
      // min over gates of failureLimit × interval: the metric without a failureLimit stops first.
      assert.strictEqual(plan?.rollback.delayMinutes, 0.5);
      assert.ok(problems.some((problem) => /"shadow" of AnalysisTemplate "t" runs in dry-run mode/.test(problem.message)));
    });

    it('a background metric with a count watches only the stages it overlaps', () => {
      const rollout = {
        metadata: { name: 'r' },
        spec: {
          strategy: {
            canary: {
              analysis: { templates: [{ templateName: 't' }] },
              steps: [{ setWeight: 10 }, { pause: { duration: '10m' } }, { setWeight: 50 }, { pause: { duration: '10m' } }],
            },
          },
        },
      };
      const template = { spec: { metrics: [{ name: 'error-rate', interval: '2m', count: 3, successCondition: 'result < 0.01' }] } };
      const { plan, problems } = argoRolloutToPlan(
        rollout,
        () => ({ template }),
        adapterSettings(configFrom('simulation:\n  traffic: { requestsPerSecond: 100 }\n  baseline: { errorRate: 0.001 }\n')),
      );
      assert.deepStrictEqual(
        plan?.stages.map((stage) => stage.gates.length),
        [1, 0],
      );
      assert.ok(problems.some((problem) => /stops after 6m \(count × interval\)/.test(problem.message)));
    });

    it('a canary without steps, or with an unreadable weight, is not simulated', () => {
      const settings = adapterSettings(defaultConfig(TODAY));
      assert.deepStrictEqual(
        argoRolloutToPlan({ spec: { strategy: { canary: {} } } }, () => undefined, settings).problems.map((problem) => problem.message),
        ['The canary has no steps: Argo Rollouts shifts all traffic at once, so there is no stage to simulate.'],
      );
      assert.deepStrictEqual(
        argoRolloutToPlan({ spec: { strategy: { blueGreen: {} } } }, () => undefined, settings).problems.map((problem) => problem.message),
        ['Only a canary strategy can be simulated; this Rollout has none.'],
      );
      assert.strictEqual(
        argoRolloutToPlan({ spec: { strategy: { canary: { steps: [{ setWeight: 'x' }] } } } }, () => undefined, settings).plan,
        undefined,
      );
    });
  });
});
