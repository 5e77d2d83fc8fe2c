// Gauges through the CLI: baseline.gauges in the schema, gauge gates in `simulate`, the resource-regression and
// memory-leak scenarios, and `check` on a gate that names an undeclared gauge.

import * as assert from 'assert';
import { readFileSync } from 'fs';
import { main } from '../../../src/cli/main';
import { completionsAt } from '../../../src/engine/assist/completion';
import { hoverAt } from '../../../src/engine/assist/hover';
import { emptyFacts } from '../../../src/engine/model/facts';
import { parseSourceFile } from '../../../src/engine/parse/source-file';
import { REPO_ROOT } from '../helpers';

const DIR = 'test/fixtures/simulate/gauges';
/** Gates errorRate, gauge:cpu (maxIncrease 30%) and gauge:memory-mb (max 1000); cpu 0.5, memory-mb 600. */
const GAUGED = `${DIR}/gauged.release.yaml`;
/** The same plan with its gauge gates removed: only the error rate is gated. */
const UNGAUGED = `${DIR}/ungauged.release.yaml`;
/** One 6-hour canary whose error and memory bounds a leak never reaches: the run shows the whole saw-tooth. */
const LEAK_WATCH = `${DIR}/leak-watch.release.yaml`;
const SEEDS = ['1', '2', '3', '4', '5'];

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: REPO_ROOT });
  return { code, stdout, stderr };
}

interface Run {
  kind: string;
  outcome: string;
  detection: { stage: string; minute: number; metric: string; observed: number; threshold: number } | null;
  blastRadius: { failedRequests: number };
  description: string;
}

async function simulate(plan: string, scenario: string, seed: string): Promise<Run> {
  const { code, stdout, stderr } = await run('simulate', plan, '--scenario', scenario, '--seed', seed, '--format', 'json');
  assert.strictEqual(code, 0, stderr);
  return JSON.parse(stdout) as Run;
}

describe('gauges in plans and the simulator', function () {
  this.timeout(60000);

  it('the plans with baseline.gauges, dispersion.gauges and gauge gates pass check', async () => {
    const { code, stdout } = await run('check', GAUGED, UNGAUGED, '--format', 'json');
    assert.strictEqual(stdout, '[]\n');
    assert.strictEqual(code, 0);
  });

  it('resource-regression: a gauge gate catches the rise, before any request fails', async () => {
    for (const seed of SEEDS) {
      const result = await simulate(GAUGED, 'resource-regression', seed);
      assert.strictEqual(result.kind, 'resource-regression');
      assert.match(result.description, /cpu rises 1\.5× \(0\.75, baseline 0\.5\)/);
      assert.strictEqual(result.outcome, 'rolled-back', seed);
      assert.strictEqual(result.detection?.metric, 'gauge:cpu', seed);
      assert.strictEqual(result.detection?.stage, 'canary-5', seed);
      // The bound is 30% above the current version's own drawn value, not a rate.
      assert.ok(result.detection.observed > 0.6 && result.detection.threshold > 0.5, JSON.stringify(result.detection));
      assert.strictEqual(result.blastRadius.failedRequests, 0);
    }
  });

  it('resource-regression: without a gauge gate nothing sees it and the rollout completes', async () => {
    for (const seed of SEEDS) {
      const result = await simulate(UNGAUGED, 'resource-regression', seed);
      assert.strictEqual(result.detection, null, seed);
      assert.strictEqual(result.outcome, 'completed', seed);
    }
  });

  it('memory-leak: the leaking gauge is memory-mb; restarts fail requests only after it reaches its limit', async () => {
    // 600 growing by 300 per hour reaches the default limit of 1200 at minute 120.
    for (const seed of SEEDS) {
      const result = await simulate(UNGAUGED, 'memory-leak', seed);
      assert.match(
        result.description,
        /memory-mb grows by 300 per hour from 600 up to 1200; at 1200 it restarts, failing 1% of requests \(baseline 0\.2%\) for 5 minutes, then grows again from 600/,
      );
      assert.strictEqual(result.detection?.metric, 'errorRate', seed);
      assert.ok(result.detection.minute > 120, `caught at minute ${result.detection.minute}`);
      assert.ok(result.blastRadius.failedRequests > 0, seed);
    }
  });

  it('memory-leak: at its limit the gauge restarts from its baseline and climbs again (a saw-tooth); requests fail only while restarting', async () => {
    // 600 + 300 per hour reaches 1200 at minute 120; restarts fail requests for 5 minutes; the gauge climbs again from
    // minute 125, so a cycle is 125 minutes: restarts at minutes 120–124, 245–249 and 370–374 of the 6-hour canary.
    interface LeakRun extends Run {
      evaluations: { minute: number; metric: string; all: { canary: number | null } }[];
      timeline: { minute: number; failedRequests: number }[];
    }
    for (const seed of SEEDS) {
      const result = (await simulate(LEAK_WATCH, 'memory-leak', seed)) as LeakRun;
      assert.strictEqual(result.outcome, 'completed', seed);
      const failing = result.timeline.filter((step) => step.failedRequests > 0).map((step) => step.minute);
      const restarting = (minute: number) => [120, 245, 370].some((start) => minute >= start && minute < start + 5);
      assert.ok(failing.length > 0 && failing.every(restarting), `requests failed at minutes ${failing.join(', ')}`);
      assert.ok(
        result.timeline.filter((step) => restarting(step.minute)).every((step) => step.failedRequests > 0),
        seed,
      );
      const memory = new Map(
        result.evaluations.filter((row) => row.metric === 'gauge:memory-mb').map((row) => [row.minute, row.all.canary as number]),
      );
      // Climbing, near the limit, then back near the baseline after the restart, and climbing again.
      assert.ok(memory.get(60)! > 800 && memory.get(60)! < 1000, `minute 60: ${memory.get(60)}`);
      assert.ok(memory.get(110)! > 1000, `minute 110: ${memory.get(110)}`);
      assert.ok(memory.get(130)! < 700, `minute 130, after the restart: ${memory.get(130)}`);
      assert.ok(memory.get(240)! > 1000, `minute 240: ${memory.get(240)}`);
      assert.ok(memory.get(250)! < 700, `minute 250, after the second restart: ${memory.get(250)}`);
    }
    const args = ['simulate', LEAK_WATCH, '--scenario', 'memory-leak', '--seed', '3', '--format', 'json'];
    assert.strictEqual((await run(...args)).stdout, (await run(...args)).stdout);
  });

  it('memory-leak: restartMinutes sets how long a restart fails requests', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('fs');
    const { tmpdir } = await import('os');
    const path = await import('path');
    const dir = mkdtempSync(path.join(tmpdir(), 'gauges-'));
    try {
      const text = readFileSync(`${REPO_ROOT}/${LEAK_WATCH}`, 'utf8').replace(
        'rollback:',
        'scenarios:\n  oom: { kind: memory-leak, gaugeGrowthPerHour: 600, restartMinutes: 2 }\nrollback:',
      );
      writeFileSync(path.join(dir, 'p.release.yaml'), text);
      const { code, stdout, stderr } = await run('simulate', path.join(dir, 'p.release.yaml'), '--scenario', 'oom', '--format', 'json');
      assert.strictEqual(code, 0, stderr);
      const result = JSON.parse(stdout) as Run & { timeline: { minute: number; failedRequests: number }[] };
      assert.match(result.description, /for 2 minutes, then grows again from 600/);
      // 600 per hour: the limit at minute 60, restarts at 60–61, 122–123, 184–185, …
      const failing = result.timeline.filter((step) => step.failedRequests > 0).map((step) => step.minute);
      assert.deepStrictEqual(failing.slice(0, 6), [60, 61, 122, 123, 184, 185]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('memory-leak: a gauge bound below the limit catches it before restarts fail requests', async () => {
    for (const seed of SEEDS) {
      const result = await simulate(GAUGED, 'memory-leak', seed);
      assert.strictEqual(result.detection?.metric, 'gauge:memory-mb', seed);
      assert.ok(result.detection.minute < 120, `caught at minute ${result.detection.minute}`);
      assert.strictEqual(result.blastRadius.failedRequests, 0, seed);
    }
  });

  it('healthy: gauge gates with the default dispersion do not trip', async () => {
    for (const seed of SEEDS) assert.strictEqual((await simulate(GAUGED, 'healthy', seed)).outcome, 'completed', seed);
  });

  it('is deterministic byte for byte for a seed, and draws gauges from the seed', async () => {
    const args = ['simulate', GAUGED, '--scenario', 'memory-leak', '--seed', '7', '--format', 'json'];
    const first = await run(...args);
    const second = await run(...args);
    assert.strictEqual(first.stdout, second.stdout);
    const other = await run('simulate', GAUGED, '--scenario', 'memory-leak', '--seed', '8', '--format', 'json');
    assert.notStrictEqual(JSON.parse(other.stdout).detection.observed, JSON.parse(first.stdout).detection.observed);
  });

  it('the matrix lists the gauge scenarios for a plan with gauges, and not for one without', async () => {
    const kinds = async (plan: string) =>
      (
        JSON.parse((await run('simulate', plan, '--all-scenarios', '--runs', '20', '--format', 'json')).stdout) as {
          scenarios: { scenario: string }[];
        }
      ).scenarios.map((summary) => summary.scenario);
    assert.deepStrictEqual((await kinds(GAUGED)).slice(-2), ['resource-regression', 'memory-leak']);
    assert.ok(!(await kinds('examples/checkout/checkout.release.yaml')).includes('memory-leak'));
  });

  it('check reports a gauge gate on an undeclared gauge at its metric; simulate skips the gate with a note', async () => {
    const plan = `${DIR}/unknown-gauge.release.yaml`;
    const { code, stdout } = await run('check', plan, '--format', 'json');
    assert.strictEqual(code, 1);
    const rows = (JSON.parse(stdout) as { ruleId: string; line: number; column: number; message: string }[]).filter(
      (row) => row.ruleId === 'gate-unknown-gauge',
    );
    assert.deepStrictEqual(
      rows.map((row) => `${row.line}:${row.column} ${row.message}`),
      [23, 32].map(
        (line) =>
          `${line}:19 Gauge "cpu" is not in baseline.gauges (cpu-share, memory-mb): the gate has no healthy value to compare with and the simulator skips it.`,
      ),
    );
    const result = await run('simulate', plan, '--scenario', 'resource-regression', '--seed', '1', '--format', 'json');
    const notes = (JSON.parse(result.stdout) as { notes: { message: string }[] }).notes.map((note) => note.message);
    assert.ok(notes.includes('Stage canary-5: gate gauge:cpu is skipped, its gauge is not in baseline.gauges.'), notes.join('\n'));
  });

  it('check judges gauge gates with the simulator model: a bound the healthy gauge breaks, at the binding bound', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('fs');
    const { tmpdir } = await import('os');
    const path = await import('path');
    const dir = mkdtempSync(path.join(tmpdir(), 'gauges-'));
    try {
      const text = readFileSync(`${REPO_ROOT}/${GAUGED}`, 'utf8')
        .replace('    memory-mb: 600', '    memory-mb: 600\n    conns: 1200')
        .replace(
          '      - { metric: gauge:memory-mb, max: 1000 }',
          '      - { metric: gauge:memory-mb, max: 500 }\n      - { metric: gauge:conns, minRatio: 1.1 }',
        );
      writeFileSync(path.join(dir, 'p.release.yaml'), text);
      const { stdout } = await run('check', path.join(dir, 'p.release.yaml'), '--format', 'json');
      const rows = (JSON.parse(stdout) as { ruleId: string; line: number; column: number; message: string }[]).filter(
        (row) => row.ruleId === 'gate-threshold-below-baseline',
      );
      assert.deepStrictEqual(
        rows.map((row) => `${row.line}:${row.column} ${row.message.replace(/ fails it with .*/, '')}`),
        [
          '25:41 Gate on gauge:memory-mb in stage "canary-5" has max 500, but the healthy current version runs at 600: a release with no regression',
          '26:42 Gate on gauge:conns in stage "canary-5" has minRatio 1.1 (a bound of 1,320), but the healthy current version runs at 1,200: a release with no regression',
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the schema rejects a negative gauge dispersion, a scenario gauge multiplier of 0 and a misspelt gauge metric', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('fs');
    const { tmpdir } = await import('os');
    const path = await import('path');
    const dir = mkdtempSync(path.join(tmpdir(), 'gauges-'));
    try {
      const text = readFileSync(`${REPO_ROOT}/${GAUGED}`, 'utf8')
        .replace('      cpu: 0.05', '      cpu: -0.1')
        .replace('rollback:', 'scenarios:\n  hot: { kind: resource-regression, gaugeMultiplier: 0 }\nrollback:')
        .replace('metric: gauge:memory-mb', 'metric: gauges:memory-mb');
      writeFileSync(path.join(dir, 'p.release.yaml'), text);
      const { stdout } = await run('check', path.join(dir, 'p.release.yaml'), '--format', 'json');
      const schema = (JSON.parse(stdout) as { ruleId: string; message: string }[]).filter((row) => row.ruleId === 'schema');
      assert.deepStrictEqual(
        schema.map((row) => row.message),
        [
          'baseline.dispersion.gauges.cpu must be at least 0.',
          'stages[0].gates[3].metric must be errorRate, latencyP95Ms, kpi:<name> or gauge:<name>.',
          'scenarios.hot.gaugeMultiplier must be greater than 0.',
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gauges in the editor', () => {
  it("completes a gate's metric with the baseline's gauges", () => {
    const text = readFileSync(`${REPO_ROOT}/${GAUGED}`, 'utf8');
    const file = parseSourceFile('search.release.yaml', text);
    const offset = text.indexOf('metric: gauge:cpu') + 'metric: '.length;
    const items = completionsAt(file, offset, emptyFacts()).filter((item) => item.label.startsWith('gauge:'));
    assert.deepStrictEqual(
      items.map((item) => `${item.label} (${item.detail})`),
      ['gauge:cpu (gauge, baseline 0.5)', 'gauge:memory-mb (gauge, baseline 600)'],
    );
  });

  it("hovers a gauge gate with the lint's figures: the regression it catches, the gauge's spread, the false-rollback risk", () => {
    const text = readFileSync(`${REPO_ROOT}/${GAUGED}`, 'utf8');
    const file = parseSourceFile('search.release.yaml', text);
    const hover = hoverAt(file, text.indexOf('metric: gauge:memory-mb') + 'metric: '.length, emptyFacts(), '2026-11-26');
    assert.ok(hover, 'a hover');
    assert.match(
      hover,
      /Catches a rise to 1\.5 × the bound \(600 → 1,500\) with \*\*100%\*\* probability per 10m window at 5% of 400 rps, its value wandering 5% from window to window \(the default without baseline\.dispersion\.gauges\.memory-mb\)\./,
    );
    assert.match(hover, /- bound: 1,000; healthy: 600/);
    assert.match(hover, /- a healthy release fails it with probability 0% over the stage/);
  });
});
