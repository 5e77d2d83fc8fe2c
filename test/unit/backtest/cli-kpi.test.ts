// `stagegate backtest` judges KPI gates (`kpi:<name>`) on the success rate recorded by metrics.queries.kpi:<name>,
// through the CLI against a real Prometheus: two seeded days in which payments succeed 97% of the time, but 80% for
// the half-hour from 10:00 on the second day, for both versions alike.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';

const PLAN = path.join(FIXTURES, 'backtest', 'kpi.release.yaml');
const DIP_FROM = MONDAY + 86_400 + 10 * 3600; // 2025-11-04T10:00Z
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-05T00:00Z', '--every', '30m', '--format', 'json'];

interface BacktestJson {
  replays: number;
  falseRollbackRate: number;
  byGate: { stage: string; gate: string; trips: number }[];
  trips: { start: string; stage: string; gate: string; segment: string; verdict: string; canary: number }[];
  notes: string[];
}

describe('stagegate backtest replays KPI gates', function () {
  this.timeout(120_000);
  let server: PrometheusServer;

  before(async () => {
    server = await startPrometheus(
      generateHistory({ ...DEFAULT_HISTORY, days: 2, kpiDips: [{ from: DIP_FROM, to: DIP_FROM + 1800, kpiRate: 0.8 }] }),
    );
  });
  after(async () => {
    await server?.stop();
  });

  it('stops exactly the rollouts whose windows cross the dip, on the absolute floor and not the relative bound', async () => {
    const { code, stdout, stderr } = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE], FIXTURES);
    assert.strictEqual(code, 0, stderr);
    const result = JSON.parse(stdout) as BacktestJson;
    assert.strictEqual(result.replays, 93);
    assert.deepStrictEqual(
      result.trips.map((trip) => [trip.start, trip.stage, trip.gate, trip.segment, trip.verdict]),
      [
        ['2025-11-04T08:30:00Z', 'half', 'kpi:payment-success ≥ 93%', 'all', 'fail'],
        ['2025-11-04T09:00:00Z', 'half', 'kpi:payment-success ≥ 93%', 'all', 'fail'],
        ['2025-11-04T09:30:00Z', 'canary', 'kpi:payment-success ≥ 93%', 'all', 'fail'],
        ['2025-11-04T10:00:00Z', 'canary', 'kpi:payment-success ≥ 93%', 'all', 'fail'],
      ],
    );
    // The canary's success rate in the dip is the recorded one, about 80%.
    for (const trip of result.trips) assert.ok(trip.canary > 0.75 && trip.canary < 0.85, `canary ${trip.canary}`);
    assert.deepStrictEqual(
      result.byGate.map((entry) => [entry.stage, entry.gate, entry.trips]),
      [
        ['canary', 'kpi:payment-success ≥ 93%', 2],
        // Both versions dip alike: the ratio to the current version holds.
        ['half', 'kpi:payment-success ≥ 99% of baseline', 0],
        ['half', 'kpi:payment-success ≥ 93%', 2],
      ],
    );
    // The incident rule watches errors and latency, not KPIs: these stops count as false rollbacks.
    assert.strictEqual(result.falseRollbackRate, Math.round((4 / 93) * 1e6) / 1e6);
    assert.deepStrictEqual(result.notes, []);
  });

  it('names a KPI gate it cannot replay because its query is missing', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-backtest-kpi-'));
    try {
      const plan = path.join(folder, 'no-kpi-query.release.yaml');
      await fs.writeFile(plan, (await fs.readFile(PLAN, 'utf8')).replace(/^ {4}kpi:payment-success: .*\n/m, ''));
      const { code, stdout, stderr } = await runCli(['backtest', plan, '--prometheus', server.url, ...RANGE], FIXTURES);
      assert.strictEqual(code, 0, stderr);
      const result = JSON.parse(stdout) as BacktestJson;
      assert.deepStrictEqual(result.trips, []);
      assert.deepStrictEqual(result.byGate, []);
      assert.ok(
        result.notes.includes(
          'Stage canary: gate kpi:payment-success ≥ 93% is not replayed (metrics.queries.kpi:payment-success is missing).',
        ),
        result.notes.join('\n'),
      );
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
