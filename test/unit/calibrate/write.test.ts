// Writing a calibration into a plan: the values land where the agreed field names say, and every byte that is not a
// written value (comments, blank lines, quoting, flow mappings, other sections) stays as it was.

import * as assert from 'assert';
import { parse } from 'yaml';
import type { Calibration } from '../../../src/engine/calibrate/fit';
import { CALIBRATED_COMMENT, writeCalibration } from '../../../src/engine/calibrate/write';
import { lines } from '../helpers';

const PROFILE = Array.from({ length: 168 }, (_, hour) => (hour % 2 === 0 ? 0.5 : 1.5));

const CALIBRATION: Calibration = {
  window: { from: '2025-11-03T00:00:00Z', to: '2025-11-10T00:00:00Z' },
  traffic: { requestsPerSecond: 100.02, profile: { hourOfWeek: PROFILE }, dimensions: { region: { 'eu-west': 0.4, 'us-east': 0.6 } } },
  baseline: { errorRate: 0.0099, latencyP95Ms: 181.6, kpis: { 'payment-success': 0.97 }, gauges: { cpu: 0.6 } },
  dispersion: { errorRate: 0.00056, latencyP95Ms: 0.1, 'kpi:payment-success': 0.0007, 'gauge:cpu': 0.14 },
  samples: { window: '30m', windows: 336, requests: 60_000_000, errors: 600_000 },
  notes: [],
};
const STAMP = { at: '2026-11-30T00:00:00Z', server: 'http://prom.internal:9090' };

const PLAN = lines(
  '# Release plan for checkout: comments everywhere must survive.',
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: checkout, service: checkout, owner: team }',
  '',
  '# Traffic as we guessed it.',
  'traffic:',
  '  requestsPerSecond: 50     # a guess',
  '  requestsPerUser: 25',
  '  dimensions:',
  '    region:',
  "      'eu-west': 0.50   # quoted on purpose",
  '      us-east: 0.50',
  '',
  'baseline:',
  '  errorRate: 0.002',
  '  kpis: { payment-success: 0.9 }   # flow mapping',
  '',
  'stages:',
  '  - name: canary    # odd spacing kept',
  '    weight:   5',
  '    duration: 2h',
  '    interval: 30m',
  '',
  '# trailing comment',
);

/** The lines of `after` that are not in `before`, and the lines of `before` that are gone, in order. */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence of lines: small files, so the quadratic table is fine.
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || table[i][j + 1] >= table[i + 1][j])) added.push(b[j++]);
    else removed.push(a[i++]);
  }
  return { added, removed };
}

describe('calibrate: writing into a plan', () => {
  it('writes the agreed fields and changes no other byte of a YAML plan', () => {
    const written = writeCalibration(PLAN, false, CALIBRATION, STAMP);
    const value = parse(written);
    assert.strictEqual(value.traffic.requestsPerSecond, 100.02);
    assert.deepStrictEqual(value.traffic.profile.hourOfWeek, PROFILE);
    assert.deepStrictEqual(value.traffic.dimensions, { region: { 'eu-west': 0.4, 'us-east': 0.6 } });
    assert.strictEqual(value.traffic.requestsPerUser, 25);
    assert.deepStrictEqual(value.baseline, {
      errorRate: 0.0099,
      latencyP95Ms: 181.6,
      kpis: { 'payment-success': 0.97 },
      dispersion: { errorRate: 0.00056, latencyP95Ms: 0.1, kpis: { 'payment-success': 0.0007 }, gauges: { cpu: 0.14 } },
      gauges: { cpu: 0.6 },
    });

    const { added, removed } = lineDiff(PLAN, written);
    // Only the lines holding a written value changed, each keeping its own comment and quoting.
    assert.deepStrictEqual(removed, [
      '  requestsPerSecond: 50     # a guess',
      "      'eu-west': 0.50   # quoted on purpose",
      '      us-east: 0.50',
      '  errorRate: 0.002',
      '  kpis: { payment-success: 0.9 }   # flow mapping',
    ]);
    assert.ok(added.includes('  requestsPerSecond: 100.02     # a guess'));
    assert.ok(added.includes("      'eu-west': 0.4   # quoted on purpose"));
    assert.ok(added.includes('  kpis: { payment-success: 0.97 }   # flow mapping'));
    assert.ok(
      added[0].startsWith(
        `${CALIBRATED_COMMENT} at 2026-11-30T00:00:00Z from http://prom.internal:9090, history 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z in 30m windows`,
      ),
    );
    // Everything from stages: on is the same bytes.
    assert.strictEqual(written.slice(written.indexOf('stages:')), PLAN.slice(PLAN.indexOf('stages:')));
    assert.strictEqual(written.slice(0, written.indexOf('# Traffic as')), PLAN.slice(0, PLAN.indexOf('# Traffic as')));
  });

  it('puts the comment right above traffic:, and a second calibration replaces it rather than adding one', () => {
    const once = writeCalibration(PLAN, false, CALIBRATION, STAMP);
    const lineList = once.split('\n');
    const trafficLine = lineList.indexOf('traffic:');
    assert.ok(lineList[trafficLine - 1].startsWith(CALIBRATED_COMMENT));
    assert.strictEqual(lineList[trafficLine - 2], '# Traffic as we guessed it.');
    const twice = writeCalibration(
      once,
      false,
      { ...CALIBRATION, traffic: { ...CALIBRATION.traffic, requestsPerSecond: 120 } },
      { ...STAMP, at: '2026-12-01T00:00:00Z' },
    );
    assert.strictEqual(twice.split(CALIBRATED_COMMENT).length - 1, 1);
    assert.match(twice, /at 2026-12-01T00:00:00Z/);
    assert.strictEqual(parse(twice).traffic.requestsPerSecond, 120);
    // Rewriting the same values is a fixed point.
    assert.strictEqual(writeCalibration(once, false, CALIBRATION, STAMP), once);
  });

  it('replaces a dimension whole when the recorded values differ from the written ones', () => {
    const plan = PLAN.replace("'eu-west'", 'ap-south');
    const written = writeCalibration(plan, false, CALIBRATION, STAMP);
    assert.deepStrictEqual(parse(written).traffic.dimensions.region, { 'eu-west': 0.4, 'us-east': 0.6 });
  });

  it('creates traffic and baseline where the plan has none', () => {
    const plan = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata: { name: a, service: b, owner: c }',
      'stages:',
      '  - { name: s, weight: 1, duration: 1h }',
    );
    const written = writeCalibration(plan, false, CALIBRATION, STAMP);
    const value = parse(written);
    assert.strictEqual(value.traffic.requestsPerSecond, 100.02);
    assert.strictEqual(value.baseline.dispersion.kpis['payment-success'], 0.0007);
    assert.deepStrictEqual(value.baseline.gauges, { cpu: 0.6 });
    assert.deepStrictEqual(value.baseline.dispersion.gauges, { cpu: 0.14 });
    assert.ok(written.startsWith(plan), 'appended after the existing text, which is unchanged');
  });

  it('writes a pretty-printed JSON plan as JSON, its untouched lines unchanged', () => {
    const plan =
      JSON.stringify(
        {
          apiVersion: 'stagegate.dev/v1',
          kind: 'ReleasePlan',
          metadata: { name: 'a' },
          traffic: { requestsPerSecond: 5 },
          baseline: { errorRate: 0.1 },
          stages: [{ name: 's', weight: 1 }],
        },
        null,
        2,
      ) + '\n';
    const written = writeCalibration(plan, true, CALIBRATION, STAMP);
    const value = JSON.parse(written);
    assert.strictEqual(value.traffic.requestsPerSecond, 100.02);
    assert.deepStrictEqual(value.traffic.profile.hourOfWeek, PROFILE);
    assert.strictEqual(value.baseline.dispersion.kpis['payment-success'], 0.0007);
    assert.deepStrictEqual([value.baseline.gauges, value.baseline.dispersion.gauges], [{ cpu: 0.6 }, { cpu: 0.14 }]);
    assert.ok(!written.includes('#'), 'JSON has no comments');
    assert.strictEqual(written.slice(written.indexOf('  "stages"')), plan.slice(plan.indexOf('  "stages"')));
    assert.deepStrictEqual(lineDiff(plan, written).removed, ['    "requestsPerSecond": 5', '    "errorRate": 0.1']);
  });

  it('refuses a file of several documents and a file that does not parse, saying why', () => {
    assert.throws(() => writeCalibration(PLAN + '---\nkind: Other\n', false, CALIBRATION, STAMP), /several documents/);
    assert.throws(() => writeCalibration('traffic: [\n', false, CALIBRATION, STAMP), /does not parse/);
  });
});
