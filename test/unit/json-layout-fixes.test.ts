// Fixes that insert into JSON and flow mappings follow the file's layout: a pretty-printed object gets a new line
// indented like its entries (spaces or tabs), a one-line object an inline entry spaced like its braces, a list of one
// item per line a new item on its own line.
import * as assert from 'assert';
import { applyFixes } from '../../src/engine/fix';
import { checkOne, lines, only } from './helpers';

describe('fixes follow the layout of JSON and flow mappings', () => {
  it('a tab-indented flagd file gets a tab-indented metadata entry, with the owner and the expiry in two passes', async () => {
    const text = lines(
      '{',
      '\t"flags": {',
      '\t\t"a": {',
      '\t\t\t"state": "ENABLED",',
      '\t\t\t"variants": { "on": true }',
      '\t\t}',
      '\t}',
      '}',
    );
    const expiry = applyFixes(text, only(await checkOne('x.flagd.json', text), 'flag-missing-expiry')).text;
    assert.strictEqual(
      expiry,
      lines(
        '{',
        '\t"flags": {',
        '\t\t"a": {',
        '\t\t\t"metadata": {',
        '\t\t\t\t"expires": "2027-01-05"',
        '\t\t\t},',
        '\t\t\t"state": "ENABLED",',
        '\t\t\t"variants": { "on": true }',
        '\t\t}',
        '\t}',
        '}',
      ),
    );
    // The owner fix, applied by hand (it has no owner to write unasked), goes into the metadata the expiry created.
    const owner = applyFixes(expiry, only(await checkOne('x.flagd.json', expiry), 'flag-missing-owner'), false).text;
    assert.match(owner, /\n\t\t\t"metadata": \{\n\t\t\t\t"owner": "TODO-owner",\n\t\t\t\t"expires": "2027-01-05"\n\t\t\t\},\n/);
  });

  it('a one-line object without spaces gets a compact entry; a YAML flow mapping an unquoted key', async () => {
    const json = '{"metadata": {"owner": "t"}, "flags": {"a": {"state": "ENABLED", "variants": {"on": true}}}}\n';
    assert.strictEqual(
      applyFixes(json, only(await checkOne('x.flagd.json', json), 'flag-missing-expiry')).text,
      '{"metadata": {"owner": "t"}, "flags": {"a": {"metadata": {"expires": "2027-01-05"}, "state": "ENABLED", "variants": {"on": true}}}}\n',
    );
    const yaml = lines('metadata: { owner: t }', 'flags:', '  a: { state: ENABLED, variants: { "on": true } }');
    assert.strictEqual(
      applyFixes(yaml, only(await checkOne('x.flagd.yaml', yaml), 'flag-missing-expiry')).text,
      lines('metadata: { owner: t }', 'flags:', '  a: { metadata: { expires: "2027-01-05" }, state: ENABLED, variants: { "on": true } }'),
    );
  });

  it('a pretty-printed JSON plan gets a new gate on its own line, indented like the gate before it', async () => {
    const plan = JSON.stringify(
      {
        apiVersion: 'stagegate.dev/v1',
        kind: 'ReleasePlan',
        metadata: { name: 'a', service: 'b', owner: 'c' },
        traffic: { requestsPerSecond: 1000 },
        baseline: { errorRate: 0.002, latencyP95Ms: 180 },
        stages: [
          { name: 'canary', weight: 5, duration: '1h', gates: [{ metric: 'errorRate', max: '1%' }] },
          { name: 'full', weight: 100 },
        ],
        rollback: { automatic: true },
      },
      null,
      2,
    );
    const findings = only(await checkOne('p.release.json', plan), 'plan-missing-signal');
    const fixed = applyFixes(plan, findings, false).text;
    assert.deepStrictEqual(JSON.parse(fixed).stages[0].gates, [
      { metric: 'errorRate', max: '1%' },
      { metric: 'latencyP95Ms', maxIncrease: '15%' },
    ]);
    assert.match(fixed, /\n {10}"max": "1%"\n {8}\},\n {8}\{\n {10}"metric": "latencyP95Ms",\n {10}"maxIncrease": "15%"\n {8}\}\n {6}\]/);
  });
});
