// `stagegate backtest` through the CLI against a real Prometheus serving two seeded days of healthy traffic with
// one half-hour in which 40% of requests fail, for both versions alike (an incident of the service, not of a
// release). Rollouts start every 30 minutes; exactly those whose evaluation windows cross the burst must be stopped,
// by the absolute bound and never by the bound relative to the current version (which fails alike), and the burst is
// found as an incident of the service, so none of them counts as a false rollback.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';

const PLAN = path.join(FIXTURES, 'backtest', 'checkout.release.yaml');
const BURST_FROM = MONDAY + 86_400 + 10 * 3600; // 2025-11-04T10:00Z
const HISTORY = {
  ...DEFAULT_HISTORY,
  days: 2,
  errorBursts: [{ from: BURST_FROM, to: BURST_FROM + 1800, errorRate: 0.4 }],
};
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-05T00:00Z', '--every', '30m'];

interface BacktestJson {
  window: { from: string; to: string };
  evaluationWindow: string;
  replays: number;
  falseRollbackRate: number;
  byGate: { stage: string; gate: string; trips: number; rate: number }[];
  trips: {
    start: string;
    stage: string;
    gate: string;
    segment: string;
    verdict: string;
    from: string;
    to: string;
    canary: number;
    samples: number;
    incident?: string;
  }[];
  incidents: {
    from: string;
    to: string;
    origin: string;
    signals: string[];
    segments: string[];
    score: number | null;
    caught: boolean;
    stage: string | null;
    gate: string | null;
    segment: string | null;
    minute: number | null;
    failedRequests: number;
  }[];
  notes: string[];
}

describe('stagegate backtest against a real Prometheus', function () {
  this.timeout(120_000);
  let server: PrometheusServer;

  before(async () => {
    server = await startPrometheus(generateHistory(HISTORY));
  });
  after(async () => {
    await server?.stop();
  });

  let result: BacktestJson;
  it('stops exactly the rollouts whose windows cross the burst, by the absolute bound, in the incident it finds (--format json)', async () => {
    const { code, stdout, stderr } = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--format', 'json'], FIXTURES);
    assert.strictEqual(code, 0, stderr);
    result = JSON.parse(stdout) as BacktestJson;
    assert.deepStrictEqual(result.window, { from: '2025-11-03T00:00:00Z', to: '2025-11-05T00:00:00Z' });
    assert.strictEqual(result.evaluationWindow, '30m', "the plan's shortest interval");
    // Starts every 30 minutes from 00:00 on the 3rd to 22:00 on the 4th (a rollout lasts 2 h): 93.
    assert.strictEqual(result.replays, 93);
    // Canary windows are [s, s+30m) and [s+30m, s+1h), then the half stage's [s+1h, s+1h30) and [s+1h30, s+2h): the
    // starts 08:30 and 09:00 meet the burst in the half stage, 09:30 and 10:00 in the canary.
    assert.deepStrictEqual(
      result.trips.map((trip) => [trip.start, trip.stage, trip.gate, trip.segment, trip.verdict, trip.from, trip.to]),
      [
        ['2025-11-04T08:30:00Z', 'half', 'errorRate ≤ 5%', 'all', 'fail', '2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z'],
        ['2025-11-04T09:00:00Z', 'half', 'errorRate ≤ 5%', 'all', 'fail', '2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z'],
        ['2025-11-04T09:30:00Z', 'canary', 'errorRate ≤ 5%', 'all', 'fail', '2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z'],
        ['2025-11-04T10:00:00Z', 'canary', 'errorRate ≤ 5%', 'all', 'fail', '2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z'],
      ],
    );
    // The canary's error rate in the burst is the recorded one, about 40%, not a modelled one.
    for (const trip of result.trips) assert.ok(trip.canary > 0.3 && trip.canary < 0.5, `canary ${trip.canary}`);
    // The burst is found, on the error ratio of all traffic and of each region, and nowhere else in two days: the
    // four stops fall in it, so no false rollback is left.
    assert.deepStrictEqual(
      result.incidents.map((incident) => [
        incident.from,
        incident.to,
        incident.origin,
        incident.signals,
        incident.segments,
        incident.caught,
      ]),
      [['2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z', 'found', ['errors'], ['all', 'region=eu-west', 'region=us-east'], true]],
    );
    assert.deepStrictEqual(
      result.trips.map((trip) => trip.incident),
      Array(4).fill('2025-11-04T10:00:00Z/2025-11-04T10:30:00Z'),
    );
    assert.strictEqual(result.falseRollbackRate, 0);
    assert.deepStrictEqual(
      result.byGate.map((entry) => [entry.stage, entry.gate, entry.trips]),
      [
        ['canary', 'errorRate ≤ 5%', 0],
        // Replayed on the recorded p95 (about 180 ms, wandering by 10%): never near 400 ms.
        ['canary', 'latencyP95Ms ≤ 400 ms', 0],
        // Judged first in the half stage, the relative bound passes in the burst: both versions fail alike.
        ['half', 'errorRate ≤ +50%', 0],
        ['half', 'errorRate ≤ 5%', 0],
      ],
    );
    assert.deepStrictEqual(result.notes, []);
  });

  it('gives the same output for the same seed, and prints it as text', async () => {
    const again = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--format', 'json'], FIXTURES);
    assert.deepStrictEqual(JSON.parse(again.stdout), result);
    const { code, stdout } = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE], FIXTURES);
    assert.strictEqual(code, 0);
    assert.match(stdout, /93 rollouts, one every 30m, windows of 30m/);
    assert.match(stdout, /falseRollbackRate {2}0\.0% \(0 of 93 stopped outside incidents/);
    assert.match(
      stdout,
      /2025-11-04T10:00:00Z: canary, errorRate ≤ 5%, all, 2025-11-04T10:00:00Z–2025-11-04T10:30:00Z, 0\.\d+ > 0\.05, \d+ requests \(incident 2025-11-04T10:00:00Z\/2025-11-04T10:30:00Z\)/,
    );
    assert.match(
      stdout,
      /2025-11-04T10:00:00Z\/2025-11-04T10:30:00Z \(found: errors on all, region=eu-west, region=us-east\): caught by canary, errorRate ≤ 5%, all, at minute 30/,
    );
  });

  it('with --incident, lists it as given in place of the found one, and says how a canary carrying each is caught', async () => {
    const args = ['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--format', 'json'];
    const incident = '2025-11-04T10:00Z/2025-11-04T10:30Z';
    const quiet = '2025-11-03T03:00Z/2025-11-03T03:30Z';
    const { code, stdout, stderr } = await runCli([...args, '--incident', incident, '--incident', quiet], FIXTURES);
    assert.strictEqual(code, 0, stderr);
    const withIncident = JSON.parse(stdout) as BacktestJson;
    assert.strictEqual(withIncident.falseRollbackRate, 0);
    assert.deepStrictEqual(
      withIncident.trips.map((trip) => trip.incident),
      Array(4).fill('2025-11-04T10:00:00Z/2025-11-04T10:30:00Z'),
    );
    assert.deepStrictEqual(
      withIncident.byGate.map((entry) => entry.trips),
      [0, 0, 0, 0],
    );
    // Sorted by start; the given window replaces the burst the rule finds in it.
    const [missed, caught] = withIncident.incidents;
    // A rollout starting at 10:00 is the one replayed from that start: its canary's errors are the trip's.
    const sameStart = withIncident.trips.find((trip) => trip.start === '2025-11-04T10:00:00Z')!;
    assert.deepStrictEqual(caught, {
      from: '2025-11-04T10:00:00Z',
      to: '2025-11-04T10:30:00Z',
      caught: true,
      stage: 'canary',
      gate: 'errorRate ≤ 5%',
      segment: 'all',
      minute: 30,
      failedRequests: Math.round(sameStart.canary * sameStart.samples),
      origin: 'given',
      signals: [],
      segments: [],
      score: null,
    });
    // Nothing broke at 03:00: the rollout runs through, its canary failing at the healthy 1% or so.
    assert.strictEqual(missed.caught, false);
    assert.strictEqual(missed.origin, 'given');
    assert.deepStrictEqual([missed.stage, missed.gate, missed.segment, missed.minute], [null, null, null, null]);
    assert.ok(missed.failedRequests > 0);
    const text = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--incident', incident], FIXTURES);
    assert.match(text.stdout, /falseRollbackRate {2}0\.0% \(0 of 93 stopped outside incidents/);
    assert.match(
      text.stdout,
      /2025-11-04T10:00:00Z\/2025-11-04T10:30:00Z \(given\): caught by canary, errorRate ≤ 5%, all, at minute 30, after \d+ failed requests/,
    );
    const bad = await runCli(
      ['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--incident', '2025-11-04T10:30Z/2025-11-04T10:00Z'],
      FIXTURES,
    );
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--incident 2025-11-04T10:30Z\/2025-11-04T10:00Z ends before it starts/);
  });

  it('names the query when the server rejects it, and the address when nothing answers', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-backtest-'));
    try {
      const broken = path.join(folder, 'broken.release.yaml');
      const text = await fs.readFile(PLAN, 'utf8');
      await fs.writeFile(broken, text.replace('errors: sum by (region) (rate(', 'errors: sum by (region) (rate(('));
      const bad = await runCli(['backtest', broken, '--prometheus', server.url, ...RANGE], FIXTURES);
      assert.strictEqual(bad.code, 2);
      assert.match(
        bad.stderr,
        /errors: Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected the query \(bad_data: .*The query was: sum by \(region\) \(rate\(\(/,
      );
      assert.strictEqual(bad.stdout, '');
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
    const down = await runCli(['backtest', PLAN, '--prometheus', 'http://127.0.0.1:1', ...RANGE], FIXTURES);
    assert.strictEqual(down.code, 2);
    assert.match(down.stderr, /requests: cannot reach Prometheus at http:\/\/127\.0\.0\.1:1/);
  });

  it('refuses an --every that is not whole evaluation windows, and a plan without an errors query', async () => {
    const every = await runCli(['backtest', PLAN, '--prometheus', server.url, ...RANGE, '--every', '20m'], FIXTURES);
    assert.strictEqual(every.code, 2);
    assert.match(every.stderr, /--every takes a whole number of 30-minute windows/);
    const calibrateOnly = path.join(FIXTURES, 'calibrate', 'checkout.release.yaml');
    const plan = await fs.readFile(calibrateOnly, 'utf8');
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-backtest-'));
    try {
      const noErrors = path.join(folder, 'no-errors.release.yaml');
      await fs.writeFile(noErrors, plan.replace(/^ {4}errors: .*\n/m, ''));
      const missing = await runCli(['backtest', noErrors, '--prometheus', server.url, ...RANGE], FIXTURES);
      assert.strictEqual(missing.code, 2);
      assert.match(missing.stderr, /metrics\.queries\.errors is missing: backtest replays error-rate gates/);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
