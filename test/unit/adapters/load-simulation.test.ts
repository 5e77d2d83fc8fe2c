import * as assert from 'assert';
import { ruleMetas } from '../../../src/engine/catalogue';
import { isSimulable } from '../../../src/engine/workspace/simulation';
import { existsSync } from 'fs';
import * as path from 'path';
import { lines, REPO_ROOT } from '../helpers';
import { fixtureFiles, plansOf, problemAt } from './helpers';
import { parseSourceFile } from '../../../src/engine/parse/source-file';

const PLAN = lines(
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: a, service: b, owner: c }',
  'traffic: { requestsPerSecond: 100 }',
  'stages:',
  '  - name: canary',
  '    weight: 10',
  '    duration: 30m',
  '    gates: [{ metric: errorRate, max: 1% }]',
);

describe('loadSimulation', () => {
  it('reads a native plan with readPlan', async () => {
    const [{ plan, problems }] = await plansOf({ 'p.release.yaml': PLAN }, 'p.release.yaml');
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(
      plan?.stages.map((stage) => [stage.name, stage.weight, stage.durationMinutes]),
      [['canary', 0.1, 30]],
    );
  });

  it("places readPlan's problems in the plan file", async () => {
    const [{ plan, problems }] = await plansOf(
      { 'p.release.yaml': PLAN.replace('traffic: { requestsPerSecond: 100 }\n', '') },
      'p.release.yaml',
    );
    assert.strictEqual(plan, undefined);
    assert.deepStrictEqual(problems.map(problemAt), ['0:0 The simulator needs traffic.requestsPerSecond greater than 0.']);
  });

  it('gives the syntax errors of a broken document instead of a plan', async () => {
    const [{ plan, problems }] = await plansOf({ 'p.release.yaml': PLAN.replace('weight: 10', 'weight: [10') }, 'p.release.yaml');
    assert.strictEqual(plan, undefined);
    assert.ok(problems.length > 0);
  });

  it('dispatches each document of a multi-document file by its kind', async () => {
    const files = fixtureFiles('argo');
    const results = await plansOf(files, 'argo/templates.yaml');
    assert.deepStrictEqual(
      results.map((result) => result.plan === undefined),
      [true, true, true],
    );
    assert.deepStrictEqual(results[0].problems.map(problemAt), [
      '1:0 Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.',
    ]);
  });

  it('isSimulable: plans, canary Rollouts and Canaries', () => {
    const file = parseSourceFile(
      'x.yaml',
      lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        '---',
        'apiVersion: argoproj.io/v1alpha1',
        'kind: AnalysisTemplate',
        '---',
        'apiVersion: flagger.app/v1beta1',
        'kind: Canary',
      ),
    );
    assert.deepStrictEqual(
      file.documents.map((doc) => isSimulable(doc, file.path)),
      [true, false, true],
    );
  });
});

describe('rule catalogue', () => {
  const ADAPTER_RULES = [
    'flagd-evaluator-undefined',
    'flagd-fractional-weights',
    'flagd-targeting-unknown-variant',
    'plan-flag-disabled',
    'argo-weight-out-of-range',
    'argo-no-analysis',
    'argo-template-not-found',
    'argo-template-arg-missing',
    'argo-metric-cannot-fail',
    'argo-pause-without-duration',
    'argo-invalid-quantity',
    'flagger-step-above-max',
    'flagger-max-not-multiple',
    'flagger-step-weights-not-increasing',
    'flagger-metric-unknown',
    'flagger-rollback-slow',
  ];

  it('lists each rule of the adapters once, with a documentation page', () => {
    const ids = ruleMetas().map((meta) => meta.id);
    assert.strictEqual(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const id of ADAPTER_RULES) {
      assert.ok(ids.includes(id), `${id} is in the catalogue`);
      assert.ok(existsSync(path.join(REPO_ROOT, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md exists`);
    }
  });
});
