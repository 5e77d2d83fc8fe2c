import * as assert from 'assert';
import { at, checkOne, lines, only } from '../helpers';

const HEAD = ['apiVersion: flagger.app/v1beta1', 'kind: Canary', 'metadata: { name: cart }', 'spec:'];

async function noAnalysis(...body: string[]): Promise<string[]> {
  const findings = only(await checkOne('cart.canary.yaml', lines(...HEAD, ...body)), 'flagger-no-analysis');
  return findings.map((finding) => `${at(finding)} ${finding.severity}`);
}

describe('flagger-no-analysis', () => {
  it('skipAnalysis: true, at its value, even with metrics; false is fine', async () => {
    const metrics = ['  analysis:', '    stepWeight: 10', '    metrics: [{ name: request-success-rate, thresholdRange: { min: 99 } }]'];
    assert.deepStrictEqual(await noAnalysis('  skipAnalysis: true', ...metrics), ['flagger-no-analysis@4:16-4:20 warning']);
    assert.deepStrictEqual(await noAnalysis('  skipAnalysis: false', ...metrics), []);
    const [finding] = only(await checkOne('c.yaml', lines(...HEAD, '  skipAnalysis: true', ...metrics)), 'flagger-no-analysis');
    assert.match(finding.message, /^skipAnalysis is true: Flagger promotes this canary without running its metrics or webhooks/);
  });

  it('no metrics, only a load test and a confirmation: at the analysis key, saying the load test cannot fail', async () => {
    const text = lines(
      ...HEAD,
      '  analysis:',
      '    stepWeight: 10',
      '    webhooks:',
      '      - { name: load, url: http://loadtester/, metadata: { cmd: "hey -z 1m http://cart-canary/" } }',
      '      - { name: more-load, type: rollout, url: http://loadtester/, metadata: { type: cmd, cmd: "hey http://cart-canary/" } }',
      '      - { name: gate, type: confirm-promotion, url: http://loadtester/gate/check }',
      '      - { name: tell, type: post-rollout, url: http://notify/ }',
    );
    const findings = only(await checkOne('c.yaml', text), 'flagger-no-analysis');
    assert.deepStrictEqual(findings.map(at), ['flagger-no-analysis@4:2-4:10']);
    assert.match(findings[0].message, /no webhook that can fail it \(its 2 load-test webhooks send traffic and answer at once\)/);
  });

  it('a webhook Flagger runs as a check is enough: a rollout or untyped webhook, a pre-rollout acceptance test', async () => {
    const analysis = (hook: string) => ['  analysis:', '    stepWeight: 10', `    webhooks: [${hook}]`];
    assert.deepStrictEqual(await noAnalysis(...analysis('{ name: smoke, url: http://smoke/check }')), []);
    assert.deepStrictEqual(await noAnalysis(...analysis('{ name: smoke, type: rollout, url: http://smoke/check }')), []);
    assert.deepStrictEqual(
      await noAnalysis(
        ...analysis(
          '{ name: acceptance, type: pre-rollout, url: http://loadtester/, metadata: { type: bash, cmd: "curl -f http://cart-canary/" } }',
        ),
      ),
      [],
    );
    assert.deepStrictEqual(await noAnalysis(...analysis('{ name: gate, type: confirm-rollout, url: http://loadtester/gate/check }')), [
      'flagger-no-analysis@4:2-4:10 warning',
    ]);
  });

  it('metrics: [] and the older canaryAnalysis field are read; a Canary without analysis is reported at spec', async () => {
    assert.deepStrictEqual(await noAnalysis('  analysis: { stepWeight: 10, metrics: [] }'), ['flagger-no-analysis@4:2-4:10 warning']);
    assert.deepStrictEqual(await noAnalysis('  canaryAnalysis:', '    stepWeight: 10'), ['flagger-no-analysis@4:2-4:16 warning']);
    assert.deepStrictEqual(
      await noAnalysis(
        '  canaryAnalysis:',
        '    stepWeight: 10',
        '    metrics: [{ name: request-duration, thresholdRange: { max: 500 } }]',
      ),
      [],
    );
    assert.deepStrictEqual(await noAnalysis('  targetRef: { kind: Deployment, name: cart }'), ['flagger-no-analysis@3:0-3:4 warning']);
  });
});
