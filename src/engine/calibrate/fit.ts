// The maths of `stagegate calibrate`: from recorded series at one evaluation window, the traffic (requests per second,
// the hour-of-week profile, each dimension's shares), the baseline (error rate, p95 latency, KPIs, gauges) and how much
// each signal varies from window to window. Pure functions over numbers; the series come from a Prometheus client.

/** One series of a query result: its labels and its points (unix seconds at the window's end, value). */
export interface Series {
  labels: Record<string, string>;
  points: [number, number][];
}

export interface CalibrationInput {
  /** Evaluation window, seconds; each point covers the `windowSeconds` before its timestamp. */
  windowSeconds: number;
  from: number;
  to: number;
  /** Labels the requests query groups by that are dimensions of the traffic. */
  dimensions: string[];
  requests: Series[];
  errors?: Series[];
  latencyP95Ms?: Series[];
  kpis: Record<string, Series[]>;
  gauges: Record<string, Series[]>;
}

export interface Calibration {
  window: { from: string; to: string };
  traffic: {
    requestsPerSecond: number;
    /** 168 factors with mean 1, index 0 = Monday 00:00–01:00 UTC; absent when some hour of the week has no data. */
    profile?: { hourOfWeek: number[] };
    dimensions: Record<string, Record<string, number>>;
  };
  baseline: {
    errorRate?: number;
    latencyP95Ms?: number;
    kpis: Record<string, number>;
    gauges: Record<string, number>;
  };
  /** errorRate and kpi:<name>: beta-binomial intra-window correlation ρ; latencyP95Ms and gauge:<name>: relative SD. */
  dispersion: Record<string, number>;
  samples: { window: string; windows: number; requests: number; errors?: number };
  /** What could not be derived and why, in words. */
  notes: string[];
}

export const HOURS_PER_WEEK = 168;

/** Hour of the week of a unix time, 0 = Monday 00:00–01:00 UTC (the epoch fell on a Thursday, hour 72). */
export function hourOfWeek(unixSeconds: number): number {
  const hours = Math.floor(unixSeconds / 3600) + 72;
  return ((hours % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** Sums the series point by point: timestamp → total (a window present in any series counts). */
export function totals(series: Series[]): Map<number, number> {
  const sum = new Map<number, number>();
  for (const one of series) for (const [time, value] of one.points) if (Number.isFinite(value)) sum.set(time, (sum.get(time) ?? 0) + value);
  return sum;
}

/**
 * Hour-of-week factors of a rate series: the mean of each hour of the week over the windows that start in it, divided
 * by the mean of the 168 hourly means (so the factors average exactly 1, and `level × factor` is that hour's mean).
 * Undefined when an hour of the week has no window: a week of history at least is needed.
 */
export function hourOfWeekProfile(
  rate: Map<number, number>,
  windowSeconds: number,
): { level: number; factors: number[] } | { level: number; missingHours: number } {
  const sums = new Array<number>(HOURS_PER_WEEK).fill(0);
  const counts = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const [time, value] of rate) {
    const hour = hourOfWeek(time - windowSeconds);
    sums[hour] += value;
    counts[hour] += 1;
  }
  const missingHours = counts.filter((count) => count === 0).length;
  if (missingHours > 0) {
    const values = [...rate.values()];
    return { level: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), missingHours };
  }
  const means = sums.map((sum, hour) => sum / counts[hour]);
  const level = means.reduce((a, b) => a + b, 0) / HOURS_PER_WEEK;
  return { level, factors: means.map((mean) => (level > 0 ? mean / level : 1)) };
}

/** Each value's share of the total over all windows, for one label of the series. */
export function shares(series: Series[], label: string): Record<string, number> {
  const byValue = new Map<string, number>();
  for (const one of series) {
    const value = one.labels[label];
    if (value === undefined) continue;
    const sum = one.points.reduce((total, [, point]) => total + (Number.isFinite(point) ? point : 0), 0);
    byValue.set(value, (byValue.get(value) ?? 0) + sum);
  }
  const total = [...byValue.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    [...byValue].sort(([a], [b]) => a.localeCompare(b)).map(([value, sum]) => [value, total > 0 ? sum / total : 0]),
  );
}

/**
 * Beta-binomial fit by the method of moments (the ANOVA estimator of the intra-class correlation for binary data,
 * Kleinman 1973), for windows with unequal trials. With k_i successes of n_i in window i, N = Σn_i, p̂ = Σk_i / N and
 * S = Σ n_i (k_i/n_i − p̂)², the beta-binomial gives E[S] = p(1−p)·[(m−1) + ρ·(N − Σn_i²/N − (m−1))], so
 *   ρ̂ = (S / (p̂(1−p̂)) − (m−1)) / (N − Σn_i²/N − (m−1)),
 * clamped to [0, 1): ρ = 0 is pure binomial sampling; ρ is the variance of the window's true rate divided by p(1−p).
 * Chosen over maximum likelihood because it is closed-form, needs no iteration over millions of trials per window,
 * and is unbiased for ρ whatever the window sizes.
 */
export function betaBinomialFit(windows: { trials: number; successes: number }[]): { p: number; rho: number } | undefined {
  const used = windows.filter((window) => window.trials > 0 && Number.isFinite(window.successes));
  const m = used.length;
  const total = used.reduce((sum, window) => sum + window.trials, 0);
  if (m < 2 || total <= 0) return undefined;
  const p = used.reduce((sum, window) => sum + window.successes, 0) / total;
  if (p <= 0 || p >= 1) return { p, rho: 0 };
  const spread = used.reduce((sum, window) => sum + window.trials * (window.successes / window.trials - p) ** 2, 0);
  const squares = used.reduce((sum, window) => sum + window.trials * window.trials, 0);
  const denominator = total - squares / total - (m - 1);
  if (denominator <= 0) return { p, rho: 0 };
  const rho = (spread / (p * (1 - p)) - (m - 1)) / denominator;
  return { p, rho: Math.min(Math.max(rho, 0), 1 - 1e-9) };
}

/** Mean and relative standard deviation (sample SD ÷ mean) of window values. */
export function meanAndRelativeSd(values: number[]): { mean: number; relativeSd: number } | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return undefined;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (finite.length - 1);
  return { mean, relativeSd: mean !== 0 ? Math.sqrt(variance) / Math.abs(mean) : 0 };
}

/**
 * One value per window from a query that may return several series: weighted by the requests of the series with the
 * same labels where there are such, else averaged. `several` says that series were combined.
 */
function perWindow(series: Series[], requests: Series[]): { values: Map<number, number>; several: boolean } {
  if (series.length === 1) return { values: new Map(series[0].points.filter(([, v]) => Number.isFinite(v))), several: false };
  const weights = series.map((one) => requests.find((candidate) => sameLabels(candidate.labels, one.labels)));
  const sum = new Map<number, number>();
  const weight = new Map<number, number>();
  series.forEach((one, index) => {
    const requestAt = new Map(weights[index]?.points ?? []);
    for (const [time, value] of one.points) {
      if (!Number.isFinite(value)) continue;
      const w = weights.every(Boolean) ? (requestAt.get(time) ?? 0) : 1;
      sum.set(time, (sum.get(time) ?? 0) + value * w);
      weight.set(time, (weight.get(time) ?? 0) + w);
    }
  });
  const values = new Map<number, number>();
  for (const [time, total] of sum) if ((weight.get(time) ?? 0) > 0) values.set(time, total / weight.get(time)!);
  return { values, several: true };
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b).filter((key) => key !== '__name__');
  return keys.length === Object.keys(a).filter((key) => key !== '__name__').length && keys.every((key) => a[key] === b[key]);
}

/** Everything `calibrate` derives, rounded as it is written into a plan. */
export function calibrate(input: CalibrationInput): Calibration {
  const notes: string[] = [];
  const seconds = input.windowSeconds;
  const requestRate = totals(input.requests);
  const windows = [...requestRate.keys()].sort((a, b) => a - b);
  const requestCount = new Map(windows.map((time) => [time, requestRate.get(time)! * seconds]));
  const totalRequests = [...requestCount.values()].reduce((a, b) => a + b, 0);

  const profile = hourOfWeekProfile(requestRate, seconds);
  const traffic: Calibration['traffic'] = {
    requestsPerSecond: round(profile.level, 2),
    ...('factors' in profile ? { profile: { hourOfWeek: normalisedFactors(profile.factors) } } : {}),
    dimensions: {},
  };
  if (!('factors' in profile))
    notes.push(
      `No hour-of-week profile: ${profile.missingHours} of the 168 hours of the week have no data (a week of history at least is needed); requestsPerSecond is the mean over the windows.`,
    );
  for (const dimension of input.dimensions) {
    if (!input.requests.every((series) => series.labels[dimension] !== undefined)) {
      notes.push(`The requests series do not all carry the label "${dimension}": its shares are not derived.`);
      continue;
    }
    traffic.dimensions[dimension] = roundedShares(shares(input.requests, dimension));
  }

  const calibration: Calibration = {
    window: { from: iso(input.from), to: iso(input.to) },
    traffic,
    baseline: { kpis: {}, gauges: {} },
    dispersion: {},
    samples: { window: `${seconds / 60}m`, windows: windows.length, requests: Math.round(totalRequests) },
    notes,
  };

  if (input.errors) {
    const errorRate = totals(input.errors);
    // A window without an errors point had no failing series yet: Prometheus returns nothing rather than 0.
    const fit = betaBinomialFit(
      windows.map((time) => ({ trials: requestCount.get(time)!, successes: (errorRate.get(time) ?? 0) * seconds })),
    );
    calibration.samples.errors = Math.round([...errorRate.values()].reduce((a, b) => a + b, 0) * seconds);
    if (fit) {
      calibration.baseline.errorRate = significant(fit.p, 4);
      calibration.dispersion.errorRate = significant(fit.rho, 3);
    }
  }
  if (input.latencyP95Ms) {
    const latency = perWindow(input.latencyP95Ms, input.requests);
    if (latency.several) notes.push('latencyP95Ms returned several series: each window takes their mean weighted by their requests.');
    const fit = meanAndRelativeSd([...latency.values.values()]);
    if (fit) {
      calibration.baseline.latencyP95Ms = round(fit.mean, 1);
      calibration.dispersion.latencyP95Ms = significant(fit.relativeSd, 3);
    }
  }
  for (const [name, series] of Object.entries(input.kpis)) {
    const rate = perWindow(series, input.requests);
    if (rate.several) notes.push(`kpi:${name} returned several series: each window takes their mean weighted by their requests.`);
    // KPI trials are taken to be the window's requests: the simulator draws KPI outcomes per request.
    const fit = betaBinomialFit(
      windows
        .filter((time) => rate.values.has(time))
        .map((time) => ({ trials: requestCount.get(time)!, successes: rate.values.get(time)! * requestCount.get(time)! })),
    );
    if (fit) {
      calibration.baseline.kpis[name] = significant(fit.p, 4);
      calibration.dispersion[`kpi:${name}`] = significant(fit.rho, 3);
    }
  }
  for (const [name, series] of Object.entries(input.gauges)) {
    const gauge = perWindow(series, []);
    if (gauge.several) notes.push(`gauge:${name} returned several series: each window takes their mean.`);
    const fit = meanAndRelativeSd([...gauge.values.values()]);
    if (fit) {
      calibration.baseline.gauges[name] = significant(fit.mean, 4);
      calibration.dispersion[`gauge:${name}`] = significant(fit.relativeSd, 3);
    }
  }
  const { errorRate, latencyP95Ms, kpis, gauges } = calibration.baseline;
  // In the order a plan writes them.
  calibration.baseline = {
    ...(errorRate === undefined ? {} : { errorRate }),
    ...(latencyP95Ms === undefined ? {} : { latencyP95Ms }),
    kpis,
    gauges,
  };
  return calibration;
}

/** Factors rounded to 3 decimals, the rounding error put on the largest so that their mean stays exactly 1. */
function normalisedFactors(factors: number[]): number[] {
  const rounded = factors.map((factor) => round(factor, 3));
  const error = HOURS_PER_WEEK - rounded.reduce((a, b) => a + b, 0);
  const largest = rounded.indexOf(Math.max(...rounded));
  rounded[largest] = round(rounded[largest] + error, 3);
  return rounded;
}

/** Shares rounded to 3 decimals, summing to exactly 1 (the rounding error on the largest). */
function roundedShares(exact: Record<string, number>): Record<string, number> {
  const entries = Object.entries(exact).map(([value, share]) => [value, round(share, 3)] as [string, number]);
  if (entries.length === 0) return {};
  const error = 1 - entries.reduce((sum, [, share]) => sum + share, 0);
  const largest = entries.reduce((best, entry, index) => (entry[1] > entries[best][1] ? index : best), 0);
  entries[largest][1] = round(entries[largest][1] + error, 3);
  return Object.fromEntries(entries);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function significant(value: number, digits: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
