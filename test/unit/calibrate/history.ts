// A seeded synthetic history with known parameters, written as OpenMetrics text for `promtool tsdb
// create-blocks-from openmetrics`: requests following a weekly profile, split over two regions with known shares, an
// error rate and a KPI with known over-dispersion (the true rate of each block of time drawn from a beta
// distribution), a latency histogram whose p95 wanders with a known relative SD, and a CPU gauge likewise.

import { createRandom } from '../../../src/engine/simulate/random';

export interface HistoryParameters {
  /** Unix seconds of the first sample; a Monday 00:00 UTC so that hour-of-week indexes line up. */
  from: number;
  days: number;
  /** Seconds between samples (the scrape interval). */
  stepSeconds: number;
  /** Seconds during which the true rates stay the same: the calibration window the test uses. */
  blockSeconds: number;
  requestsPerSecond: number;
  regions: Record<string, number>;
  errorRate: number;
  /** Beta-binomial intra-block correlation of the error rate. */
  errorRho: number;
  kpiRate: number;
  kpiRho: number;
  latencyP95Ms: number;
  latencyRelativeSd: number;
  cpu: number;
  cpuRelativeSd: number;
  seed: number;
  /**
   * Spans [from, to) (unix seconds, on whole steps) when every request fails at `errorRate` instead: incidents. With
   * `region`, only that region's requests do (an outage of one region).
   */
  errorBursts?: { from: number; to: number; errorRate: number; region?: string }[];
  /**
   * Spans [from, to) over which the error rate and the p95 latency climb steadily from their usual values to
   * `errorRate` and `latencyFactor` times the usual p95 at the end, then return to normal: a slow burn.
   */
  slowBurns?: { from: number; to: number; errorRate?: number; latencyFactor?: number }[];
  /** Spans [from, to) when the KPI succeeds at `kpiRate` instead (a payment provider failing), optionally in one region. */
  kpiDips?: { from: number; to: number; kpiRate: number; region?: string }[];
}

export const MONDAY = Date.UTC(2025, 10, 3) / 1000; // 2025-11-03T00:00Z, a Monday

export const DEFAULT_HISTORY: HistoryParameters = {
  from: MONDAY,
  days: 7,
  stepSeconds: 300,
  blockSeconds: 1800,
  requestsPerSecond: 100,
  regions: { 'eu-west': 0.4, 'us-east': 0.6 },
  errorRate: 0.01,
  errorRho: 6e-4,
  kpiRate: 0.97,
  kpiRho: 8e-4,
  latencyP95Ms: 180,
  latencyRelativeSd: 0.1,
  cpu: 0.6,
  cpuRelativeSd: 0.15,
  seed: 20251103,
};

/** Latency buckets, seconds: fine around the p95 so that histogram_quantile's linear interpolation is close. */
export const BUCKETS = [0.05, 0.1, 0.12, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.21, 0.22, 0.23, 0.24, 0.26, 0.3, 0.5, 1];
/** Log-SD of one request's latency (lognormal). */
const LATENCY_LOG_SD = 0.5;
const Z95 = 1.6448536269514722;

/**
 * The weekly profile the generator follows, mean 1 over the 168 hours: a daily wave peaking at 15:00 UTC, weekends
 * at 70% of weekdays.
 */
export function trueProfile(): number[] {
  const raw = Array.from({ length: 168 }, (_, hour) => {
    const day = Math.floor(hour / 24);
    const wave = 1 + 0.5 * Math.sin((2 * Math.PI * ((hour % 24) - 9)) / 24);
    return wave * (day >= 5 ? 0.7 : 1);
  });
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((value) => value / mean);
}

/** The history as OpenMetrics text. */
export function generateHistory(parameters: HistoryParameters = DEFAULT_HISTORY): string {
  const random = createRandom(parameters.seed);
  const profile = trueProfile();
  const steps = (parameters.days * 86400) / parameters.stepSeconds;
  const stepsPerBlock = parameters.blockSeconds / parameters.stepSeconds;
  const regions = Object.keys(parameters.regions);
  const betaOf = (p: number, rho: number) => {
    const total = 1 / rho - 1;
    return () => random.beta(p * total, (1 - p) * total);
  };
  const errorBlock = betaOf(parameters.errorRate, parameters.errorRho);
  const kpiBlock = betaOf(parameters.kpiRate, parameters.kpiRho);
  // Lognormal block factors with mean 1 and the given relative SD.
  const lognormalFactor = (relativeSd: number) => {
    const s = Math.sqrt(Math.log(1 + relativeSd * relativeSd));
    return () => Math.exp(-s * s * 0.5 + s * random.normal());
  };
  const latencyFactor = lognormalFactor(parameters.latencyRelativeSd);
  const cpuFactor = lognormalFactor(parameters.cpuRelativeSd);

  const ok = new Map(regions.map((region) => [region, 0]));
  const failed = new Map(regions.map((region) => [region, 0]));
  const paid = new Map(regions.map((region) => [region, 0]));
  const unpaid = new Map(regions.map((region) => [region, 0]));
  const buckets = new Map(regions.map((region) => [region, new Array<number>(BUCKETS.length + 1).fill(0)]));
  const requests: string[] = [];
  const payments: string[] = [];
  const histogram: string[] = [];
  const cpu: string[] = [];
  const counterLines = (time: number) => {
    for (const region of regions) {
      requests.push(`http_requests_total{code="200",region="${region}"} ${ok.get(region)} ${time}`);
      requests.push(`http_requests_total{code="500",region="${region}"} ${failed.get(region)} ${time}`);
      payments.push(`payments_total{result="ok",region="${region}"} ${paid.get(region)} ${time}`);
      payments.push(`payments_total{result="failed",region="${region}"} ${unpaid.get(region)} ${time}`);
      const counts = buckets.get(region)!;
      BUCKETS.forEach((le, index) =>
        histogram.push(`http_request_duration_seconds_bucket{le="${le}",region="${region}"} ${counts[index]} ${time}`),
      );
      histogram.push(`http_request_duration_seconds_bucket{le="+Inf",region="${region}"} ${counts[BUCKETS.length]} ${time}`);
    }
  };
  counterLines(parameters.from);

  let errorRate = 0;
  let kpiRate = 0;
  let p95 = 0;
  let cpuLevel = 0;
  for (let step = 1; step <= steps; step++) {
    // Step `step` covers (from + (step−1)·Δ, from + step·Δ]; its block is that of its start.
    if ((step - 1) % stepsPerBlock === 0) {
      errorRate = errorBlock();
      kpiRate = kpiBlock();
      p95 = parameters.latencyP95Ms * latencyFactor();
      cpuLevel = parameters.cpu * cpuFactor();
    }
    const start = parameters.from + (step - 1) * parameters.stepSeconds;
    const hour = Math.floor(((start - MONDAY) / 3600) % 168);
    const burn = parameters.slowBurns?.find((span) => start >= span.from && start < span.to);
    // How far into the burn this step is, 0 to 1 (reached at its last step).
    const progress = burn ? (start + parameters.stepSeconds - burn.from) / (burn.to - burn.from) : 0;
    const burnP95 = burn?.latencyFactor ? p95 * (1 + (burn.latencyFactor - 1) * progress) : p95;
    const logMedian = Math.log(burnP95 / 1000) - Z95 * LATENCY_LOG_SD;
    for (const region of regions) {
      const burst = parameters.errorBursts?.find(
        (span) => start >= span.from && start < span.to && (span.region === undefined || span.region === region),
      );
      const stepRate = burst
        ? burst.errorRate
        : burn?.errorRate !== undefined
          ? errorRate + (burn.errorRate - errorRate) * progress
          : errorRate;
      const mean = parameters.requestsPerSecond * profile[hour] * parameters.regions[region] * parameters.stepSeconds;
      // Poisson arrivals, by their normal approximation (means of thousands).
      const count = Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
      const errors = random.binomial(count, stepRate);
      ok.set(region, ok.get(region)! + count - errors);
      failed.set(region, failed.get(region)! + errors);
      const dip = parameters.kpiDips?.find(
        (span) => start >= span.from && start < span.to && (span.region === undefined || span.region === region),
      );
      const success = random.binomial(count, dip ? dip.kpiRate : kpiRate);
      paid.set(region, paid.get(region)! + success);
      unpaid.set(region, unpaid.get(region)! + count - success);
      // Bucket counts as the lognormal's expected shares of the step's requests (cumulative, as Prometheus keeps them).
      const counts = buckets.get(region)!;
      BUCKETS.forEach((le, index) => (counts[index] += Math.round(count * normalCdf((Math.log(le) - logMedian) / LATENCY_LOG_SD))));
      counts[BUCKETS.length] += count;
    }
    counterLines(parameters.from + step * parameters.stepSeconds);
    // The gauge is sampled a minute into each step, so that every sample lies inside one block's window.
    cpu.push(`process_cpu_usage ${cpuLevel.toFixed(5)} ${start + 60}`);
  }
  return [
    '# TYPE http_requests_total counter',
    ...requests,
    '# TYPE payments_total counter',
    ...payments,
    '# TYPE http_request_duration_seconds histogram',
    ...histogram,
    '# TYPE process_cpu_usage gauge',
    ...cpu,
    '# EOF',
    '',
  ].join('\n');
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26 on erf, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
