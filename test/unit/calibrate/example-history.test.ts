// The offline example, examples/checkout-history: its history file is what `calibrate --save-history` saves for the
// example plan from a real Prometheus serving the seeded generator's week (with one half-hour in which 30% of
// requests fail). This test regenerates it and compares it with the committed file (all but when and from which
// throwaway address it was saved); `STAGEGATE_WRITE_EXAMPLE=1` writes it instead. Then the README's command runs on it
// with no server.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from './history';
import { startPrometheus, type PrometheusServer } from './prometheus-server';

const FOLDER = 'examples/checkout-history';
const PLAN = `${FOLDER}/checkout.release.yaml`;
const HISTORY_FILE = `${FOLDER}/checkout.history.json`;
const BURST_FROM = MONDAY + 2 * 86_400 + 14 * 3600; // Wednesday 2025-11-05 14:00Z
const EXAMPLE_HISTORY = { ...DEFAULT_HISTORY, errorBursts: [{ from: BURST_FROM, to: BURST_FROM + 1800, errorRate: 0.3 }] };

describe('the offline example (examples/checkout-history)', function () {
  this.timeout(120_000);

  it('its history file is what calibrate --save-history saves from the seeded week', async () => {
    let server: PrometheusServer | undefined;
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-example-'));
    try {
      server = await startPrometheus(generateHistory(EXAMPLE_HISTORY));
      const saved = path.join(folder, 'checkout.history.json');
      const args = ['calibrate', PLAN, '--prometheus', server.url, '--from', '2025-11-03T00:00Z', '--to', '2025-11-10T00:00Z'];
      const { code, stderr } = await runCli([...args, '--save-history', saved], REPO_ROOT);
      assert.strictEqual(code, 0, stderr);
      const text = await fs.readFile(saved, 'utf8');
      if (process.env.STAGEGATE_WRITE_EXAMPLE === '1') await fs.writeFile(path.join(REPO_ROOT, HISTORY_FILE), text);
      const committed = await fs.readFile(path.join(REPO_ROOT, HISTORY_FILE), 'utf8');
      const comparable = (content: string) => {
        const value = JSON.parse(content) as { savedAt?: string; source?: unknown };
        return { ...value, savedAt: undefined, source: undefined };
      };
      assert.deepStrictEqual(
        comparable(committed),
        comparable(text),
        `${HISTORY_FILE} is stale: run this test with STAGEGATE_WRITE_EXAMPLE=1`,
      );
      assert.ok(Buffer.byteLength(committed) < 256 * 1024, 'the example stays small');
    } finally {
      await server?.stop();
      await fs.rm(folder, { recursive: true, force: true });
    }
  });

  it("runs the README's backtest on it with no server, and catches the burst", async () => {
    const { code, stdout, stderr } = await runCli(['backtest', PLAN, '--history', HISTORY_FILE, '--format', 'json'], REPO_ROOT);
    assert.strictEqual(code, 0, stderr);
    const result = JSON.parse(stdout) as {
      window: { from: string; to: string };
      replays: number;
      source: { history: string };
      trips: { start: string; from: string }[];
    };
    assert.deepStrictEqual(result.window, { from: '2025-11-03T00:00:00Z', to: '2025-11-10T00:00:00Z' });
    assert.strictEqual(result.source.history, HISTORY_FILE);
    // Hourly starts over 7 days, each rollout lasting 3 h.
    assert.strictEqual(result.replays, 7 * 24 - 2);
    assert.ok(result.trips.length > 0);
    assert.ok(
      result.trips.every((trip) => trip.from === '2025-11-05T14:00:00Z'),
      JSON.stringify(result.trips),
    );
    const text = await runCli(['backtest', PLAN, '--history', HISTORY_FILE], REPO_ROOT);
    assert.strictEqual(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^Backtested on examples\/checkout-history\/checkout\.history\.json \(saved from http:\/\/127\.0\.0\.1:\d+\), /,
    );
    const calibrated = await runCli(['calibrate', PLAN, '--history', HISTORY_FILE], REPO_ROOT);
    assert.strictEqual(calibrated.code, 0, calibrated.stderr);
  });
});
