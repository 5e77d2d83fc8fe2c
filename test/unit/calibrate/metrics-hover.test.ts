// The metrics section's hover text comes from the schema's descriptions, as for every other key of a plan.

import * as assert from 'assert';
import { hoverAt } from '../../../src/engine/assist/hover';
import { emptyFacts } from '../../../src/engine/model/facts';
import { parseSourceFile } from '../../../src/engine/parse/source-file';
import { lines } from '../helpers';

const TEXT = lines(
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: a, service: b, owner: c }',
  'metrics:',
  '  prometheus:',
  '    url: http://localhost:9090',
  '    headers: { Authorization: env:PROM_TOKEN }',
  '  queries:',
  '    errors: sum(rate(e[$window]))',
  '    kpi:pay: x',
  'stages: [{ name: s, weight: 5, duration: 1h }]',
);

function hoverOn(word: string): string | undefined {
  const file = parseSourceFile('p.release.yaml', TEXT);
  return hoverAt(file, TEXT.indexOf(word) + 1, emptyFacts(), '2026-11-30');
}

describe('calibrate: hover on the metrics section', () => {
  it('describes metrics, headers, a query and a kpi: query from the schema', () => {
    assert.match(
      hoverOn('metrics:')!,
      /^\*\*metrics\*\*\n\nWhere the recorded history of the current version lives.*Thanos, Mimir, VictoriaMetrics/s,
    );
    assert.match(hoverOn('headers:')!, /Values name an environment variable \(`env:PROM_TOKEN`\)/);
    assert.match(hoverOn('errors:')!, /Failed requests per second/);
    assert.match(hoverOn('kpi:pay')!, /`kpi:<name>`: a success rate/);
  });
});
