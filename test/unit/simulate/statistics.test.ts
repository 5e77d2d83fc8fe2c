// The simulator's rates against exact probabilities: with one evaluation per stage, how often a gate trips is a
// binomial tail probability that can be summed exactly; the Monte Carlo rate must fall within 3 standard errors.

import * as assert from 'assert';
import { LATENCY_LOG_SIGMA } from '../../../src/engine/simulate/latency';
import { assertWithinThreeStandardErrors, binomialPmf, binomialUpperTail, largestCountWithin, normalCdf, simulatorFor } from './helpers';

const RUNS = 4000;
const SEED = 20251126;
const P95_Z = 1.6448536269514722;

describe('simulator statistics', () => {
  describe('an absolute error-rate gate with one evaluation over the whole stage', () => {
    // 10 requests/s for 10 minutes, all on the new version: n = 6,000 is fixed, errors ~ Binomial(6000, rate).
    const body = (baselineErrorRate: number) => ({
      traffic: { requestsPerSecond: 10 },
      baseline: { errorRate: baselineErrorRate },
      stages: [{ name: 'all-at-once', weight: 100, duration: '10m', interval: '10m', gates: [{ metric: 'errorRate', max: '1%' }] }],
      rollback: { automatic: true },
      scenarios: { spike: { kind: 'error-spike', errorRate: 0.0105 } },
    });

    it('detects a spike as often as P(errors > 1% of 6,000) says', () => {
      const summary = simulatorFor(body(0.002)).runMany('spike', SEED, RUNS);
      const exact = binomialUpperTail(6000, 0.0105, largestCountWithin(6000, 0.01));
      assertWithinThreeStandardErrors(summary.detectionRate, exact, RUNS, `detection rate (seed ${SEED})`);
      assert.strictEqual(summary.detectionByStage['all-at-once'], summary.detectionRate);
    });

    it('rolls back a healthy release as often as the baseline alone breaks the bound', () => {
      const summary = simulatorFor(body(0.009)).runMany('healthy', SEED, RUNS);
      const exact = binomialUpperTail(6000, 0.009, largestCountWithin(6000, 0.01));
      assert.ok(exact > 0.05 && exact < 0.5, `the test needs a visible false-rollback rate, not ${exact}`);
      assertWithinThreeStandardErrors(summary.falseRollbackRate!, exact, RUNS, `false-rollback rate (seed ${SEED})`);
    });
  });

  describe('two stages, one evaluation each, with the routing drawn too', () => {
    // Stage 1 routes 20% of 2 × 150 requests/min for 30 minutes: canary requests ~ Binomial(9000, 0.2), then errors
    // ~ Binomial(canary, rate). Stage 2 serves everything for 20 minutes: errors ~ Binomial(6000, rate).
    const body = (baselineErrorRate: number) => ({
      traffic: { requestsPerSecond: 5, dimensions: { region: { a: 0.5, b: 0.5 } } },
      baseline: { errorRate: baselineErrorRate },
      stages: [
        { name: 'canary-20', weight: 20, duration: '30m', interval: '30m', gates: [{ metric: 'errorRate', max: '1.2%' }] },
        { name: 'full', weight: 100, duration: '20m', interval: '20m', gates: [{ metric: 'errorRate', max: '1.2%' }] },
      ],
      rollback: { automatic: true },
      scenarios: { spike: { kind: 'error-spike', errorRate: 0.011 } },
    });
    const firstStageTrip = (rate: number) => {
      let probability = 0;
      for (let canary = 1500; canary <= 2100; canary++)
        probability += binomialPmf(9000, 0.2, canary) * binomialUpperTail(canary, rate, largestCountWithin(canary, 0.012));
      return probability;
    };

    for (const [scenario, rate] of [
      ['spike', 0.011],
      ['healthy', 0.0105],
    ] as const) {
      it(`stops ${scenario} in each stage as often as the exact stage-by-stage probabilities say`, () => {
        const summary = simulatorFor(body(scenario === 'healthy' ? rate : 0.002)).runMany(scenario, SEED, RUNS);
        const first = firstStageTrip(rate);
        const second = (1 - first) * binomialUpperTail(6000, rate, largestCountWithin(6000, 0.012));
        assertWithinThreeStandardErrors(
          summary.detectionByStage['canary-20'],
          first,
          RUNS,
          `${scenario} stopped in canary-20 (seed ${SEED})`,
        );
        assertWithinThreeStandardErrors(summary.detectionByStage.full, second, RUNS, `${scenario} stopped in full (seed ${SEED})`);
        if (scenario === 'healthy')
          assertWithinThreeStandardErrors(summary.falseRollbackRate!, first + second, RUNS, `false rollbacks (seed ${SEED})`);
      });
    }
  });

  describe('a latency gate', () => {
    // The window's p95 is its 1,140th smallest latency of 1,200; it exceeds T exactly when fewer than 1,140 requests
    // are at or below T, and each is with probability F(T) under the log-normal fit.
    it('trips as often as the order statistic says', () => {
      const bound = 206;
      const simulator = simulatorFor({
        traffic: { requestsPerSecond: 2 },
        baseline: { latencyP95Ms: 200 },
        stages: [{ name: 'all-at-once', weight: 100, duration: '10m', interval: '10m', gates: [{ metric: 'latencyP95Ms', max: bound }] }],
        rollback: { automatic: true },
      });
      const summary = simulator.runMany('healthy', SEED, RUNS);
      const below = normalCdf(P95_Z + Math.log(bound / 200) / LATENCY_LOG_SIGMA);
      const rank = Math.ceil(0.95 * 1200);
      const exact = 1 - binomialUpperTail(1200, below, rank - 1);
      assert.ok(exact > 0.05 && exact < 0.5, `the test needs a visible trip rate, not ${exact}`);
      assertWithinThreeStandardErrors(summary.falseRollbackRate!, exact, RUNS, `latency trips (seed ${SEED})`);
    });
  });

  describe('a KPI gate', () => {
    it('trips as often as P(successes / n < min) says', () => {
      const simulator = simulatorFor({
        traffic: { requestsPerSecond: 2 },
        baseline: { kpis: { conversion: 0.9 } },
        stages: [{ name: 'all-at-once', weight: 100, duration: '10m', interval: '10m', gates: [{ metric: 'kpi:conversion', min: 0.89 }] }],
        rollback: { automatic: true },
      });
      const summary = simulator.runMany('healthy', SEED, RUNS);
      let exact = 0;
      for (let successes = 0; successes <= 1200; successes++) if (successes / 1200 < 0.89) exact += binomialPmf(1200, 0.9, successes);
      assertWithinThreeStandardErrors(summary.falseRollbackRate!, exact, RUNS, `KPI trips (seed ${SEED})`);
    });
  });
});
