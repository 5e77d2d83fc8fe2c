// How a Rollout's or Canary's provider metrics become calibrate's signals: the ratio split that gives requests and
// errors, and what is named when a query cannot be run or split.

import * as assert from 'assert';
import { rolloutMetrics, signalsFromMetrics, splitRatio } from '../../../src/engine/adapters/metric-sources';
import { adapterSettings } from '../../../src/engine/adapters/settings';
import { defaultConfig } from '../../../src/engine/config/config';

describe('metric sources of Rollouts and Canaries', () => {
  it('splits a query at its one top-level division only', () => {
    assert.deepStrictEqual(splitRatio('(sum(rate(a{path="/x/y"}[5m])) / sum(rate(b[5m])))'), {
      numerator: 'sum(rate(a{path="/x/y"}[5m]))',
      denominator: 'sum(rate(b[5m]))',
    });
    assert.deepStrictEqual(splitRatio('sum by (region) (rate(a[5m]))\n/\nsum by (region) (rate(b[5m]))'), {
      numerator: 'sum by (region) (rate(a[5m]))',
      denominator: 'sum by (region) (rate(b[5m]))',
    });
    // Another operator at top level binds differently; a vector-matching modifier is not two plain series.
    assert.strictEqual(splitRatio('100 - sum(a) / sum(b) * 100'), undefined);
    assert.strictEqual(splitRatio('sum(a) / sum(b) / sum(c)'), undefined);
    assert.strictEqual(splitRatio('sum by (x) (a) / on (x) group_left sum by (x) (b)'), undefined);
    assert.strictEqual(splitRatio('sum(rate(a[5m]))'), undefined);
  });

  it('a success rate gives errors as requests − successes; a configured query wins over a derived one', () => {
    const { sources, problems, notes } = signalsFromMetrics(
      [
        {
          label: 't/success',
          query: 'sum(ok) / sum(all)',
          mapping: { metric: 'errorRate', complement: true, scale: 1 },
          address: 'http://p:9090',
        },
      ],
      { headers: {}, queries: [{ signal: 'errors', query: 'sum(failed)' }] },
    );
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(sources?.url, 'http://p:9090');
    assert.deepStrictEqual(sources?.queries, [
      { signal: 'requests', query: 'sum(all)' },
      { signal: 'errors', query: 'sum(failed)' },
    ]);
    assert.ok(notes.includes('errors from metrics.queries in .stagegate.yaml, not from t/success.'), notes.join('\n'));
  });

  it('names a placeholder the resource does not fill and an arg read from the cluster', () => {
    const template = {
      spec: {
        args: [{ name: 'service' }, { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
        metrics: [
          {
            name: 'error-rate',
            interval: '5m',
            provider: { prometheus: { address: 'http://p:9090', query: 'sum(e{s="{{args.service}}",t="{{args.token}}"}) / sum(r)' } },
          },
        ],
      },
    };
    const rollout = {
      spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'errors' }] } }] } } },
    };
    const { metrics, problems } = rolloutMetrics(rollout, () => ({ template }), adapterSettings(defaultConfig('2026-01-01')));
    assert.deepStrictEqual(problems, [
      'errors/error-rate: arg token takes its value from the cluster (valueFrom), which Stagegate cannot read: write the query under metrics.queries in .stagegate.yaml.',
    ]);
    const derived = signalsFromMetrics(metrics, undefined);
    assert.strictEqual(derived.sources, undefined);
    assert.match(derived.problems[0], /^errors\/error-rate: \{\{args\.service\}\}, \{\{args\.token\}\} is not given by the resource/);
  });

  it('a metric named after a gauge of simulation.baseline.gauges gives that gauge, as the simulated gate reads it', () => {
    const template = {
      spec: {
        metrics: [
          { name: 'success-rate', interval: '5m', provider: { prometheus: { address: 'http://p:9090', query: 'sum(ok) / sum(all)' } } },
          { name: 'cpu-usage', interval: '5m', provider: { prometheus: { query: 'sum(rate(cpu[5m])) / sum(limits)' } } },
        ],
      },
    };
    const rollout = {
      spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'health' }] } }] } } },
    };
    const config = { ...defaultConfig('2026-01-01'), simulation: { baseline: { gauges: { 'cpu-usage': 0.5 } } } };
    const { metrics } = rolloutMetrics(rollout, () => ({ template }), adapterSettings(config));
    assert.deepStrictEqual(
      metrics.map((metric) => metric.mapping?.metric),
      ['errorRate', 'gauge:cpu-usage'],
    );
    const { sources } = signalsFromMetrics(metrics, undefined);
    assert.ok(
      sources?.queries.some((query) => query.signal === 'gauge:cpu-usage' && query.query === 'sum(rate(cpu[5m])) / sum(limits)'),
      JSON.stringify(sources?.queries),
    );
  });
});
