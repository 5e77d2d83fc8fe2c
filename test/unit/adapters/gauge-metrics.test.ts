// Argo Rollouts and Flagger Canaries whose analysis watches a gauge (CPU, memory, a queue): through the CLI, such a
// metric becomes a gauge:<name> gate with its healthy value from simulation.baseline.gauges in .stagegate.yaml,
// instead of being dropped as opaque or read as an error rate.

import * as assert from 'assert';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, lines, runCli } from '../helpers';

const SOURCE = path.join(FIXTURES, 'adapters', 'gauges');

interface Note {
  line: number;
  message: string;
}
interface Evaluation {
  stage: string;
  metric: string;
  verdict: string;
  all: { canary: number | null; upper: number | null; lower: number | null };
}
interface Run {
  gated: boolean;
  gates: Record<string, number>;
  outcome: string;
  detection: { stage: string; metric: string; observed: number; threshold: number } | null;
  blastRadius: { failedRequests: number };
  evaluations: Evaluation[];
  notes: Note[];
}

describe('gauge metrics of Argo Rollouts and Flagger Canaries', function () {
  this.timeout(60000);
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-gauge-metrics-'));
    for (const file of readdirSync(SOURCE)) copyFileSync(path.join(SOURCE, file), path.join(folder, file));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const configure = (...simulation: string[]) =>
    writeFileSync(
      path.join(folder, '.stagegate.yaml'),
      lines(
        'simulation:',
        '  traffic: { requestsPerSecond: 300 }',
        '  baseline:',
        '    errorRate: 0.002',
        '    latencyP95Ms: 180',
        ...simulation,
      ),
    );
  const simulate = async (file: string, scenario: string, seed = '1'): Promise<Run> => {
    const result = await runCli(['simulate', file, '--scenario', scenario, '--seed', seed, '--format', 'json'], folder);
    assert.strictEqual(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Run;
  };
  const messages = (run: Run) => run.notes.map((note) => note.message);

  it('Argo: a metric named after a gauge of simulation.baseline.gauges is a gauge gate, bounded by its condition', async () => {
    configure('    gauges: { cpu-usage: 0.6 }');
    const healthy = await simulate('worker.rollout.yaml', 'healthy');
    // success-rate and cpu-usage on each analysis step; queue-depth has no declared baseline.
    assert.deepStrictEqual(healthy.gates, { 'steps[1] analysis': 2, 'steps[3] analysis': 2 });
    const cpu = healthy.evaluations.filter((row) => row.metric === 'gauge:cpu-usage');
    assert.strictEqual(cpu.length, 12, 'six checks of 5 minutes on each analysis step');
    assert.ok(
      cpu.every((row) => row.all.upper === 0.8 && row.verdict === 'pass'),
      JSON.stringify(cpu[0]),
    );
    assert.ok(!messages(healthy).some((message) => message.includes('"cpu-usage"')), messages(healthy).join('\n'));
    assert.ok(messages(healthy).some((message) => message.startsWith('Baseline: errorRate 0.002, latencyP95Ms 180, gauge:cpu-usage 0.6,')));
    // 0.6 × 1.5 = 0.9 passes the bound of 0.8: the gauge gate rolls the canary back before a request fails.
    for (const seed of ['1', '2', '3']) {
      const regressed = await simulate('worker.rollout.yaml', 'resource-regression', seed);
      assert.strictEqual(regressed.outcome, 'rolled-back', seed);
      assert.strictEqual(regressed.detection?.metric, 'gauge:cpu-usage', seed);
      assert.strictEqual(regressed.detection.stage, 'steps[1] analysis', seed);
      assert.strictEqual(regressed.detection.threshold, 0.8);
      assert.strictEqual(regressed.blastRadius.failedRequests, 0);
    }
  });

  it('Argo: a metric whose name says it is a gauge, without a declared baseline, is named in a note that says what to declare', async () => {
    configure('    gauges: { cpu-usage: 0.6 }');
    const run = await simulate('worker.rollout.yaml', 'healthy');
    const note = run.notes.find((row) => row.message.includes('"queue-depth"'));
    assert.ok(note, messages(run).join('\n'));
    assert.strictEqual(
      note.message,
      'Metric "queue-depth" of template "worker-health" looks like a gauge (its name says queue), not an error rate or a latency: declare its healthy value as simulation.baseline.gauges.queue-depth in .stagegate.yaml (in the query\'s unit) to simulate it as gauge:queue-depth, or map it under simulation.metrics.',
    );
    assert.strictEqual(note.line, 28, 'at the templateName of the step that runs it');
  });

  it('Argo: simulation.metrics maps a metric to a gauge of another name; a gauge it does not declare is not a gate', async () => {
    configure('    gauges: { cpu-usage: 0.6, queue: 120 }', '  metrics:', '    queue-depth: { metric: "gauge:queue" }');
    const mapped = await simulate('worker.rollout.yaml', 'healthy');
    assert.deepStrictEqual(mapped.gates, { 'steps[1] analysis': 3, 'steps[3] analysis': 3 });
    const queue = mapped.evaluations.filter((row) => row.metric === 'gauge:queue');
    assert.ok(queue.length === 12 && queue.every((row) => row.all.upper === 500), JSON.stringify(queue[0]));

    configure('    gauges: { cpu-usage: 0.6 }', '  metrics:', '    queue-depth: { metric: "gauge:queue" }');
    const undeclared = await simulate('worker.rollout.yaml', 'healthy');
    assert.deepStrictEqual(undeclared.gates, { 'steps[1] analysis': 2, 'steps[3] analysis': 2 });
    assert.ok(
      messages(undeclared).includes(
        'Metric "queue-depth" of template "worker-health" is mapped to gauge:queue in simulation.metrics, but simulation.baseline.gauges has no "queue": set its healthy value there (in the query\'s unit); it is not simulated.',
      ),
      messages(undeclared).join('\n'),
    );
  });

  it('a gauge declared under the name of an error-rate metric wins over the name: the metric is read as written', async () => {
    // "success-rate" would be read as 1 − errorRate from its name; declared as a gauge, its bound stays 0.99 as a minimum.
    configure('    gauges: { success-rate: 0.995 }');
    const run = await simulate('worker.rollout.yaml', 'healthy');
    const rows = run.evaluations.filter((row) => row.metric === 'gauge:success-rate');
    assert.ok(rows.length > 0, run.evaluations.map((row) => row.metric).join(', '));
    assert.ok(
      rows.every((row) => row.all.lower === 0.99 && row.all.upper === null),
      JSON.stringify(rows[0]),
    );
    assert.ok(!run.evaluations.some((row) => row.metric === 'errorRate'));
  });

  it('Flagger: a MetricTemplate metric named after a declared gauge is a gauge gate bounded by thresholdRange', async () => {
    configure('    gauges: { memory-usage: 400 }');
    const healthy = await simulate('podinfo.canary.yaml', 'healthy');
    assert.deepStrictEqual(Object.values(healthy.gates), [2, 2, 2, 2, 2]);
    assert.strictEqual(healthy.outcome, 'completed');
    assert.ok(!messages(healthy).some((message) => message.includes('opaque')), messages(healthy).join('\n'));
    // 400 × 1.5 = 600 MiB passes thresholdRange.max 512 at the first check.
    for (const seed of ['1', '2', '3']) {
      const regressed = await simulate('podinfo.canary.yaml', 'resource-regression', seed);
      assert.strictEqual(regressed.detection?.metric, 'gauge:memory-usage', seed);
      assert.strictEqual(regressed.detection.stage, 'weight 10%', seed);
      assert.strictEqual(regressed.detection.threshold, 512);
    }
  });

  it('Flagger: without the declaration the memory metric is named as a gauge to declare, and not gated', async () => {
    configure();
    const run = await simulate('podinfo.canary.yaml', 'healthy');
    assert.deepStrictEqual(Object.values(run.gates), [1, 1, 1, 1, 1]);
    const note = run.notes.find((row) => row.message.includes('"memory-usage"'));
    assert.ok(note, messages(run).join('\n'));
    assert.match(note.message, /looks like a gauge \(its name says memory\).*simulation\.baseline\.gauges\.memory-usage/);
    assert.strictEqual(note.line, 26, "at the metric's name");
  });

  it('Flagger: a metric Flagger never runs (no templateRef, no query) is no gauge gate, even named after a declared gauge', async () => {
    configure('    gauges: { memory-usage: 400 }');
    const canary = path.join(folder, 'podinfo.canary.yaml');
    const text = readFileSync(canary, 'utf8');
    const without = text.replace(/ {8}templateRef:\n {10}name: memory-usage\n {10}namespace: istio-system\n/, '');
    assert.notStrictEqual(without, text);
    writeFileSync(canary, without);
    const run = await simulate('podinfo.canary.yaml', 'healthy');
    assert.deepStrictEqual(Object.values(run.gates), [1, 1, 1, 1, 1]);
    assert.ok(!run.evaluations.some((row) => row.metric === 'gauge:memory-usage'));
  });
});
