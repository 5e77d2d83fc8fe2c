// `stagegate calibrate` through the CLI against a real Prometheus serving a seeded synthetic week whose parameters
// are known: each recovered value within a tolerance derived from the sampling, stated beside it. Then --write on a
// copy of the plan, and what goes wrong on the way to a server: unreachable, a query error, a query with no data, a
// missing environment variable, credentials in the address.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { FIXTURES, freePort, runCli } from '../helpers';
import { DEFAULT_HISTORY as TRUE, generateHistory, trueProfile } from './history';
import { PrometheusClient } from '../../../src/node/prometheus';
import { startPrometheus, type PrometheusServer } from './prometheus-server';

const PLAN = path.join(FIXTURES, 'calibrate', 'checkout.release.yaml');
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-10T00:00Z'];
const TENANT = 'tenant-s3cr3t-value';
/** Windows of the history: 7 days of 30-minute windows. */
const M = 336;

interface CalibrationJson {
  window: { from: string; to: string };
  traffic: { requestsPerSecond: number; profile: { hourOfWeek: number[] }; dimensions: Record<string, Record<string, number>> };
  baseline: { errorRate: number; latencyP95Ms: number; kpis: Record<string, number>; gauges: Record<string, number> };
  dispersion: Record<string, number>;
  samples: { window: string; windows: number; requests: number };
  source: { server: string };
  notes: string[];
}

describe('stagegate calibrate against a real Prometheus', function () {
  this.timeout(120_000);
  let server: PrometheusServer;
  let folder: string;
  const savedTenant = process.env.STAGEGATE_TEST_TENANT;

  before(async () => {
    server = await startPrometheus(generateHistory(TRUE));
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-calibrate-'));
    process.env.STAGEGATE_TEST_TENANT = TENANT;
  });
  after(async () => {
    if (savedTenant === undefined) delete process.env.STAGEGATE_TEST_TENANT;
    else process.env.STAGEGATE_TEST_TENANT = savedTenant;
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  let result: CalibrationJson;
  it('recovers every generated parameter within its sampling tolerance (--format json)', async () => {
    const { code, stdout, stderr } = await runCli(['calibrate', PLAN, '--prometheus', server.url, ...RANGE, '--format', 'json'], FIXTURES);
    assert.strictEqual(code, 0, stderr);
    result = JSON.parse(stdout) as CalibrationJson;
    assert.deepStrictEqual(result.window, { from: '2025-11-03T00:00:00Z', to: '2025-11-10T00:00:00Z' });
    assert.strictEqual(result.samples.window, '30m', "the plan's shortest interval");
    assert.strictEqual(result.samples.windows, M);
    assert.deepStrictEqual(result.notes, []);

    // Requests: Poisson counts of about 60 million in all; their noise is far below 1%.
    within(result.traffic.requestsPerSecond, TRUE.requestsPerSecond, 0.01 * TRUE.requestsPerSecond, 'requestsPerSecond');
    // Each hour of the week pools 2 windows of ≥137,000 requests: relative SE ≤ 0.3%; 0.02 is ≥ 7 SE at the quietest hour.
    const profile = trueProfile();
    result.traffic.profile.hourOfWeek.forEach((factor, hour) => within(factor, profile[hour], 0.02, `profile hour ${hour}`));
    // Shares of 60 million requests: SE below 1e-4; 0.002 covers rounding to 3 decimals.
    within(result.traffic.dimensions.region['eu-west'], 0.4, 0.002, 'eu-west share');
    within(result.traffic.dimensions.region['us-east'], 0.6, 0.002, 'us-east share');

    // Rates drawn per window from a beta with mean p and correlation ρ: the pooled rate's SE is √(ρ·p(1−p)/M); 4 SE.
    const rateTolerance = (p: number, rho: number) => 4 * Math.sqrt((rho * p * (1 - p)) / M);
    within(result.baseline.errorRate, TRUE.errorRate, rateTolerance(TRUE.errorRate, TRUE.errorRho), 'errorRate');
    within(result.baseline.kpis['payment-success'], TRUE.kpiRate, rateTolerance(TRUE.kpiRate, TRUE.kpiRho), 'kpi rate');
    // ρ rests on a variance estimated from M windows: relative SE √(2/(M−1)) ≈ 7.7%; 4 SE ≈ 31%.
    const rhoTolerance = 4 * Math.sqrt(2 / (M - 1));
    within(result.dispersion.errorRate, TRUE.errorRho, rhoTolerance * TRUE.errorRho, 'errorRate ρ');
    within(result.dispersion['kpi:payment-success'], TRUE.kpiRho, rhoTolerance * TRUE.kpiRho, 'kpi ρ');

    // p95 latency: mean of M window values with relative SD 10%: SE 0.98 ms; 4 SE plus 2 ms for histogram_quantile's
    // linear interpolation inside 10 ms buckets.
    within(result.baseline.latencyP95Ms, TRUE.latencyP95Ms, 4 * ((TRUE.latencyRelativeSd * TRUE.latencyP95Ms) / Math.sqrt(M)) + 2, 'p95');
    // A sample SD from M values has SE σ/√(2(M−1)); 4 SE, plus 0.005 for the interpolation.
    const sdTolerance = (sd: number) => (4 * sd) / Math.sqrt(2 * (M - 1)) + 0.005;
    within(result.dispersion.latencyP95Ms, TRUE.latencyRelativeSd, sdTolerance(TRUE.latencyRelativeSd), 'p95 relative SD');
    within(result.baseline.gauges.cpu, TRUE.cpu, (4 * TRUE.cpuRelativeSd * TRUE.cpu) / Math.sqrt(M), 'cpu');
    within(result.dispersion['gauge:cpu'], TRUE.cpuRelativeSd, sdTolerance(TRUE.cpuRelativeSd), 'cpu relative SD');
  });

  it('prints the same values as text', async () => {
    const { code, stdout } = await runCli(['calibrate', PLAN, '--prometheus', server.url, ...RANGE], FIXTURES);
    assert.strictEqual(code, 0);
    assert.match(
      stdout,
      new RegExp(`^Calibrated from ${escape(server.url)}, 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z: 336 windows of 30m`),
    );
    assert.match(stdout, /requestsPerSecond {2}\d+/);
    assert.match(stdout, /region +eu-west 0\.4, us-east 0\.6/);
    assert.match(stdout, new RegExp(`errorRate +${result.baseline.errorRate} +dispersion ${result.dispersion.errorRate}`));
    assert.match(stdout, /gauge:cpu/);
  });

  it('--write puts the values into the plan; comments and the rest of the file are unchanged', async () => {
    const copy = path.join(folder, 'checkout.release.yaml');
    const original = await fs.readFile(PLAN, 'utf8');
    await fs.writeFile(copy, original);
    const { code, stderr } = await runCli(['calibrate', copy, '--prometheus', server.url, ...RANGE, '--write', '--format', 'json'], folder);
    assert.strictEqual(code, 0, stderr);
    assert.match(stderr, /wrote the calibration into/);
    const written = await fs.readFile(copy, 'utf8');
    const value = parse(written);
    assert.strictEqual(value.traffic.requestsPerSecond, result.traffic.requestsPerSecond);
    assert.deepStrictEqual(value.traffic.profile.hourOfWeek, result.traffic.profile.hourOfWeek);
    assert.strictEqual(value.baseline.dispersion.errorRate, result.dispersion.errorRate);
    assert.strictEqual(value.baseline.dispersion.kpis['payment-success'], result.dispersion['kpi:payment-success']);
    assert.strictEqual(value.baseline.gauges.cpu, result.baseline.gauges.cpu);
    assert.strictEqual(value.baseline.dispersion.gauges.cpu, result.dispersion['gauge:cpu']);
    assert.doesNotMatch(stderr, /not written/);
    // What was written is what the plan schema and the simulator read.
    const checked = await runCli(['check', copy, '--format', 'json'], folder);
    const schemaErrors = (JSON.parse(checked.stdout) as { ruleId: string; message: string }[]).filter((row) => row.ruleId === 'schema');
    assert.deepStrictEqual(schemaErrors, []);
    assert.match(
      written,
      new RegExp(
        `# Calibrated by stagegate calibrate at \\S+ from ${escape(server.url)}, history 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z in 30m windows`,
      ),
    );
    assert.ok(written.includes('  requestsPerSecond: ' + result.traffic.requestsPerSecond + '   # a guess'));
    assert.strictEqual(written.slice(written.indexOf('\nmetrics:')), original.slice(original.indexOf('\nmetrics:')));
    assert.ok(written.startsWith(original.slice(0, original.indexOf('traffic:'))));
    // The header's value, read from the environment, is in no output and not in the plan.
    assert.ok(!written.includes(TENANT) && !stderr.includes(TENANT));
  });

  it('refuses a plan without metrics, and --from without --to, with usage errors', async () => {
    const bare = await variant('metrics:\n  prometheus:', 'other:\n  prometheus:');
    const withoutMetrics = await runCli(['calibrate', bare, '--prometheus', server.url, ...RANGE], folder);
    assert.strictEqual(withoutMetrics.code, 2);
    assert.match(withoutMetrics.stderr, /The plan has no metrics section: add metrics\.queries \(see docs\/metrics\.md\)\./);
    const half = await runCli(['calibrate', PLAN, '--prometheus', server.url, '--from', '2025-11-03T00:00Z'], FIXTURES);
    assert.strictEqual(half.code, 2);
    assert.match(half.stderr, /--from and --to go together/);
    const window = await runCli(['calibrate', PLAN, '--prometheus', server.url, ...RANGE, '--window', '7m'], FIXTURES);
    assert.strictEqual(window.code, 2);
    assert.match(window.stderr, /--window takes whole minutes dividing an hour/);
  });

  it('takes the address from STAGEGATE_PROMETHEUS_URL when --prometheus is not given', async () => {
    const saved = process.env.STAGEGATE_PROMETHEUS_URL;
    process.env.STAGEGATE_PROMETHEUS_URL = server.url;
    try {
      const { code, stdout, stderr } = await runCli(['calibrate', PLAN, ...RANGE, '--format', 'json'], FIXTURES);
      assert.strictEqual(code, 0, stderr);
      assert.strictEqual((JSON.parse(stdout) as CalibrationJson).source.server, server.url);
    } finally {
      if (saved === undefined) delete process.env.STAGEGATE_PROMETHEUS_URL;
      else process.env.STAGEGATE_PROMETHEUS_URL = saved;
    }
  });

  it('joins a range asked in parts into the same series as one request', async () => {
    const query = {
      name: 'requests',
      query: 'sum by (region) (rate(http_requests_total[30m]))',
      start: TRUE.from + 1800,
      end: TRUE.from + 7 * 86400,
      step: 1800,
    };
    const whole = await new PrometheusClient({ url: server.url }).queryRange(query);
    const parts = await new PrometheusClient({ url: server.url, maxPointsPerRequest: 50 }).queryRange(query);
    assert.strictEqual(whole.length, 2);
    assert.strictEqual(whole[0].points.length, M);
    const byRegion = (series: typeof whole) => Object.fromEntries(series.map((one) => [one.labels.region, one.points]));
    assert.deepStrictEqual(byRegion(parts), byRegion(whole));
  });

  it('says which query Prometheus rejected, with its error text', async () => {
    const plan = await variant(
      'requests: sum by (region) (rate(http_requests_total[$window]))',
      'requests: sum by (region) (rate(http_requests_total[$window])',
    );
    const { code, stdout, stderr } = await runCli(['calibrate', plan, '--prometheus', server.url, ...RANGE], folder);
    assert.strictEqual(code, 2);
    assert.strictEqual(stdout, '');
    assert.match(
      stderr,
      /^stagegate: requests: Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected the query \(bad_data: .*parse error.*\)\. The query was: sum by/,
    );
  });

  it('says which query returned no data, and how to write a service that never failed', async () => {
    const plan = await variant('code=~"5.."', 'code=~"6.."');
    const { code, stderr } = await runCli(['calibrate', plan, '--prometheus', server.url, ...RANGE], folder);
    assert.strictEqual(code, 2);
    assert.match(
      stderr,
      /errors: the query returned no data between 2025-11-03T00:00:00Z and 2025-11-10T00:00:00Z\. If the service had no failures at all, end the query with `or vector\(0\)`/,
    );
    const original = await fs.readFile(plan, 'utf8');
    // With --write, a failed calibration leaves the plan as it was.
    await runCli(['calibrate', plan, '--prometheus', server.url, ...RANGE, '--write'], folder);
    assert.strictEqual(await fs.readFile(plan, 'utf8'), original);
  });

  it('says when the server cannot be reached', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli(['calibrate', PLAN, '--prometheus', `http://127.0.0.1:${port}`, ...RANGE], FIXTURES);
    assert.strictEqual(code, 2);
    assert.match(
      stderr,
      new RegExp(`^stagegate: requests: cannot reach Prometheus at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\.`),
    );
  });

  it('gives up after --timeout on a server that accepts the connection and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const { code, stderr } = await runCli(
        ['calibrate', PLAN, '--prometheus', `http://127.0.0.1:${port}`, ...RANGE, '--timeout', '1s'],
        FIXTURES,
      );
      assert.strictEqual(code, 2);
      assert.match(stderr, new RegExp(`^stagegate: requests: http://127\\.0\\.0\\.1:${port} did not answer within 1 s \\(--timeout\\)\\.`));
      assert.ok(Date.now() - started < 10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('names a header variable that is not set, and refuses credentials written in the address', async () => {
    delete process.env.STAGEGATE_TEST_TENANT;
    try {
      const { code, stderr } = await runCli(['calibrate', PLAN, '--prometheus', server.url, ...RANGE], FIXTURES);
      assert.strictEqual(code, 2);
      assert.match(
        stderr,
        /metrics\.prometheus\.headers\.X-Scope-OrgID reads the environment variable STAGEGATE_TEST_TENANT, which is not set\./,
      );
    } finally {
      process.env.STAGEGATE_TEST_TENANT = TENANT;
    }
    const withCredentials = server.url.replace('http://', 'http://reader:pa55word@');
    const { code, stderr } = await runCli(['calibrate', PLAN, '--prometheus', withCredentials, ...RANGE], FIXTURES);
    assert.strictEqual(code, 2);
    assert.match(stderr, /holds credentials: send them as a header read from the environment/);
    assert.ok(!stderr.includes('pa55word'));
  });

  it('check reports a header written as a value at its place, without repeating it', async () => {
    const plan = await variant('env:STAGEGATE_TEST_TENANT', 'Bearer abc-secret');
    const { code, stdout } = await runCli(['check', plan], folder);
    assert.strictEqual(code, 1);
    assert.match(
      stdout,
      /:19:31 +error +metrics\.prometheus\.headers\.X-Scope-OrgID must be the name of an environment variable written env:NAME/,
    );
    assert.ok(!stdout.includes('abc-secret'));
  });

  /** A copy of the fixture plan with one piece of text replaced, in the temporary folder. */
  async function variant(from: string, to: string): Promise<string> {
    const text = await fs.readFile(PLAN, 'utf8');
    assert.ok(text.includes(from), `the fixture holds ${from}`);
    const file = path.join(folder, `variant-${Math.random().toString(36).slice(2)}.release.yaml`);
    await fs.writeFile(file, text.replace(from, to));
    return file;
  }
});

function within(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
