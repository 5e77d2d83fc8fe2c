// The external corpus (test/unit/corpus.ts): files other projects wrote, read as they are. The behaviours tested
// here are also tested on the project's own fixtures (adapters/*.test.ts), so a clone without the corpus loses none.

import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { recognise } from '../../../src/engine/formats/recognise';
import { Simulator } from '../../../src/engine/simulate';
import { checkFiles } from '../helpers';
import { corpusPath, describeCorpus } from '../corpus';
import { configFrom, plansOf, problemAt } from './helpers';

function corpusFiles(folder: string, pattern = /\.(ya?ml|json)$/): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(corpusPath(folder)).sort())
    if (pattern.test(name)) files[corpusPath(folder, name)] = readFileSync(corpusPath(folder, name), 'utf8');
  return files;
}

/** Traffic and baseline for the corpus, and the job metric of analysis-templates.yaml mapped as an error-rate gate. */
const SIMULATION = configFrom(`
simulation:
  traffic: { requestsPerSecond: 200 }
  baseline: { errorRate: 0.002, latencyP95Ms: 180 }
  metrics:
    random-fail: { metric: errorRate, max: 1% }
`);

describeCorpus('external corpus', () => {
  describe('flagd (open-feature/flagd-schemas)', () => {
    const positive = corpusFiles('flagd/positive');
    const negative = corpusFiles('flagd/negative');

    for (const file of Object.keys(positive)) {
      it(`positive/${path.basename(file)} is recognised and has no schema finding`, async () => {
        assert.strictEqual(recognise(file, positive[file]), 'yaml');
        const findings = (await checkFiles({ [file]: positive[file] }))[file];
        assert.deepStrictEqual(
          findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.ruleId} ${finding.message}`),
          [],
        );
      });
    }

    for (const file of Object.keys(negative)) {
      it(`negative/${path.basename(file)} gets at least one error`, async () => {
        assert.strictEqual(recognise(file, negative[file]), 'yaml');
        const findings = (await checkFiles({ [file]: negative[file] }))[file];
        assert.ok(
          findings.some((finding) => finding.severity === 'error'),
          `no error among: ${findings.map((finding) => finding.ruleId).join(', ')}`,
        );
        assert.ok(!findings.some((finding) => finding.ruleId === 'internal-error'));
      });
    }
  });

  for (const folder of ['argo-rollouts', 'flagger']) {
    describe(`${folder}`, () => {
      const files = corpusFiles(folder);
      it('every file is recognised and linted without an internal error', async () => {
        for (const [file, text] of Object.entries(files)) assert.strictEqual(recognise(file, text), 'yaml', file);
        const findings = await checkFiles(files);
        for (const file of Object.keys(files)) {
          assert.ok(findings[file], `${file} was not checked`);
          assert.deepStrictEqual(
            findings[file].filter((finding) => finding.ruleId === 'internal-error' || finding.ruleId === 'syntax-error'),
            [],
            file,
          );
        }
      });

      for (const file of Object.keys(files).filter((name) => !/analysis-templates|malformed/.test(name))) {
        it(`${path.basename(file)} converts to a plan with stages that simulates the healthy and error-spike scenarios`, async () => {
          const [{ plan, problems }] = await plansOf(files, file, SIMULATION);
          assert.ok(plan, problems.map(problemAt).join('\n'));
          assert.ok(plan.stages.length > 0);
          const { simulator, problems: simulationProblems } = Simulator.create(plan);
          assert.ok(simulator, JSON.stringify(simulationProblems));
          for (const scenario of ['healthy', 'error-spike']) assert.doesNotThrow(() => simulator.run(scenario, 1), scenario);
        });
      }
    });
  }

  describe('what the corpus files give', () => {
    const argo = corpusFiles('argo-rollouts');
    const flagger = corpusFiles('flagger');
    const argoFile = (name: string) => corpusPath('argo-rollouts', name);
    const flaggerFile = (name: string) => corpusPath('flagger', name);

    it('argo-rollouts: the findings each file gets', async () => {
      const findings = await checkFiles(argo);
      const ids = (name: string) =>
        findings[argoFile(name)].map((finding) => `${finding.ruleId}@${finding.range.start.line}:${finding.range.start.character}`);
      assert.deepStrictEqual(ids('analysis-templates.yaml'), ['argo-metric-cannot-fail@14:18']);
      assert.deepStrictEqual(ids('malformed-rollout.yaml'), ['argo-invalid-quantity@18:20', 'argo-no-analysis@20:4']);
      assert.deepStrictEqual(ids('rollout-analysis-step.yaml'), ['argo-template-not-found@37:26']);
      assert.deepStrictEqual(ids('rollout-background-analysis.yaml'), ['argo-pause-without-duration@36:8']);
      assert.deepStrictEqual(ids('rollout-canary.yaml'), ['argo-no-analysis@25:4', 'argo-pause-without-duration@30:8']);
    });

    it('argo-rollouts: analysis becomes gates once the job metric is mapped; the malformed canary has no steps to simulate', async () => {
      const gates = async (name: string) =>
        (await plansOf(argo, argoFile(name), SIMULATION))[0].plan?.stages.map(
          (stage) => `${stage.name} ${stage.weight * 100}% ${stage.gates.map((gate) => gate.name).join('+') || '-'}`,
        );
      assert.deepStrictEqual(await gates('rollout-analysis-step.yaml'), ['steps[1] analysis 25% random-fail/random-fail']);
      assert.deepStrictEqual(await gates('rollout-background-analysis.yaml'), ['steps[1] pause 1h 25% random-fail/random-fail']);
      assert.deepStrictEqual(await gates('rollout-canary.yaml'), [
        'steps[1] pause 1h 20% -',
        'steps[3] pause 40s 40% -',
        'steps[5] pause 20s 60% -',
        'steps[7] pause 20s 80% -',
      ]);
      const [malformed] = await plansOf(argo, argoFile('malformed-rollout.yaml'), SIMULATION);
      assert.deepStrictEqual(malformed.problems.map(problemAt), [
        '20:12 The canary has no steps: Argo Rollouts shifts all traffic at once, so there is no stage to simulate.',
      ]);
    });

    it('flagger: linear, explicit and A/B canaries become weight ladders and an internal-cohort stage, gated on both built-in metrics', async () => {
      const shape = async (name: string) => {
        const plan = (await plansOf(flagger, flaggerFile(name), SIMULATION))[0].plan!;
        return {
          weights: plan.stages
            .map((stage) => `${stage.cohort === 'internal' ? 'internal ' : ''}${Math.round(stage.weight * 100)}`)
            .join(' '),
          gates: plan.stages[0].gates.map((gate) => `${gate.metric} ≤ ${gate.max}`),
        };
      };
      const gates = ['errorRate ≤ 0.01', 'latencyP95Ms ≤ 500'];
      assert.deepStrictEqual(await shape('istio-canary.yaml'), { weights: '5 10 15 20 25 30 35 40 45 50', gates });
      assert.deepStrictEqual(await shape('linkerd-canary-steps.yaml'), { weights: '5 10 15 20 25 30 35 40 45 50 55', gates });
      assert.deepStrictEqual(await shape('istio-abtest.yaml'), { weights: 'internal 100', gates });
    });
  });
});
