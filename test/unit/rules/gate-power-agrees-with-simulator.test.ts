// The lint's statistics and the simulator model the same gates: their request counts and false-rollback estimates
// must agree, on plans where the stage's traffic is not simply its weight of all traffic over equal windows.
import * as assert from 'assert';
import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { gateStatistics } from '../../../src/engine/stats/gate-power';
import { baselineView, planSchedule, stageViews, trafficView } from '../../../src/engine/model/plan-view';
import { loadPlanText } from '../simulate/helpers';
import { lines, runCli } from '../helpers';

interface Case {
  title: string;
  text: string;
  /** Index of the one gated stage. */
  stage: number;
}

function header(requestsPerSecond: number, extra: string[] = [], baseline = 'baseline: { errorRate: 0.002, latencyP95Ms: 200 }'): string[] {
  return [
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: a, service: b, owner: c }',
    ...extra,
    'traffic:',
    `  requestsPerSecond: ${requestsPerSecond}`,
    '  dimensions: { region: { eu: 0.5, us: 0.3, ap: 0.2 } }',
    baseline,
    'rollback: { automatic: true }',
    'stages:',
  ];
}

function perRegion(bound: string, dispersion?: string, metric = 'errorRate'): Case {
  const baseline = dispersion
    ? `baseline: { errorRate: 0.002, latencyP95Ms: 200, kpis: { pay: 0.97 }, dispersion: ${dispersion} }`
    : undefined;
  return {
    title: `a canary judged per region (${metric} ${bound}${dispersion ? `, dispersion ${dispersion}` : ''})`,
    stage: 0,
    text: lines(
      ...header(1000, [], baseline),
      '  - name: canary',
      '    weight: 2',
      '    duration: 2h',
      '    interval: 30m',
      '    breakdown: [region]',
      `    gates: [{ metric: ${metric}, ${bound} }]`,
      '  - name: full',
      '    weight: 100',
      '    duration: 1h',
    ),
  };
}

/** A gauge gate: not counted from requests, each version's value drawn per window around baseline.gauges. */
function gauge(
  bound: string,
  options: { dispersion?: string; breakdown?: boolean; weight?: number; requestsPerSecond?: number } = {},
): Case {
  const spread = options.dispersion ? `, dispersion: { gauges: { cpu: ${options.dispersion} } }` : '';
  return {
    title: `a gauge gate (gauge:cpu ${bound}, ${options.dispersion ? `dispersion ${options.dispersion}` : 'the default dispersion'}${options.breakdown ? ', with a breakdown' : ''}${options.weight === 100 ? ', on a 100% stage' : ''})`,
    stage: 0,
    text: lines(
      ...header(options.requestsPerSecond ?? 200, [], `baseline: { errorRate: 0.002, latencyP95Ms: 200, gauges: { cpu: 0.5 }${spread} }`),
      '  - name: canary',
      `    weight: ${options.weight ?? 5}`,
      '    duration: 2h',
      '    interval: 30m',
      ...(options.breakdown ? ['    breakdown: [region]'] : []),
      `    gates: [{ metric: gauge:cpu, ${bound} }]`,
      ...(options.weight === 100 ? [] : ['  - name: full', '    weight: 100', '    duration: 1h']),
    ),
  };
}

const GAUGE_CASES: Case[] = [
  // An absolute bound against the new version's own draw; the breakdown does not split a gauge.
  gauge('max: 0.6', { dispersion: '0.1', breakdown: true }),
  // A relative bound compares two independent draws (each version's own instances).
  gauge('maxIncrease: 20%', { dispersion: '0.1' }),
  // Without baseline.dispersion.gauges, the simulator's default spread of 5%.
  gauge('max: 0.54'),
  // A lower bound (a gauge that must not fall, such as free connections).
  gauge('min: 0.42', { dispersion: '0.1' }),
  // On a 100% stage no current version serves: the relative bound uses the plan's value.
  gauge('maxIncrease: 15%', { dispersion: '0.1', weight: 100 }),
];

const CASES: Case[] = [
  perRegion('maxIncrease: 50%'),
  perRegion('max: 0.3%'),
  // Over-dispersion: each window's true values drift for both versions; an absolute bound sees the drift, a
  // relative one mostly compares it away.
  perRegion('max: 0.35%', '{ errorRate: 0.0001 }'),
  perRegion('maxIncrease: 50%', '{ errorRate: 0.0001 }'),
  perRegion('max: 230', '{ latencyP95Ms: 0.06 }', 'latencyP95Ms'),
  perRegion('min: 96.5%', '{ kpis: { pay: 0.00003 } }', 'kpi:pay'),
  {
    // The new version's internal users are compared with every current-version request, external ones included.
    title: 'an internal stage with a relative bound (100 rps)',
    stage: 0,
    text: lines(
      ...header(100),
      '  - name: dogfood',
      '    cohort: internal',
      '    weight: 50',
      '    duration: 4h',
      '    interval: 1h',
      '    gates: [{ metric: errorRate, maxIncrease: 100% }]',
      '  - name: full',
      '    weight: 100',
      '    duration: 1h',
    ),
  },
  {
    // A blue-green switch serves all traffic from the new version, whatever the stage's weight says.
    title: 'a blue-green switch (100 rps)',
    stage: 1,
    text: lines(
      ...header(100, ['strategy: blue-green']),
      '  - name: internal',
      '    cohort: internal',
      '    weight: 100',
      '    duration: 30m',
      '  - name: switch',
      '    weight: 10',
      '    duration: 30m',
      '    interval: 10m',
      '    gates: [{ metric: errorRate, max: 0.23% }]',
    ),
  },
  {
    // 50m every 15m: windows of 15, 15 and 20 minutes, the last one judged on more traffic.
    title: 'a duration that is not a multiple of the interval (100 rps)',
    stage: 0,
    text: lines(
      ...header(100),
      '  - name: canary',
      '    weight: 10',
      '    duration: 50m',
      '    interval: 15m',
      '    gates: [{ metric: errorRate, max: 0.3% }]',
      '  - name: full',
      '    weight: 100',
      '    duration: 1h',
    ),
  },
  ...GAUGE_CASES,
];

function lintStatistics(text: string, stageIndex: number) {
  const value = parse(text) as Record<string, unknown>;
  const stage = stageViews(value)[stageIndex];
  return gateStatistics(stage.gates[0], stage, trafficView(value), baselineView(value), 0.8, planSchedule(value))!;
}

describe('gate statistics agree with the simulator', () => {
  for (const { title, text, stage } of CASES) {
    it(`new-version requests per window and false-rollback probability: ${title}`, async () => {
      const stats = lintStatistics(text, stage);
      const { simulator } = await loadPlanText('p.release.yaml', text);
      // Requests: the simulator routes each request on its own, so a window's count is binomial around the lint's.
      const run = simulator!.run('healthy', 1);
      const first = run.evaluations.find((evaluation) => evaluation.stageIndex === stage)!;
      assert.strictEqual(first.windowMinutes, stats.windowMinutes);
      assert.strictEqual(run.evaluations.filter((evaluation) => evaluation.stageIndex === stage).length, stats.evaluations);
      const samples = first.all.samples;
      assert.ok(
        Math.abs(samples - stats.requestsPerWindow) <= 4 * Math.sqrt(stats.requestsPerWindow) + 1,
        `simulated ${samples} new-version requests in the first window, lint ${stats.requestsPerWindow}`,
      );

      const runs = 4000;
      const simulated = simulator!.runMany('healthy', 1, runs).falseRollbackRate as number;
      const standardError = Math.sqrt((simulated * (1 - simulated)) / runs);
      if (process.env.STAGEGATE_VERBOSE) console.log(`${title}: lint ${stats.falseRollbackPerStage.toFixed(4)} simulated ${simulated}`);
      assert.ok(simulated > 0.02, 'the plan is noisy enough for the comparison to mean something');
      // The lint combines overlapping cells as independent, which can only overstate the risk a little.
      assert.ok(
        stats.falseRollbackPerStage >= simulated - 3 * standardError,
        `lint ${stats.falseRollbackPerStage} vs simulated ${simulated}`,
      );
      assert.ok(
        stats.falseRollbackPerStage <= simulated * 1.15 + 3 * standardError,
        `lint ${stats.falseRollbackPerStage} vs simulated ${simulated}`,
      );
    });
  }

  // Power: the regression the lint names, replayed as a resource-regression of that factor, on a stage of one window.
  for (const [bound, dispersion] of [
    ['max: 0.6', '0.45'],
    ['maxIncrease: 30%', '0.3'],
    ['min: 0.4', '0.4'],
  ] as const) {
    it(`gauge gate detection probability per window: gauge:cpu ${bound}, dispersion ${dispersion}`, async () => {
      const text = (multiplier?: number) =>
        lines(
          ...header(
            200,
            [],
            `baseline: { errorRate: 0.002, latencyP95Ms: 200, gauges: { cpu: 0.5 }, dispersion: { gauges: { cpu: ${dispersion} } } }`,
          ),
          '  - name: canary',
          '    weight: 5',
          '    duration: 30m',
          '    interval: 30m',
          `    gates: [{ metric: gauge:cpu, ${bound} }]`,
          '  - name: full',
          '    weight: 100',
          '    duration: 1h',
          ...(multiplier === undefined ? [] : [`scenarios: { regress: { kind: resource-regression, gaugeMultiplier: ${multiplier} } }`]),
        );
      const stats = lintStatistics(text(), 0);
      assert.strictEqual(stats.metric, 'gauge');
      assert.strictEqual(stats.evaluations, 1);
      const { simulator } = await loadPlanText('p.release.yaml', text(stats.regressed / stats.healthy));
      const runs = 4000;
      const summary = simulator!.runMany('regress', 1, runs) as { detectionByStage: Record<string, number> };
      const simulated = summary.detectionByStage.canary;
      const standardError = Math.sqrt((simulated * (1 - simulated)) / runs);
      if (process.env.STAGEGATE_VERBOSE) console.log(`${bound}: lint ${stats.detectionProbability.toFixed(4)} simulated ${simulated}`);
      assert.ok(simulated > 0.05 && simulated < 0.95, `the comparison means something (${simulated})`);
      assert.ok(
        Math.abs(stats.detectionProbability - simulated) <= 3 * standardError + 0.005,
        `lint ${stats.detectionProbability} vs simulated ${simulated}`,
      );
    });
  }

  it('through the CLI: check states the probability that simulate --scenario healthy measures', async () => {
    const { text } = CASES[3];
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-agree-'));
    writeFileSync(path.join(folder, 'switch.release.yaml'), text);
    const check = await runCli(['check', 'switch.release.yaml', '--format', 'json'], folder);
    const finding = (JSON.parse(check.stdout) as { ruleId: string; message: string }[]).find(
      (row) => row.ruleId === 'gate-false-rollback-likely',
    );
    assert.ok(finding, check.stdout);
    const stated = Number(/with probability ([\d.]+)% over the stage/.exec(finding.message)![1]) / 100;
    const simulate = await runCli(
      ['simulate', 'switch.release.yaml', '--scenario', 'healthy', '--runs', '2000', '--format', 'json'],
      folder,
    );
    assert.strictEqual(simulate.code, 0, simulate.stderr);
    const measured = (JSON.parse(simulate.stdout) as { falseRollbackRate: number }).falseRollbackRate;
    const standardError = Math.sqrt((measured * (1 - measured)) / 2000);
    // The message rounds to a tenth of a point.
    assert.ok(Math.abs(stated - measured) <= 3 * standardError + 0.001, `check says ${stated}, simulate measures ${measured}`);
  });

  it('through the CLI: for a gauge gate, check states the false-rollback and detection probabilities that simulate measures', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-agree-gauge-'));
    const plan = (scenario: string) =>
      lines(
        ...header(
          200,
          [],
          'baseline: { errorRate: 0.002, latencyP95Ms: 200, gauges: { cpu: 0.5 }, dispersion: { gauges: { cpu: 0.45 } } }',
        ),
        '  - name: canary',
        '    weight: 5',
        '    duration: 30m',
        '    interval: 30m',
        '    gates: [{ metric: gauge:cpu, max: 0.6 }]',
        '  - name: full',
        '    weight: 100',
        '    duration: 1h',
        scenario,
      );
    writeFileSync(path.join(folder, 'cpu.release.yaml'), plan(''));
    const check = await runCli(['check', 'cpu.release.yaml', '--format', 'json'], folder);
    const rows = JSON.parse(check.stdout) as { ruleId: string; message: string }[];
    const falseRollback = rows.find((row) => row.ruleId === 'gate-false-rollback-likely');
    const underpowered = rows.find((row) => row.ruleId === 'gate-underpowered');
    assert.ok(falseRollback && underpowered, check.stdout);
    const stated = Number(/with probability ([\d.]+)% over the stage/.exec(falseRollback.message)![1]) / 100;
    // "a rise to 1.5 × the bound (0.5 → 0.9) trips it with probability 76.7% per 30m window"
    const power = /\(0\.5 → ([\d.]+)\) trips it with probability ([\d.]+)% per 30m window/.exec(underpowered.message);
    assert.ok(power, underpowered.message);
    const measure = async (scenario: string, pick: (summary: Record<string, unknown>) => number) => {
      const result = await runCli(['simulate', 'cpu.release.yaml', '--scenario', scenario, '--runs', '2000', '--format', 'json'], folder);
      assert.strictEqual(result.code, 0, result.stderr);
      return pick(JSON.parse(result.stdout) as Record<string, unknown>);
    };
    const healthy = await measure('healthy', (summary) => summary.falseRollbackRate as number);
    // The message rounds to a tenth of a point.
    assert.ok(
      Math.abs(stated - healthy) <= 3 * Math.sqrt((healthy * (1 - healthy)) / 2000) + 0.001,
      `check says ${stated}, simulate measures ${healthy}`,
    );
    writeFileSync(
      path.join(folder, 'cpu.release.yaml'),
      plan(`scenarios: { regress: { kind: resource-regression, gaugeMultiplier: ${Number(power[1]) / 0.5} } }`),
    );
    const detected = await measure('regress', (summary) => (summary.detectionByStage as Record<string, number>).canary);
    const statedPower = Number(power[2]) / 100;
    assert.ok(
      Math.abs(statedPower - detected) <= 3 * Math.sqrt((detected * (1 - detected)) / 2000) + 0.001,
      `check says ${statedPower}, simulate measures ${detected}`,
    );
  });
});
