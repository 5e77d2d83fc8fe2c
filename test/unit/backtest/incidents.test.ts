// The incident rule on hand-made counts: a run of windows above the day's median counts when it lasts minRun
// windows or one of its windows reaches spikeZ; falls never count; each value of a grouped dimension is judged by
// itself; the reference is taken from the history's own dispersion.

import * as assert from 'assert';
import { findIncidents, INCIDENT_RULE } from '../../../src/engine/backtest/incidents';
import type { RecordedCounts } from '../../../src/engine/backtest/replay';

const SEGMENTS = [{ values: { region: 'eu' } }, { values: { region: 'us' } }];
const WINDOWS = 288; // two days of 10-minute windows

/** −2 to 2 in a fixed scramble: wandering whose median is 0 and median absolute deviation 1. */
const wander = (i: number) => ((i * 7) % 5) - 2;

/**
 * 6,000 requests a window in each region; the error ratio 0.8% to 1.2% (median 1%, MAD 0.1%: a spread of 0.15%,
 * 0.2% with the sampling of 6,000 requests), `rise(i)` added in eu; p95 `latency(i)` ± 5%.
 */
function recorded(rise: (window: number) => number, latency?: (window: number) => number): RecordedCounts {
  const requests = SEGMENTS.map(() => new Float64Array(WINDOWS).fill(6000));
  const errors = SEGMENTS.map((_, s) =>
    Float64Array.from({ length: WINDOWS }, (_, i) => 6000 * (0.01 + 0.001 * wander(i) + (s === 0 ? rise(i) : 0))),
  );
  const p95 = latency
    ? SEGMENTS.map(() => Float64Array.from({ length: WINDOWS }, (_, i) => latency(i) * (1 + 0.025 * wander(i))))
    : undefined;
  return {
    from: 0,
    windowSeconds: 600,
    windows: WINDOWS,
    requests,
    errors,
    ...(p95 ? { latencyP95Ms: p95 } : {}),
    groupedBy: { errors: ['region'], latencyP95Ms: [] },
    notes: [],
  };
}

describe('backtest: the incident rule', () => {
  it('finds nothing in healthy, over-dispersed history', () => {
    assert.deepStrictEqual(
      findIncidents(
        SEGMENTS,
        recorded(() => 0),
      ),
      [],
    );
  });

  it('needs three windows in a row for a moderate rise, one for a spike, and never counts a fall', () => {
    // +2% in eu: at least 9 spreads.
    const spike = findIncidents(
      SEGMENTS,
      recorded((i) => (i === 100 || i === 101 ? 0.02 : 0)),
    );
    assert.deepStrictEqual(
      spike.map((incident) => [incident.fromWindow, incident.toWindow]),
      [[100, 102]],
      'two windows far above: a spike',
    );
    assert.ok(spike[0].segments.includes('region=eu') && !spike[0].segments.includes('region=us'), spike[0].segments.join());
    // +0.85% in eu: 3.3 to 5.4 spreads, whatever the wandering.
    const moderate = (from: number, length: number) => (i: number) => (i >= from && i < from + length ? 0.0085 : 0);
    assert.deepStrictEqual(findIncidents(SEGMENTS, recorded(moderate(100, 2))), [], 'two windows 3 to 6 spreads above: not enough');
    const three = findIncidents(SEGMENTS, recorded(moderate(100, 4)));
    assert.deepStrictEqual(
      three.map((incident) => [incident.fromWindow, incident.toWindow, incident.signals]),
      [[100, 104, ['errors']]],
    );
    assert.ok(three[0].peak < INCIDENT_RULE.spikeZ && three[0].peak >= INCIDENT_RULE.runZ, `peak ${three[0].peak}`);
    // A fall to almost no errors is not an incident.
    assert.deepStrictEqual(
      findIncidents(
        SEGMENTS,
        recorded((i) => (i >= 100 && i < 110 ? -0.008 : 0)),
      ),
      [],
    );
  });

  it('judges p95 latency on all traffic when its series are service-wide, and merges overlapping finds', () => {
    const found = findIncidents(
      SEGMENTS,
      recorded(
        (i) => (i >= 200 && i < 203 ? 0.03 : 0),
        (i) => (i >= 202 && i < 206 ? 400 : 200),
      ),
    );
    assert.deepStrictEqual(
      found.map((incident) => [incident.fromWindow, incident.toWindow, incident.signals, incident.segments]),
      [[200, 206, ['errors', 'latencyP95Ms'], ['all', 'region=eu']]],
      'errors from 200 in eu and on all traffic, then the p95 from 202 on all traffic: one incident',
    );
  });
});
