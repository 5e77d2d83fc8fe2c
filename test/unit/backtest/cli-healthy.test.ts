// On healthy history the false-rollback rate that `stagegate backtest` measures matches what `stagegate simulate`
// predicts for the same plan once baseline.dispersion holds the generator's true ρ: the replay carries the
// history's real drift, the simulator its model of it, and the two must agree. Through the CLI, against a real
// Prometheus serving the seeded generator's seven healthy, over-dispersed days.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';

const PLAN = path.join(FIXTURES, 'backtest', 'healthy.release.yaml');
const SIMULATED_RUNS = 4000;

describe('stagegate backtest on healthy history agrees with simulate', function () {
  this.timeout(120_000);
  let server: PrometheusServer;

  before(async () => {
    // Seven days, the error rate of each half-hour drawn from a beta with mean 1% and ρ = 6·10⁻⁴ (relative SD 24%).
    assert.strictEqual(DEFAULT_HISTORY.errorRho, 6e-4);
    assert.strictEqual(DEFAULT_HISTORY.blockSeconds, 1800);
    server = await startPrometheus(generateHistory(DEFAULT_HISTORY));
  });
  after(async () => {
    await server?.stop();
  });

  it('measures the false-rollback rate simulate predicts with the true dispersion, and not the one it predicts without', async () => {
    // A start every 30 minutes: each rollout is judged on one half-hour block of its own, independent of the others.
    const backtest = await runCli(
      [
        'backtest',
        PLAN,
        '--prometheus',
        server.url,
        '--from',
        '2025-11-03T00:00Z',
        '--to',
        '2025-11-10T00:00Z',
        '--every',
        '30m',
        '--format',
        'json',
      ],
      FIXTURES,
    );
    assert.strictEqual(backtest.code, 0, backtest.stderr);
    const measured = JSON.parse(backtest.stdout) as { replays: number; falseRollbackRate: number; incidents: unknown[] };
    assert.strictEqual(measured.replays, 7 * 48);
    // Healthy history: the incident rule finds nothing, so every stop counts.
    assert.deepStrictEqual(measured.incidents, []);

    const simulate = async (plan: string) => {
      const { code, stdout, stderr } = await runCli(
        ['simulate', plan, '--scenario', 'healthy', '--runs', String(SIMULATED_RUNS), '--format', 'json'],
        FIXTURES,
      );
      assert.strictEqual(code, 0, stderr);
      return (JSON.parse(stdout) as { falseRollbackRate: number }).falseRollbackRate;
    };
    const predicted = await simulate(PLAN);
    // Neither about 0 nor about 1: the bound sits about one drift SD above the mean, so a sixth of good releases stop.
    assert.ok(predicted > 0.08 && predicted < 0.3, `predicted ${predicted}`);

    // Tolerance: three standard errors of the difference of two independent proportions (336 replayed blocks,
    // 4,000 simulated runs), plus 0.02 for what the simulator does not model of this history: its traffic follows
    // a weekly profile (half to one and a half times the mean), which changes the sampling part of the canary's
    // noise, a small part next to the drift (0.07% against 0.24%).
    const p = predicted;
    const se = Math.sqrt((p * (1 - p)) / measured.replays + (p * (1 - p)) / SIMULATED_RUNS);
    const tolerance = 3 * se + 0.02;
    assert.ok(
      Math.abs(measured.falseRollbackRate - predicted) <= tolerance,
      `backtest ${measured.falseRollbackRate}, simulate ${predicted}, tolerance ${tolerance.toFixed(4)}`,
    );

    // Without the dispersion the simulator sees sampling noise only and predicts almost no false rollback: the
    // measured rate is far from that, so the agreement above is the dispersion's doing.
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-healthy-'));
    try {
      const binomial = path.join(folder, 'binomial.release.yaml');
      await fs.writeFile(binomial, (await fs.readFile(PLAN, 'utf8')).replace(/^ {2}dispersion: .*\n/m, ''));
      const withoutDispersion = await simulate(binomial);
      assert.ok(withoutDispersion < 0.01, `without dispersion ${withoutDispersion}`);
      assert.ok(measured.falseRollbackRate - withoutDispersion > tolerance, `backtest ${measured.falseRollbackRate}`);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
