// metrics-unknown-dimension: a label a query groups by that the traffic model does not define, reported on the label
// (in plain and quoted scalars), never for `le`; through the engine and through `stagegate check`.

import * as assert from 'assert';
import * as path from 'path';
import { at, checkOne, FIXTURES, lines, only, runCli } from '../helpers';

const HEAD = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: a, service: b, owner: c }',
  'traffic: { requestsPerSecond: 100, dimensions: { region: { eu: 0.5, us: 0.5 } } }',
  'stages: [{ name: s, weight: 5, duration: 1h }]',
  'metrics:',
  '  queries:',
];

describe('metrics-unknown-dimension', () => {
  it('reports each unknown label at its place, in plain and quoted queries, and not le or a dimension', async () => {
    const text = lines(
      ...HEAD,
      '    requests: sum by (region, tenant) (rate(r[$window]))',
      '    latencyP95Ms: "1000 * histogram_quantile(0.95, sum by (le, pod) (rate(b[$window])))"',
      '    errors: sum by(region)(rate(e[$window]))',
    );
    const findings = only(await checkOne('p.release.yaml', text), 'metrics-unknown-dimension');
    assert.deepStrictEqual(findings.map(at), ['metrics-unknown-dimension@7:30-7:36', 'metrics-unknown-dimension@8:63-8:66']);
    assert.match(
      findings[0].message,
      /^metrics\.queries\.requests groups by "tenant", which traffic\.dimensions does not define \(region\)/,
    );
    assert.strictEqual(findings[0].severity, 'warning');
  });

  it('is silent for service-wide queries and for a plan without metrics', async () => {
    const text = lines(...HEAD, '    requests: sum(rate(r[$window]))');
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', text), 'metrics-unknown-dimension'), []);
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', lines(...HEAD.slice(0, 5))), 'metrics-unknown-dimension'), []);
  });

  it('stagegate check prints it on the label', async () => {
    const plan = path.join(FIXTURES, 'calibrate', 'unknown-dimension.release.yaml');
    const { stdout } = await runCli(['check', plan], FIXTURES);
    const reported = stdout.split('\n').filter((line) => line.endsWith('metrics-unknown-dimension'));
    assert.strictEqual(reported.length, 2, stdout);
    assert.match(reported[0], /unknown-dimension\.release\.yaml:11:31 +warning +metrics\.queries\.requests groups by "tenant"/);
    assert.match(reported[1], /unknown-dimension\.release\.yaml:12:64 +warning +metrics\.queries\.latencyP95Ms groups by "pod"/);
  });
});
