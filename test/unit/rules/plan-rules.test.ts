import * as assert from 'assert';
import { applyFixes } from '../../../src/engine/fix';
import { parseConfig as parseConfigText } from '../../../src/engine/config/load';

const parseConfig = (text: string) => parseConfigText(text, '2026-11-26').config;
import { at, checkFiles, checkOne, lines, only } from '../helpers';

/** A plan that every plan rule accepts; tests change one thing at a time. */
function plan(
  overrides: { traffic?: string[]; baseline?: string[]; flags?: string[]; stages?: string[]; rollback?: string[] } = {},
): string {
  return lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata:',
    '  name: checkout',
    '  service: checkout',
    '  owner: team-payments',
    '  version: 2.4.0',
    ...(overrides.traffic ?? ['traffic:', '  requestsPerSecond: 1200', '  dimensions:', '    region: { eu: 0.5, us: 0.5 }']),
    ...(overrides.baseline ?? ['baseline:', '  errorRate: 0.002', '  latencyP95Ms: 180']),
    ...(overrides.flags ?? []),
    ...(overrides.stages ?? [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        maxIncrease: 100%',
      '      - metric: latencyP95Ms',
      '        maxIncrease: 20%',
      '  - name: full',
      '    weight: 100',
    ]),
    ...(overrides.rollback ?? ['rollback:', '  automatic: true']),
  );
}

const RULE_IDS_THAT_SHOULD_BE_QUIET = (findings: { ruleId: string }[]) => findings.map((finding) => finding.ruleId);

describe('plan rules', () => {
  it('the reference plan raises nothing', async () => {
    assert.deepStrictEqual(RULE_IDS_THAT_SHOULD_BE_QUIET(await checkOne('p.release.yaml', plan())), []);
  });

  it('stage-weights-not-increasing: reported at the lower weight; internal stages are off the ladder', async () => {
    const stages = [
      'stages:',
      '  - name: internal',
      '    cohort: internal',
      '    weight: 100',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, max: 1% }]',
      '  - name: ten',
      '    weight: 10',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
      '  - name: five',
      '    weight: 5',
      '    duration: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }]',
    ];
    const findings = only(await checkOne('p.release.yaml', plan({ stages })), 'stage-weights-not-increasing');
    assert.deepStrictEqual(findings.map(at), ['stage-weights-not-increasing@25:12-25:13']);
  });

  it('stage-without-gates: a 1% stage without gates is an error at its name, with an add-gates fix that yields a clean plan', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    breakdown: [region]',
      '  - name: full',
      '    weight: 100',
    ];
    const text = plan({ stages });
    const findings = only(await checkOne('p.release.yaml', text), 'stage-without-gates');
    assert.deepStrictEqual(findings.map(at), ['stage-without-gates@15:10-15:16']);
    const fixed = applyFixes(text, findings, false).text;
    assert.ok(fixed.includes('    gates:\n      - metric: errorRate\n        maxIncrease: 20%\n'), fixed);
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', fixed), 'stage-without-gates'), []);
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', fixed), 'schema'), []);
  });

  it('stage-without-gates: a 0% or 100% stage needs none', async () => {
    const stages = [
      'stages:',
      '  - name: deploy',
      '    weight: 0',
      '    duration: 10m',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates: [{ metric: errorRate, maxIncrease: 100% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
      '  - name: full',
      '    weight: 100',
    ];
    assert.deepStrictEqual(RULE_IDS_THAT_SHOULD_BE_QUIET(await checkOne('p.release.yaml', plan({ stages }))), []);
  });

  it('gate-without-bound: a gate with only a metric is reported at the metric', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '      - metric: latencyP95Ms',
      '        maxIncrease: 20%',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'gate-without-bound').map(at), [
      'gate-without-bound@21:16-21:25',
    ]);
  });

  it('gate-unknown-kpi: a KPI gate without a baseline KPI is reported at the metric', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        maxIncrease: 50%',
      '      - metric: latencyP95Ms',
      '        maxIncrease: 20%',
      '      - metric: kpi:signup',
      '        minRatio: 0.98',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'gate-unknown-kpi').map(at), [
      'gate-unknown-kpi@25:16-25:26',
    ]);
  });

  it('plan-missing-signal: a baseline KPI no canary gate watches is reported at stages', async () => {
    const baseline = ['baseline:', '  errorRate: 0.002', '  latencyP95Ms: 180', '  kpis: { payment-success: 0.97 }'];
    const text = plan({ baseline });
    const findings = only(await checkOne('p.release.yaml', text), 'plan-missing-signal');
    assert.deepStrictEqual(findings.map(at), ['plan-missing-signal@15:0-15:6']);
    assert.match(findings[0].message, /KPI "payment-success"/);
    const fixed = applyFixes(text, findings, false).text;
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', fixed), 'plan-missing-signal'), [], fixed);
  });

  describe('gate-underpowered', () => {
    const lowTraffic = ['traffic:', '  requestsPerSecond: 20', '  dimensions:', '    region: { eu: 0.5, us: 0.5 }'];
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        maxIncrease: 50%',
      '      - metric: latencyP95Ms',
      '        maxIncrease: 20%',
      '  - name: full',
      '    weight: 100',
    ];

    it('reports a gate whose window is too small, with the numbers and a remedy', async () => {
      const findings = only(await checkOne('p.release.yaml', plan({ traffic: lowTraffic, stages })), 'gate-underpowered');
      assert.deepStrictEqual(findings.map(at), ['gate-underpowered@20:16-20:25']);
      // 20 rps × 1% × 300 s = 60 requests, judged on all traffic (60) and per region (30 each). The bound is
      // 0.2% × 1.5 = 0.3%; the regression tested is the larger of a doubling (0.4%) and 1.5 × the bound (0.45%).
      // A cell trips when its errors exceed floor(n × 0.003) = 0: P = 1 − (1 − 0.0045)^n, and the window trips
      // when any cell does: 1 − (1 − 0.237)(1 − 0.126)² = 41.7%.
      assert.match(
        findings[0].message,
        /about 60 new-version requests per 5m window at 1% of 20 rps \(0\.2\/s\), judged on all traffic and 2 breakdown values \(smallest: region=eu, about 30 requests\)/,
      );
      assert.match(
        findings[0].message,
        /a rise to 1\.5 × the bound \(0\.2% → 0\.45%\) trips it with probability 42%, below the 80% target/,
      );
      assert.match(findings[0].message, /would reach 80%: a weight of [\d.]+% or an interval of /);
    });

    it('the target is an option: at 99.9%, the latency gate (99.5% over its three cells) is reported too', async () => {
      const config = parseConfig('rules:\n  gate-underpowered: { options: { targetPower: 0.999 } }\n');
      assert.deepStrictEqual(
        only(await checkOne('p.release.yaml', plan({ traffic: lowTraffic, stages }), config), 'gate-underpowered').map(at),
        ['gate-underpowered@20:16-20:25', 'gate-underpowered@22:16-22:28'],
      );
    });
  });

  it('gate-threshold-below-baseline: an absolute max under the healthy error rate gives its false-rollback probability', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        max: 0.1%',
      '      - metric: latencyP95Ms',
      '        max: 150',
    ];
    const findings = only(await checkOne('p.release.yaml', plan({ stages })), 'gate-threshold-below-baseline');
    assert.deepStrictEqual(findings.map(at), ['gate-threshold-below-baseline@22:13-22:17', 'gate-threshold-below-baseline@24:13-24:16']);
    assert.match(
      findings[0].message,
      /max 0\.1%, but the healthy current version runs at 0\.2%: a release with no regression fails it with probability 100% per window/,
    );
  });

  it('gate-false-rollback-likely: a relative bound within sampling noise is reported at the bound', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        maxIncrease: 10%',
      '      - metric: latencyP95Ms',
      '        maxIncrease: 20%',
    ];
    const findings = only(await checkOne('p.release.yaml', plan({ stages })), 'gate-false-rollback-likely');
    assert.deepStrictEqual(findings.map(at), ['gate-false-rollback-likely@21:21-21:24']);
  });

  it('stage-first-weight-too-large: above 5% is reported at the weight; the limit is an option', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 20',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'stage-first-weight-too-large').map(at), [
      'stage-first-weight-too-large@16:12-16:14',
    ]);
    const config = parseConfig('rules:\n  stage-first-weight-too-large: { options: { maxWeight: 25 } }\n');
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages }), config), 'stage-first-weight-too-large'), []);
  });

  it('rollback-not-automatic: reported at automatic: false, and at stages when rollback is missing', async () => {
    assert.deepStrictEqual(
      only(await checkOne('p.release.yaml', plan({ rollback: ['rollback:', '  automatic: false'] })), 'rollback-not-automatic').map(at),
      ['rollback-not-automatic@28:13-28:18'],
    );
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ rollback: [] })), 'rollback-not-automatic').map(at), [
      'rollback-not-automatic@14:0-14:6',
    ]);
  });

  it('breakdown-missing: dimensions without any per-dimension stage are reported at dimensions', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'breakdown-missing').map(at), [
      'breakdown-missing@9:2-9:12',
    ]);
  });

  it('breakdown-unknown-dimension: reported at the list item', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region, tenant]',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'breakdown-unknown-dimension').map(at), [
      'breakdown-unknown-dimension@19:24-19:30',
    ]);
  });

  it('stage-interval-exceeds-duration: reported at the interval', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 10m',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'stage-interval-exceeds-duration').map(at), [
      'stage-interval-exceeds-duration@18:14-18:17',
    ]);
  });

  it('stage-duplicate-name: the second stage with a name is reported', async () => {
    const stages = [
      'stages:',
      '  - name: canary',
      '    weight: 1',
      '    duration: 1h',
      '    interval: 30m',
      '    breakdown: [region]',
      '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
      '  - name: canary',
      '    weight: 100',
    ];
    assert.deepStrictEqual(only(await checkOne('p.release.yaml', plan({ stages })), 'stage-duplicate-name').map(at), [
      'stage-duplicate-name@21:10-21:16',
    ]);
  });

  describe('cross-file flag rules', () => {
    const flagsFile = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  a:',
      '    owner: x',
      '    description: x',
      '    expires: 2026-11-27',
      '  b:',
      '    owner: x',
      '    description: x',
      '    expires: 2027-01-10',
      '  c:',
      '    owner: x',
      '    description: x',
      '    expires: 2027-01-10',
      '    variants: { red: 1, green: 2, blue: 3 }',
      '    default: red',
      '  d:',
      '    owner: x',
      '    description: x',
      '    expires: 2027-01-10',
    );

    it('plan-unknown-flag: a key defined in no flag file is an error with related information to the files searched', async () => {
      const result = await checkFiles({ '/w/p.release.yaml': plan({ flags: ['flags: [b, nope]'] }), '/w/f.flags.yaml': flagsFile });
      const findings = only(result['/w/p.release.yaml'], 'plan-unknown-flag');
      assert.deepStrictEqual(findings.map(at), ['plan-unknown-flag@14:11-14:15']);
      assert.deepStrictEqual(
        findings[0].related?.map((related) => related.file),
        ['/w/f.flags.yaml'],
      );
    });

    it('plan-unknown-flag: goes away when the flag file gains the flag', async () => {
      const result = await checkFiles({
        '/w/p.release.yaml': plan({ flags: ['flags: [nope]'] }),
        '/w/f.flags.yaml': flagsFile.replace('  d:', '  nope:'),
      });
      assert.deepStrictEqual(only(result['/w/p.release.yaml'], 'plan-unknown-flag'), []);
    });

    it('plan-flag-expires-during-rollout: a flag expiring before the stages finish', async () => {
      const stages = [
        'stages:',
        '  - name: canary',
        '    weight: 1',
        '    duration: 2d',
        '    interval: 30m',
        '    breakdown: [region]',
        '    gates: [{ metric: errorRate, maxIncrease: 50% }, { metric: latencyP95Ms, maxIncrease: 20% }]',
      ];
      const result = await checkFiles({ '/w/p.release.yaml': plan({ flags: ['flags: [a, b]'], stages }), '/w/f.flags.yaml': flagsFile });
      assert.deepStrictEqual(only(result['/w/p.release.yaml'], 'plan-flag-expires-during-rollout').map(at), [
        'plan-flag-expires-during-rollout@14:8-14:9',
      ]);
    });

    it('plan-too-many-flags: more than 3 flags, with the size of the combination space', async () => {
      const result = await checkFiles({ '/w/p.release.yaml': plan({ flags: ['flags: [b, c, d, a]'] }), '/w/f.flags.yaml': flagsFile });
      const findings = only(result['/w/p.release.yaml'], 'plan-too-many-flags');
      assert.deepStrictEqual(findings.map(at), ['plan-too-many-flags@14:0-14:5']);
      assert.match(findings[0].message, /4 flags \(more than 3\): together they make 24 combinations/);
    });
  });
});
