// Files as they are mid-edit: the syntax error is reported, and what the parser repaired is not.
import * as assert from 'assert';
import { at, checkOne, lines, only, PLAN_HEAD } from './helpers';

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
