// Plan rules on values at the edges of what the schema accepts.
import * as assert from 'assert';
import { applyFixes } from '../../../src/engine/fix';
import { at, checkOne, lines, only, PLAN_HEAD } from '../helpers';

describe('plan rules on odd values', () => {
  it('an unreadable first weight does not move stage-first-weight-too-large to a later stage', async () => {
    const text = lines(
      ...PLAN_HEAD,
      'stages:',
      '  - name: canary',
      '    weight: 1.5%',
      '    duration: 1h',
      '  - name: full',
      '    weight: 100',
    );
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', text), 'stage-first-weight-too-large'), []);
  });

  it('a negative maxIncrease is a bound the healthy version breaks', async () => {
    const text = lines(
      ...PLAN_HEAD,
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    gates:',
      '      - metric: latencyP95Ms',
      '        maxIncrease: -10%',
    );
    const findings = only(await checkOne('p.release.yaml', text), 'gate-threshold-below-baseline');
    assert.deepStrictEqual(findings.map(at), ['gate-threshold-below-baseline@11:21-11:25']);
    assert.match(findings[0].message, /maxIncrease -10% \(a bound of 162 ms\), but the healthy current version runs at 180 ms/);
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', text), 'gate-false-rollback-likely'), []);
  });

  it('a finding about a relative bound sits on that bound, not on another bound of the gate', async () => {
    const text = lines(
      ...PLAN_HEAD,
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    gates:',
      '      - { metric: latencyP95Ms, max: 400, maxIncrease: -5% }',
    );
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', text), 'gate-threshold-below-baseline').map(at), [
      'gate-threshold-below-baseline@10:55-10:58',
    ]);
  });

  it('baseline-missing adds every missing value to an existing baseline', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata: { name: a, service: b, owner: c }',
      'traffic: { requestsPerSecond: 1000 }',
      'baseline:',
      '  kpis: { pay: 0.97 }',
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
    );
    const fixed = applyFixes(text, only(await checkOne('p.release.yaml', text), 'baseline-missing'), false).text;
    assert.ok(fixed.includes('baseline:\n  errorRate: 0.002\n  latencyP95Ms: 200\n  kpis:'), fixed);
  });

  it('baseline-missing: gates on a signal without a healthy value, with a fix that adds one', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata: { name: a, service: b, owner: c }',
      'traffic: { requestsPerSecond: 1000 }',
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }]',
    );
    const findings = only(await checkOne('p.release.yaml', text), 'baseline-missing');
    assert.deepStrictEqual(findings.map(at), ['baseline-missing@4:0-4:6']);
    const fixed = applyFixes(text, findings, false).text;
    assert.ok(fixed.endsWith('baseline:\n  errorRate: 0.002\n'), fixed);
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', fixed), 'baseline-missing'), []);
  });

  it('the add-rollback fix appends a rollback section at the end of the plan', async () => {
    const text = lines(
      ...PLAN_HEAD,
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }]',
    );
    const fixed = applyFixes(text, only(await checkOne('p.release.yaml', text), 'rollback-not-automatic'), false).text;
    assert.ok(fixed.startsWith('apiVersion:'));
    assert.ok(fixed.endsWith('rollback:\n  automatic: true\n  action: rollback\n  delay: 2m\n'), fixed);
  });
});
