// `stagegate backtest` finds the incidents of a recorded history by its documented rule (docs/metrics.md), through
// the CLI against a real Prometheus serving three seeded days with three generated incidents: a global spike of
// errors, an outage of one region that the service-wide error rate hides, and a slow burn of errors and latency.
// Each is replayed as a canary carrying it; the one-region outage is caught only by the plan whose gates break
// traffic down by region.

import * as assert from 'assert';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';

const REGIONAL = path.join(FIXTURES, 'backtest', 'checkout.release.yaml');
const SERVICE_WIDE = path.join(FIXTURES, 'backtest', 'service-wide.release.yaml');
const TUESDAY = MONDAY + 86_400;
const WEDNESDAY = TUESDAY + 86_400;
const HISTORY = {
  ...DEFAULT_HISTORY,
  days: 3,
  errorBursts: [
    // Global spike: 40% of all requests fail for half an hour.
    { from: TUESDAY + 10 * 3600, to: TUESDAY + 10.5 * 3600, errorRate: 0.4 },
    // eu-west (40% of traffic) fails 8% of its requests for two hours: 3.8% service-wide, under the 5% bound.
    { from: TUESDAY + 20 * 3600, to: TUESDAY + 22 * 3600, errorRate: 0.08, region: 'eu-west' },
  ],
  // Over six hours the error rate climbs to 6% and the p95 to 2.5 times its usual 180 ms.
  slowBurns: [{ from: WEDNESDAY + 4 * 3600, to: WEDNESDAY + 10 * 3600, errorRate: 0.06, latencyFactor: 2.5 }],
};
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-06T00:00Z', '--every', '30m', '--format', 'json'];

interface IncidentJson {
  from: string;
  to: string;
  caught: boolean;
  stage: string | null;
  gate: string | null;
  segment: string | null;
  minute: number | null;
  failedRequests: number;
  origin: string;
  signals: string[];
  segments: string[];
  score: number | null;
}

describe('stagegate backtest finds the incidents of a recorded history', function () {
  this.timeout(120_000);
  let server: PrometheusServer;

  before(async () => {
    server = await startPrometheus(generateHistory(HISTORY));
  });
  after(async () => {
    await server?.stop();
  });

  async function run(
    plan: string,
    ...argv: string[]
  ): Promise<{ incidents: IncidentJson[]; falseRollbackRate: number; trips: { incident?: string }[] }> {
    const { code, stdout, stderr } = await runCli(['backtest', plan, '--prometheus', server.url, ...RANGE, ...argv], FIXTURES);
    assert.strictEqual(code, 0, stderr);
    return JSON.parse(stdout);
  }

  it('finds the spike, the one-region outage and the slow burn, and nothing else in three days', async () => {
    const { incidents, falseRollbackRate, trips } = await run(REGIONAL);
    assert.deepStrictEqual(
      incidents.map((incident) => [incident.from, incident.to, incident.origin, incident.signals, incident.segments]),
      [
        // The spike: on all traffic and in both regions.
        ['2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z', 'found', ['errors'], ['all', 'region=eu-west', 'region=us-east']],
        // The outage: in eu-west, never in us-east (seen on all traffic too, where it triples the error ratio).
        ['2025-11-04T20:00:00Z', '2025-11-04T22:00:00Z', 'found', ['errors'], ['all', 'region=eu-west']],
        // The slow burn, 04:00 to 10:00: found once errors and p95 stand three spreads above the day's median,
        // for at least three windows, until it ends.
        ['2025-11-05T06:00:00Z', '2025-11-05T10:00:00Z', 'found', ['errors', 'latencyP95Ms'], ['all', 'region=eu-west', 'region=us-east']],
      ],
    );
    for (const incident of incidents) assert.ok(incident.score! >= 6, `${incident.from}: score ${incident.score}`);
    // Every stop falls in one of them: the healthy days stop no rollout of this plan.
    assert.ok(trips.length > 0);
    assert.ok(trips.every((trip) => trip.incident !== undefined));
    assert.strictEqual(falseRollbackRate, 0);
  });

  it('catches the one-region outage with breakdown: [region] and misses it without', async () => {
    const regional = (await run(REGIONAL)).incidents;
    const serviceWide = (await run(SERVICE_WIDE)).incidents;
    const fields = (incident: IncidentJson) => [incident.caught, incident.stage, incident.gate, incident.segment, incident.minute];
    // The spike fails the canary's 5% bound on all traffic in both plans.
    assert.deepStrictEqual(fields(regional[0]), [true, 'canary', 'errorRate ≤ 5%', 'all', 30]);
    assert.deepStrictEqual(fields(serviceWide[0]), [true, 'canary', 'errorRate ≤ 5%', 'all', 30]);
    // The outage: all traffic fails at about 3.8%, under 5%; only eu-west's 8%, judged by itself in the half stage
    // (from minute 60 to 120), crosses it.
    assert.deepStrictEqual(fields(regional[1]), [true, 'half', 'errorRate ≤ 5%', 'region=eu-west', 90]);
    assert.deepStrictEqual(fields(serviceWide[1]), [false, null, null, null, null]);
    // Missed, the rollout runs through the outage: more of its canary's requests fail than when it was stopped.
    assert.ok(
      serviceWide[1].failedRequests > regional[1].failedRequests,
      `${serviceWide[1].failedRequests} vs ${regional[1].failedRequests}`,
    );
    // The slow burn: the canary's p95 gate, once the recorded p95 passes 400 ms.
    assert.deepStrictEqual(fields(regional[2]).slice(0, 4), [true, 'canary', 'latencyP95Ms ≤ 400 ms', 'all']);
  });

  it('merges a given --incident with the found ones, each marked found or given', async () => {
    const { incidents } = await run(
      REGIONAL,
      '--incident',
      '2025-11-04T19:30Z/2025-11-04T22:30Z',
      '--incident',
      '2025-11-03T12:00Z/2025-11-03T12:30Z',
    );
    assert.deepStrictEqual(
      incidents.map((incident) => [incident.from, incident.to, incident.origin]),
      [
        ['2025-11-03T12:00:00Z', '2025-11-03T12:30:00Z', 'given'],
        ['2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z', 'found'],
        // The given window holds the found outage, which it replaces.
        ['2025-11-04T19:30:00Z', '2025-11-04T22:30:00Z', 'given'],
        ['2025-11-05T06:00:00Z', '2025-11-05T10:00:00Z', 'found'],
      ],
    );
    const text = await runCli(['backtest', REGIONAL, '--prometheus', server.url, ...RANGE.slice(0, -2)], FIXTURES);
    assert.match(
      text.stdout,
      /2025-11-04T20:00:00Z\/2025-11-04T22:00:00Z \(found: errors on all, region=eu-west\): caught by half, errorRate ≤ 5%, region=eu-west, at minute 90/,
    );
  });
});
