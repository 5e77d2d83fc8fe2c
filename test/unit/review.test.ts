// Behaviours found by reading the product as a user would: each guards a confusing or noisy result.
import * as assert from 'assert';
import { main } from '../../src/cli/main';
import { parseConfig } from '../../src/engine/config/load';
import { configProblems } from '../../src/engine/catalogue/config-problems';
import { applyFixes } from '../../src/engine/fix';
import { at, checkOne, lines, only, REPO_ROOT } from './helpers';

const PLAN_HEAD = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: a, service: b, owner: c }',
  'baseline: { errorRate: 0.002, latencyP95Ms: 180, kpis: { pay: 0.97 } }',
  'traffic: { requestsPerSecond: 1000 }',
];

describe('half-typed files', () => {
  it("a flag broken mid-line yields the syntax error, not findings about the parser's repair", async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  pricing:',
      '    description: Pricing: served by the new engine.',
      '    type: permission',
      '    owner: x',
    );
    const findings = await checkOne('f.flags.yaml', text);
    assert.deepStrictEqual([...new Set(findings.map((finding) => finding.ruleId))], ['syntax-error']);
  });

  it('findings before the damaged entry are kept', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  a:',
      '    type: forever',
      '  b:',
      '    description: b: c',
    );
    const findings = await checkOne('f.flags.yaml', text);
    assert.deepStrictEqual(findings.map((finding) => finding.ruleId).sort(), ['schema', 'syntax-error']);
    assert.deepStrictEqual(only(findings, 'schema').map(at), ['schema@4:10-4:17']);
  });

  it('duplicate keys after the damaged entry are not reported', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  a: { description: "x", owner: y',
      '  b:',
      '    description: one',
      '    description: two',
    );
    assert.deepStrictEqual(only(await checkOne('f.flags.yaml', text), 'duplicate-key'), []);
  });

  it('an unclosed quote is reported where the string opens', async () => {
    const text = lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', '  a:', '    description: "never closed', '    owner: x');
    const findings = only(await checkOne('f.flags.yaml', text), 'syntax-error');
    assert.deepStrictEqual(findings.map(at), ['syntax-error@4:17-4:30']);
    assert.strictEqual(findings[0].message, 'This double-quoted string is never closed.');
  });

  it('YAML merge keys are read, not reported as unknown keys', async () => {
    const text = lines(
      ...PLAN_HEAD,
      'rollback: { automatic: true }',
      'stages:',
      '  - &canary',
      '    name: one',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }, { metric: "kpi:pay", minRatio: 0.98 }]',
      '  - <<: *canary',
      '    name: two',
      '    weight: 5',
    );
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', text), 'schema'), []);
  });
});

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

describe('configuration and suppression', () => {
  it('a disable comment with a reason after " -- " still names its rule', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  # stagegate-disable-next-line flag-missing-owner -- owned by the platform team',
      '  a:',
      '    description: x',
      '    type: permission',
    );
    assert.deepStrictEqual(only(await checkOne('f.flags.yaml', text), 'flag-missing-owner'), []);
  });

  it('unknown rule ids and mistyped options are reported, not ignored', () => {
    const { config } = parseConfig(
      'rules:\n  flag-expring-soon: off\n  flag-expiring-soon: { options: { days: "45", weeks: 2 } }\n',
      '2026-11-26',
    );
    const problems = configProblems(config);
    assert.strictEqual(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /rules\.flag-expring-soon: no rule has this id \(did you mean flag-expiring-soon\?\)/);
    assert.match(problems[1], /options\.days must be a number/);
    assert.match(problems[2], /options\.weeks: flag-expiring-soon has one option, days/);
  });

  it('too-many-findings can be turned off', async () => {
    const flags = Array.from({ length: 600 }, (_, i) => `  f${i}: {}`);
    const text = lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', ...flags);
    const on = await checkOne('f.flags.yaml', text);
    assert.strictEqual(on.length, 1001);
    assert.match(on[1000].message, /^\d+ more findings not shown/);
    const { config } = parseConfig('rules:\n  too-many-findings: off\n', '2026-11-26');
    assert.strictEqual((await checkOne('f.flags.yaml', text, config)).length, 1000);
  });

  it('--readiness refuses machine formats instead of corrupting them', async () => {
    let stderr = '';
    const code = await main(['check', 'examples', '--format', 'json', '--readiness'], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      cwd: REPO_ROOT,
    });
    assert.strictEqual(code, 2);
    assert.match(stderr, /--readiness prints a text checklist/);
  });
});
