// `stagegate calibrate` on an Argo Rollout and a Flagger Canary, through the CLI against a real Prometheus serving the
// seeded synthetic week: the queries come from the AnalysisTemplate and the MetricTemplate (args, templateVariables
// and `{{ interval }}` substituted), the values land under `simulation:` in `.stagegate.yaml`, and what a template
// cannot give (the requests behind a percentage) is named and then taken from `.stagegate.yaml` `metrics:`.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY as TRUE, generateHistory } from './history';
import { startPrometheus, type PrometheusServer } from './prometheus-server';

const ARGO = path.join(FIXTURES, 'calibrate', 'argo');
const FLAGGER = path.join(FIXTURES, 'calibrate', 'flagger');
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-10T00:00Z'];
/** 7 days of 30-minute windows. */
const M = 336;
/** The pooled error rate's SE is √(ρ·p(1−p)/M) (windows drawn from a beta with correlation ρ); 4 SE. */
const ERROR_TOLERANCE = 4 * Math.sqrt((TRUE.errorRho * TRUE.errorRate * (1 - TRUE.errorRate)) / M);

interface CalibrationJson {
  traffic: { requestsPerSecond: number; dimensions: Record<string, Record<string, number>> };
  baseline: { errorRate: number };
  samples: { window: string; windows: number };
  source: { server: string };
}

describe('stagegate calibrate on Argo Rollouts and Flagger Canaries against a real Prometheus', function () {
  this.timeout(120_000);
  let server: PrometheusServer;
  let folder: string;

  before(async () => {
    server = await startPrometheus(generateHistory(TRUE));
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-calibrate-resources-'));
  });
  after(async () => {
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  /** A copy of a fixture folder, with the templates' in-cluster address replaced by the test server's. */
  async function copyOf(from: string, name: string): Promise<string> {
    const to = path.join(folder, name);
    await fs.mkdir(to, { recursive: true });
    for (const file of await fs.readdir(from)) {
      const text = await fs.readFile(path.join(from, file), 'utf8');
      await fs.writeFile(path.join(to, file), text.replace(/http:\/\/prometheus\.monitoring[\w.]*:9090/g, server.url));
    }
    return to;
  }

  it("Rollout: the AnalysisTemplate's success-rate query, the Rollout's args substituted, gives requests, shares and errors", async () => {
    const { code, stdout, stderr } = await runCli(
      ['calibrate', path.join(ARGO, 'rollout.yaml'), '--prometheus', server.url, ...RANGE, '--format', 'json'],
      FIXTURES,
    );
    assert.strictEqual(code, 0, stderr);
    const result = JSON.parse(stdout) as CalibrationJson;
    // The analysis interval of the template, 30m, is the window.
    assert.deepStrictEqual([result.samples.window, result.samples.windows], ['30m', M]);
    within(result.traffic.requestsPerSecond, TRUE.requestsPerSecond, 0.01 * TRUE.requestsPerSecond, 'requestsPerSecond');
    within(result.traffic.dimensions.region['eu-west'], 0.4, 0.002, 'eu-west share');
    // errors = requests − successes: the success rate's complement, with the Rollout's `error-codes: 5..`.
    within(result.baseline.errorRate, TRUE.errorRate, ERROR_TOLERANCE, 'errorRate');
    assert.match(
      stderr,
      /requests from success-rate\/success-rate: sum by \(region\) \(rate\(http_requests_total\{region=~"\.\*"\}\[30m\]\)\)/,
    );
    assert.match(
      stderr,
      /errors from success-rate\/success-rate: \(sum by .*\) - \(sum by \(region\) \(rate\(http_requests_total\{region=~"\.\*",code!~"5\.\."\}/,
    );
  });

  it("Rollout: without --prometheus the template's address is used; --write fills simulation: in a new .stagegate.yaml that simulate reads", async () => {
    const copy = await copyOf(ARGO, 'argo');
    const rollout = path.join(copy, 'rollout.yaml');
    const before = await fs.readFile(rollout, 'utf8');
    const { code, stderr } = await runCli(['calibrate', rollout, ...RANGE, '--write', '--format', 'json'], copy);
    assert.strictEqual(code, 0, stderr);
    assert.match(stderr, /wrote the calibration into \.stagegate\.yaml \(simulation:\)/);
    assert.strictEqual(await fs.readFile(rollout, 'utf8'), before, 'the Rollout itself is not touched');
    const written = await fs.readFile(path.join(copy, '.stagegate.yaml'), 'utf8');
    assert.match(
      written,
      /^simulation:\n {2}# Calibrated by stagegate calibrate at .* from http:\/\/127\.0\.0\.1:\d+, history 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z in 30m windows/,
    );
    const value = parse(written) as { simulation: { traffic: { requestsPerSecond: number }; baseline: { errorRate: number } } };
    within(value.simulation.traffic.requestsPerSecond, TRUE.requestsPerSecond, 1, 'written requestsPerSecond');
    within(value.simulation.baseline.errorRate, TRUE.errorRate, ERROR_TOLERANCE, 'written errorRate');

    const simulated = await runCli(['simulate', rollout], copy);
    assert.strictEqual(simulated.code, 0, simulated.stderr);
    assert.match(
      simulated.stdout,
      new RegExp(`Traffic: ${value.simulation.traffic.requestsPerSecond} requests per second, from simulation.traffic in .stagegate.yaml`),
    );
  });

  it("Canary: the MetricTemplate's query with templateVariables and {{ interval }} as the window; --write keeps .stagegate.yaml's comments", async () => {
    const copy = await copyOf(FLAGGER, 'flagger');
    const config = path.join(copy, '.stagegate.yaml');
    const original = await fs.readFile(config, 'utf8');
    const { code, stdout, stderr } = await runCli(
      ['calibrate', path.join(copy, 'canary.yaml'), ...RANGE, '--window', '15m', '--write', '--format', 'json'],
      copy,
    );
    assert.strictEqual(code, 0, stderr);
    const result = JSON.parse(stdout) as CalibrationJson;
    assert.strictEqual(result.source.server, server.url, "the MetricTemplate's address");
    assert.deepStrictEqual([result.samples.window, result.samples.windows], ['15m', 2 * M]);
    assert.match(stderr, /errors from error-rate: sum\(rate\(http_requests_total\{code=~"5\.\."\}\[15m\]\)\)/);
    within(result.traffic.requestsPerSecond, TRUE.requestsPerSecond, 0.01 * TRUE.requestsPerSecond, 'requestsPerSecond');
    within(result.baseline.errorRate, TRUE.errorRate, ERROR_TOLERANCE, 'errorRate');
    const written = await fs.readFile(config, 'utf8');
    assert.ok(written.startsWith("# Workspace settings for the shop's canaries.\nsimulation:\n"), written);
    assert.match(written, /error-rate: \{ metric: errorRate \} # the template's query is already a fraction\n/);
    const value = parse(written) as { simulation: { traffic: { requestsPerSecond: number }; metrics: unknown } };
    assert.strictEqual(value.simulation.traffic.requestsPerSecond, result.traffic.requestsPerSecond);
    assert.deepStrictEqual(value.simulation.metrics, { 'error-rate': { metric: 'errorRate' } });
    assert.notStrictEqual(written, original);
  });

  it('names what a template cannot give (requests behind a percentage), and takes it from .stagegate.yaml metrics:', async () => {
    const copy = await copyOf(FLAGGER, 'percent');
    const template = path.join(copy, 'metric-template.yaml');
    // Flagger's documented shape: an error percentage, 100 − successes / requests × 100: no plain ratio to split.
    const text = await fs.readFile(template, 'utf8');
    await fs.writeFile(
      template,
      text.replace(
        /query: \|[\s\S]*$/,
        'query: |\n    100 - sum(rate(http_requests_total{code!~"{{ variables.errorCodes }}"}[{{ interval }}])) / sum(rate(http_requests_total[{{ interval }}])) * 100\n',
      ),
    );
    const canary = path.join(copy, 'canary.yaml');
    const refused = await runCli(['calibrate', canary, ...RANGE], copy);
    assert.strictEqual(refused.code, 2);
    assert.match(refused.stderr, /error-rate measures an error rate but its query is not written as one ratio A \/ B/);
    assert.match(refused.stderr, /No query gives the requests: write metrics\.queries\.requests \(and errors\) in \.stagegate\.yaml/);
    assert.match(refused.stderr, /cannot be calibrated/);

    await fs.appendFile(
      path.join(copy, '.stagegate.yaml'),
      'metrics:\n  queries:\n    requests: sum(rate(http_requests_total[$window]))\n    errors: sum(rate(http_requests_total{code=~"5.."}[$window]))\n',
    );
    const { code, stdout, stderr } = await runCli(['calibrate', canary, ...RANGE, '--format', 'json'], copy);
    assert.strictEqual(code, 0, stderr);
    assert.match(stderr, /requests from metrics\.queries in \.stagegate\.yaml/);
    const result = JSON.parse(stdout) as CalibrationJson;
    within(result.baseline.errorRate, TRUE.errorRate, ERROR_TOLERANCE, 'errorRate');
  });
});

function within(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}
