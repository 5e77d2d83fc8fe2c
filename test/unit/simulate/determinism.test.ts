// Same plan, scenario, seed and options: the same bytes, in this process and in another one.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { EXAMPLE_PLAN, loadNotGatedRollout, loadPlanText, SIMULATE_FIXTURES } from './helpers';

async function loadExample() {
  const { simulator, findings } = await loadPlanText(EXAMPLE_PLAN, readFileSync(EXAMPLE_PLAN, 'utf8'));
  assert.deepStrictEqual(findings, []);
  return simulator!;
}

describe('simulator determinism', () => {
  it('gives byte-identical JSON for the same seed, twice in one process and from a fresh simulator', async () => {
    const first = JSON.stringify((await loadExample()).run('error-spike', 7));
    const second = JSON.stringify((await loadExample()).run('error-spike', 7));
    const simulator = await loadExample();
    simulator.run('healthy', 3);
    simulator.runMany('error-spike', 100, 50);
    const third = JSON.stringify(simulator.run('error-spike', 7));
    assert.strictEqual(second, first);
    assert.strictEqual(third, first, 'earlier runs (and their cached tables) must not change a later one');
  });

  it('gives byte-identical JSON in a separate node process', async () => {
    const helpers = path.resolve(__dirname, 'helpers.js');
    const script = `
      const { loadPlanText } = require(${JSON.stringify(helpers)});
      const file = ${JSON.stringify(EXAMPLE_PLAN)};
      loadPlanText(file, require('fs').readFileSync(file, 'utf8')).then(({ simulator }) =>
      process.stdout.write(JSON.stringify([simulator.run('segment-outage', 11), simulator.runMany('slow-burn', 5, 40), simulator.matrix(9, 20)])));
    `;
    const other = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const simulator = await loadExample();
    const here = JSON.stringify([simulator.run('segment-outage', 11), simulator.runMany('slow-burn', 5, 40), simulator.matrix(9, 20)]);
    assert.strictEqual(other.length, here.length);
    assert.ok(other === here, 'the other process produced different bytes');
  });

  it('gives byte-identical gates and notes in a separate node process, and each output its own copy of them', async () => {
    const helpers = path.resolve(__dirname, 'helpers.js');
    const script = `
      const { loadNotGatedRollout } = require(${JSON.stringify(helpers)});
      loadNotGatedRollout().then(({ simulator }) =>
      process.stdout.write(JSON.stringify([simulator.run('error-spike', 3), simulator.runMany('healthy', 2, 30), simulator.matrix(5, 10)])));
    `;
    const other = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const simulator = (await loadNotGatedRollout()).simulator!;
    const outputs = [simulator.run('error-spike', 3), simulator.runMany('healthy', 2, 30), simulator.matrix(5, 10)];
    assert.ok(other === JSON.stringify(outputs), 'the other process produced different bytes');
    for (const output of outputs) {
      assert.strictEqual(output.gated, false);
      assert.strictEqual(output.notes.length, 6);
    }
    outputs[0].notes[0].message = 'changed';
    outputs[0].gates['steps[1] analysis'] = 9;
    const again = simulator.run('error-spike', 3);
    assert.notStrictEqual(again.notes[0].message, 'changed');
    assert.strictEqual(again.gates['steps[1] analysis'], 0);
  });

  it('gives different runs for different seeds', async () => {
    const simulator = await loadExample();
    assert.notStrictEqual(JSON.stringify(simulator.run('healthy', 1).timeline), JSON.stringify(simulator.run('healthy', 2).timeline));
  });

  it('makes run i of --runs N the single run with seed + i', async () => {
    const { simulator } = await loadPlanText(
      'regions.release.yaml',
      readFileSync(path.join(SIMULATE_FIXTURES, 'regions.release.yaml'), 'utf8'),
    );
    for (const scenario of ['eu-ranker-errors', 'slow-burn', 'healthy']) {
      const single = [20, 21, 22].map((seed) => simulator!.run(scenario, seed));
      const summary = simulator!.runMany(scenario, 20, 3);
      const failed = single.map((run) => run.blastRadius.failedRequests).sort((a, b) => a - b);
      assert.strictEqual(summary.blastRadius.failedRequests.max, failed[2], scenario);
      assert.strictEqual(summary.blastRadius.failedRequests.p50, failed[1], scenario);
      assert.strictEqual(summary.detectionRate, Math.round((single.filter((run) => run.detection).length / 3) * 1e6) / 1e6, scenario);
    }
  });

  it('rounds every number it writes, so the JSON carries no floating-point noise', async () => {
    const json = JSON.stringify((await loadExample()).run('latency-regression', 4));
    const long = json.match(/\d+\.\d{7,}/g);
    assert.strictEqual(long, null, `numbers with more than 6 decimals: ${long?.slice(0, 5).join(', ')}`);
  });
});
