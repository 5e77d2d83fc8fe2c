import * as assert from 'assert';
import { isSimulable } from '../../../src/engine/workspace/simulation';
import { lines } from '../helpers';
import { Simulator } from '../../../src/engine/simulate';
import { configFrom, fixtureFiles, plansOf, problemAt } from './helpers';
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

/** Traffic and a baseline for Rollouts and Canaries, which carry neither. */
const SIMULATION = configFrom(`
simulation:
  traffic: { requestsPerSecond: 200 }
  baseline: { errorRate: 0.002, latencyP95Ms: 180 }
`);

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

  // The project's own Rollouts and Canaries, in every shape the adapters read: each becomes a plan that replays both
  // a healthy release and an error spike, except those whose weights cannot be replayed, which say why.
  const NOT_REPLAYABLE: Record<string, string> = {
    'argo/weights.rollout.yaml': '15:21 setWeight must be a percentage from 0 to 100 to be simulated.',
    'flagger/step-weights.canary.yaml': '9:17 stepWeights must increase to be simulated.',
  };
  for (const folder of ['argo', 'flagger']) {
    const files = fixtureFiles(folder);
    for (const file of Object.keys(files).filter((name) => /\.(rollout|canary)\.yaml$/.test(name))) {
      const why = NOT_REPLAYABLE[file];
      it(`${file} ${why ? 'is not replayed, and says why' : 'becomes a plan that replays the healthy and error-spike scenarios'}`, async () => {
        const [{ plan, problems }] = await plansOf(files, file, SIMULATION);
        if (why) {
          assert.strictEqual(plan, undefined);
          assert.deepStrictEqual(problems.map(problemAt), [why]);
          return;
        }
        assert.ok(plan, problems.map(problemAt).join('\n'));
        assert.ok(plan.stages.length > 0);
        const { simulator, problems: simulationProblems } = Simulator.create(plan);
        assert.ok(simulator, JSON.stringify(simulationProblems));
        for (const scenario of ['healthy', 'error-spike']) assert.ok(simulator.run(scenario, 1).stages.length > 0, scenario);
      });
    }
  }
});
