// The readiness labels without a server: the series a PromQL query reads, the label a flag maps to, the labels a
// plan needs and the queries that count them, and the schema of `metrics.labels` through `check`.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { flagLabel, labelMeasurePlan, readLabelCounts, vectorSelectors } from '../../../src/engine/calibrate/labels';
import { hoverAt } from '../../../src/engine/assist/hover';
import { emptyFacts } from '../../../src/engine/model/facts';
import { parseSourceFile } from '../../../src/engine/parse/source-file';
import { FIXTURES, lines, runCli } from '../helpers';

describe('readiness labels (offline)', () => {
  it('reads the vector selectors of a query, not its functions, aggregations, label lists, strings or ranges', () => {
    assert.deepStrictEqual(vectorSelectors('sum by (region) (rate(http_requests_total{service="checkout"}[$window]))'), [
      'http_requests_total{service="checkout"}',
    ]);
    assert.deepStrictEqual(
      vectorSelectors(
        'sum(rate(errors_total{path=~"/a{1,2}/(b|c)"}[5m] offset 1h)) / on (region) group_left (team) sum without (pod) (up)',
      ),
      ['errors_total{path=~"/a{1,2}/(b|c)"}', 'up'],
    );
    assert.deepStrictEqual(vectorSelectors('count by (le) (x:recorded:rate5m) or vector(0)'), ['x:recorded:rate5m']);
    assert.deepStrictEqual(vectorSelectors('max_over_time((a - b)[1h:5m]) > bool 0.5 and {__name__="c", job=\'j\'}'), [
      'a',
      'b',
      '{__name__="c", job=\'j\'}',
    ]);
    assert.deepStrictEqual(vectorSelectors('topk(3, sum by (version) (rate(a[5m]))) # a comment naming b{x="y"}'), ['a']);
  });

  it('maps a flag to a label: the template with {flag}, characters a label cannot hold written _', () => {
    assert.strictEqual(flagLabel('flag_{flag}', 'new-checkout'), 'flag_new_checkout');
    assert.strictEqual(flagLabel('{flag}', 'checkout.v2'), 'checkout_v2');
    assert.strictEqual(flagLabel('{flag}', '2fa-login'), '_2fa_login');
    assert.strictEqual(flagLabel('ff_{flag}_state', 'dark mode'), 'ff_dark_mode_state');
  });

  it('needs the version, each flag and each breakdown dimension once, on each distinct selector of requests and errors', () => {
    const plan = {
      flags: ['new-checkout', 'new_checkout', 'fast-pay'],
      metrics: {
        labels: { version: 'app_version' },
        queries: {
          requests: 'sum(rate(http_requests_total{service="a"}[$window]))',
          errors: 'sum(rate(http_requests_total{service="a",code=~"5.."}[$window])) + sum(rate(http_requests_total{service="a"}[1m])) * 0',
          latencyP95Ms: 'histogram_quantile(0.95, sum by (le) (rate(latency_bucket[$window])))',
        },
      },
      stages: [
        { name: 'one', breakdown: ['region'] },
        { name: 'two', breakdown: ['region', 'device'] },
      ],
    };
    const measure = labelMeasurePlan(plan, 60);
    assert.deepStrictEqual(
      measure.needs.map((need) => [need.kind, need.label, need.paths]),
      [
        ['version', 'app_version', []],
        // Two keys that map to one label are one need, placed at both.
        [
          'flag',
          'flag_new_checkout',
          [
            ['flags', 0],
            ['flags', 1],
          ],
        ],
        ['flag', 'flag_fast_pay', [['flags', 2]]],
        [
          'breakdown',
          'region',
          [
            ['stages', 0, 'breakdown', 0],
            ['stages', 1, 'breakdown', 0],
          ],
        ],
        ['breakdown', 'device', [['stages', 1, 'breakdown', 1]]],
      ],
    );
    // The latency query's series are not asked; a selector in both queries is asked once.
    assert.deepStrictEqual(
      measure.checks.map((check) => [check.signals, check.query]),
      [
        [
          ['requests', 'errors'],
          'count by (app_version, flag_new_checkout, flag_fast_pay, region, device) (last_over_time(http_requests_total{service="a"}[1h]))',
        ],
        [
          ['errors'],
          'count by (app_version, flag_new_checkout, flag_fast_pay, region, device) (last_over_time(http_requests_total{service="a",code=~"5.."}[1h]))',
        ],
      ],
    );
    // A group without a label counts series that lack it; an empty label value is no label in Prometheus.
    const measurement = readLabelCounts(
      measure,
      [
        [
          { labels: { app_version: '1', flag_new_checkout: 'on', flag_fast_pay: 'off', region: 'eu', device: 'ios' }, count: 3 },
          { labels: { flag_new_checkout: 'on', flag_fast_pay: 'off', region: 'eu', device: '' }, count: 2 },
        ],
        [{ labels: { app_version: '1', flag_new_checkout: 'on', flag_fast_pay: 'off', region: 'eu', device: 'ios' }, count: 4 }],
      ],
      0,
      60,
    );
    assert.deepStrictEqual(
      measurement.missing.map((missing) => [missing.need.label, missing.check.selector, missing.without, missing.total]),
      [
        ['app_version', 'http_requests_total{service="a"}', 2, 5],
        ['device', 'http_requests_total{service="a"}', 2, 5],
      ],
    );
    assert.deepStrictEqual(measurement.series, [
      { selector: 'http_requests_total{service="a"}', count: 5 },
      { selector: 'http_requests_total{service="a",code=~"5.."}', count: 4 },
    ]);
  });

  it('a breakdown dimension that is no label name is not asked for, and every series lacks it', () => {
    const measure = labelMeasurePlan(
      { metrics: { queries: { requests: 'sum(rate(a[$window]))' } }, stages: [{ name: 's', breakdown: ['device-type'] }] },
      60,
    );
    assert.deepStrictEqual(
      measure.checks.map((check) => check.query),
      ['count by (version) (last_over_time(a[1h]))'],
    );
    const measurement = readLabelCounts(measure, [[{ labels: { version: '1' }, count: 3 }]], 0, 60);
    assert.deepStrictEqual(
      measurement.missing.map((missing) => [missing.need.label, missing.without, missing.total]),
      [['device-type', 3, 3]],
    );
  });

  it('the schema takes metrics.labels and refuses a flag template without {flag} or a version that is no label name', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-labels-'));
    try {
      const plan = await fs.readFile(path.join(FIXTURES, 'readiness-metrics', 'checkout.release.yaml'), 'utf8');
      await fs.copyFile(path.join(FIXTURES, 'readiness-metrics', 'checkout.flags.yaml'), path.join(folder, 'checkout.flags.yaml'));
      const write = (labels: string) =>
        fs.writeFile(path.join(folder, 'checkout.release.yaml'), plan.replace('metrics:\n', `metrics:\n  labels: ${labels}\n`));
      await write('{ version: app_version, flag: "ff_{flag}" }');
      const good = await runCli(['check', '.', '--format', 'json', '--today', '2026-11-30'], folder);
      assert.strictEqual(good.code, 0, good.stdout);
      await write('{ version: app-version, flag: "ff_flag", color: red }');
      const bad = await runCli(['check', '.', '--format', 'json', '--today', '2026-11-30'], folder);
      assert.strictEqual(bad.code, 1);
      const messages = (JSON.parse(bad.stdout) as { ruleId: string; message: string }[])
        .filter((row) => row.ruleId === 'schema')
        .map((row) => row.message);
      assert.strictEqual(messages.length, 3, messages.join('\n'));
      assert.ok(messages.some((message) => message.includes('metrics.labels.version')));
      assert.ok(messages.some((message) => message.includes('metrics.labels.flag')));
      assert.ok(messages.some((message) => message.includes('color')));
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });

  it('hover on metrics.labels explains the version label and how a flag maps to a label', () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata: { name: a, service: b, owner: c }',
      'metrics:',
      '  labels:',
      '    version: app_version',
      '    flag: ff_{flag}',
      'stages: [{ name: s, weight: 5, duration: 1h }]',
    );
    const hover = (word: string) => hoverAt(parseSourceFile('p.release.yaml', text), text.indexOf(word) + 1, emptyFacts(), '2026-11-30');
    assert.match(hover('labels:')!, /`stagegate check --readiness --metrics`/);
    assert.match(hover('version: app')!, /holds the deployed version \(default `version`\)/);
    assert.match(hover('flag: ff')!, /flag `new-checkout` is the label `flag_new_checkout`/);
  });
});
