// The calibration maths on seeded synthetic data with known parameters: the hour of the week, the profile, the
// shares, the beta-binomial fit (its tolerances derived from the estimator's sampling error), the relative SD, and
// what the plan's metrics section gives a client.

import * as assert from 'assert';
import {
  betaBinomialFit,
  calibrate,
  hourOfWeek,
  hourOfWeekProfile,
  meanAndRelativeSd,
  shares,
  type Series,
} from '../../../src/engine/calibrate/fit';
import { calibrationWindowMinutes, groupingLabels, readMetricSources, withWindow } from '../../../src/engine/calibrate/sources';
import { createRandom } from '../../../src/engine/simulate/random';
import { MONDAY, trueProfile } from './history';

describe('calibrate: maths', () => {
  it('counts hours of the week from Monday 00:00 UTC', () => {
    assert.strictEqual(hourOfWeek(0), 72, 'the epoch fell on a Thursday');
    assert.strictEqual(hourOfWeek(MONDAY), 0);
    assert.strictEqual(hourOfWeek(MONDAY + 3599), 0);
    assert.strictEqual(hourOfWeek(MONDAY + 3600), 1);
    assert.strictEqual(hourOfWeek(MONDAY + 6 * 86400 + 23 * 3600), 167, 'Sunday 23:00');
    assert.strictEqual(hourOfWeek(MONDAY + 7 * 86400), 0);
  });

  it('recovers an hour-of-week profile exactly from noiseless rates, with mean 1', () => {
    const profile = trueProfile();
    const rate = new Map<number, number>();
    // Two weeks of 30-minute windows at 250 rps × the profile; each point stamped at its window's end.
    for (let window = 1; window <= 2 * 336; window++) {
      const end = MONDAY + window * 1800;
      rate.set(end, 250 * profile[hourOfWeek(end - 1800)]);
    }
    const fitted = hourOfWeekProfile(rate, 1800);
    assert.ok('factors' in fitted);
    assert.ok(Math.abs(fitted.level - 250) < 1e-9);
    fitted.factors.forEach((factor, hour) => assert.ok(Math.abs(factor - profile[hour]) < 1e-9, `hour ${hour}`));
    const mean = fitted.factors.reduce((a, b) => a + b, 0) / 168;
    assert.ok(Math.abs(mean - 1) < 1e-12);
  });

  it('gives no profile, and says how many hours lack data, with less than a week of history', () => {
    const rate = new Map<number, number>();
    for (let window = 1; window <= 48 * 3; window++) rate.set(MONDAY + window * 1800, 100);
    const fitted = hourOfWeekProfile(rate, 1800);
    assert.ok('missingHours' in fitted);
    assert.strictEqual(fitted.missingHours, 168 - 72);
    const result = calibrate({
      windowSeconds: 1800,
      from: MONDAY,
      to: MONDAY + 3 * 86400,
      dimensions: [],
      requests: [{ labels: {}, points: [...rate] }],
      kpis: {},
      gauges: {},
    });
    assert.strictEqual(result.traffic.profile, undefined);
    assert.strictEqual(result.traffic.requestsPerSecond, 100);
    assert.match(result.notes.join('\n'), /96 of the 168 hours of the week have no data/);
  });

  it('derives each dimension value share from the series it splits into', () => {
    const series: Series[] = [
      {
        labels: { region: 'eu-west' },
        points: [
          [1, 40],
          [2, 20],
        ],
      },
      {
        labels: { region: 'us-east' },
        points: [
          [1, 60],
          [2, 30],
        ],
      },
      {
        labels: { region: 'ap-south' },
        points: [
          [1, 50],
          [2, 0],
        ],
      },
    ];
    assert.deepStrictEqual(shares(series, 'region'), { 'ap-south': 0.25, 'eu-west': 0.3, 'us-east': 0.45 });
  });

  it('fits the beta-binomial ρ of a seeded over-dispersed history within 4 standard errors', () => {
    const random = createRandom(7);
    const p = 0.02;
    const rho = 0.002;
    const m = 2000;
    const total = 1 / rho - 1;
    const windows = Array.from({ length: m }, (_, index) => {
      const trials = 2000 + ((index * 7919) % 48000); // unequal windows, 2,000 to 50,000 trials
      return { trials, successes: random.binomial(trials, random.beta(p * total, (1 - p) * total)) };
    });
    const fit = betaBinomialFit(windows)!;
    // The extra-binomial variance is estimated from m windows: its relative SE is about √(2/(m−1)) = 3.2%, and the
    // binomial part subtracted adds a little; 15% is about 4.5 standard errors.
    assert.ok(Math.abs(fit.rho - rho) / rho < 0.15, `ρ ${fit.rho}, expected ${rho}`);
    // The pooled rate's SE is about √(ρ·p(1−p)/m) once windows are large.
    assert.ok(Math.abs(fit.p - p) < 4 * Math.sqrt((rho * p * (1 - p)) / m), `p ${fit.p}`);
  });

  it('fits ρ near 0 on pure binomial sampling: within 4 standard errors of the estimator under ρ = 0', () => {
    const random = createRandom(11);
    const p = 0.01;
    const windows = Array.from({ length: 1000 }, (_, index) => {
      const trials = 1000 + ((index * 104729) % 20000);
      return { trials, successes: random.binomial(trials, p) };
    });
    const fit = betaBinomialFit(windows)!;
    const n = windows.reduce((sum, window) => sum + window.trials, 0);
    const squares = windows.reduce((sum, window) => sum + window.trials ** 2, 0);
    // Under ρ = 0, S/(p(1−p)) is about χ² with m−1 degrees of freedom: SE √(2(m−1)), divided by the denominator.
    const standardError = Math.sqrt(2 * 999) / (n - squares / n - 999);
    assert.ok(fit.rho >= 0 && fit.rho < 4 * standardError, `ρ ${fit.rho} vs SE ${standardError}`);
  });

  it('refuses to fit fewer than two windows, and gives ρ = 0 for a rate that never fails', () => {
    assert.strictEqual(betaBinomialFit([{ trials: 100, successes: 3 }]), undefined);
    assert.deepStrictEqual(
      betaBinomialFit([
        { trials: 100, successes: 0 },
        { trials: 50, successes: 0 },
      ]),
      { p: 0, rho: 0 },
    );
  });

  it('gives the relative SD of window values', () => {
    const fit = meanAndRelativeSd([90, 100, 110])!;
    assert.strictEqual(fit.mean, 100);
    assert.ok(Math.abs(fit.relativeSd - 0.1) < 1e-12);
    assert.strictEqual(meanAndRelativeSd([5]), undefined);
  });

  it('notes a dimension the requests series do not carry instead of inventing shares', () => {
    const points: [number, number][] = [
      [MONDAY + 1800, 10],
      [MONDAY + 3600, 12],
    ];
    const result = calibrate({
      windowSeconds: 1800,
      from: MONDAY,
      to: MONDAY + 3600,
      dimensions: ['device'],
      requests: [{ labels: {}, points }],
      kpis: {},
      gauges: {},
    });
    assert.deepStrictEqual(result.traffic.dimensions, {});
    assert.match(result.notes.join('\n'), /do not all carry the label "device"/);
  });
});

describe('calibrate: the metrics section', () => {
  it('reads the address, the headers as environment variable names and the queries', () => {
    const { sources, problems } = readMetricSources({
      metrics: {
        prometheus: { url: 'http://prom:9090', headers: { Authorization: 'env:PROM_TOKEN' } },
        queries: { requests: 'sum(rate(r[$window]))', 'kpi:pay': 'x', 'gauge:cpu': 'y' },
      },
    });
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(sources, {
      url: 'http://prom:9090',
      headers: { Authorization: 'PROM_TOKEN' },
      queries: [
        { signal: 'requests', query: 'sum(rate(r[$window]))' },
        { signal: 'kpi:pay', query: 'x' },
        { signal: 'gauge:cpu', query: 'y' },
      ],
    });
  });

  it('refuses a header written as a value, without repeating it', () => {
    const { problems } = readMetricSources({
      metrics: { prometheus: { headers: { Authorization: 'Bearer s3cr3t' } }, queries: { requests: 'r' } },
    });
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0], /headers\.Authorization must name an environment variable/);
    assert.ok(!problems[0].includes('s3cr3t'));
  });

  it('needs a requests query and known signal names', () => {
    const { problems } = readMetricSources({ metrics: { queries: { errors: 'e', latency: 'l' } } });
    assert.match(problems.join('\n'), /metrics\.queries\.latency is not a signal/);
    assert.match(problems.join('\n'), /metrics\.queries\.requests is missing/);
    assert.match(readMetricSources({}).problems[0], /no metrics section/);
  });

  it('fills in $window, finds the grouping labels and picks a window dividing an hour', () => {
    assert.strictEqual(withWindow('rate(x[$window]) / rate(y[$window])', 30), 'rate(x[30m]) / rate(y[30m])');
    assert.strictEqual(withWindow('rate(x[$window])', 60), 'rate(x[1h])');
    assert.deepStrictEqual(groupingLabels('sum by (le, region) (rate(a[1m])) / sum by(device)(b)'), ['region', 'device']);
    assert.strictEqual(calibrationWindowMinutes(30), 30);
    assert.strictEqual(calibrationWindowMinutes(45), 30);
    assert.strictEqual(calibrationWindowMinutes(120), 60);
    assert.strictEqual(calibrationWindowMinutes(7), 6);
    assert.strictEqual(calibrationWindowMinutes(0.5), 1);
    assert.strictEqual(calibrationWindowMinutes(undefined), 5);
  });
});
