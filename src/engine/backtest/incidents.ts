// Finds the windows where the recorded service broke, so that `backtest` can tell a gate stopping a good release
// (a false rollback) from one stopping during an incident of the service, and replay a canary carrying each.
//
// The rule (docs/metrics.md, "Incidents found in the history"): for service-wide traffic and for each value of each
// dimension the series are grouped by, each window's error ratio and p95 latency is compared with the median of the
// same signal over the day around it (a centred reference of `referenceHours`), in units of that day's robust
// spread: 1.4826 × the median absolute deviation, plus, for the error ratio, the binomial sampling spread of the
// window's own requests. A run of consecutive windows at least `runZ` spreads above the median is an incident when
// it lasts `minRun` windows or more, or when one of its windows is `spikeZ` spreads above. Only rises count.

/** What the rule reads of replay.ts's RecordedCounts (per segment and recorded window). */
interface RecordedCounts {
  windowSeconds: number;
  windows: number;
  requests: Float64Array[];
  errors: Float64Array[];
  latencyP95Ms?: Float64Array[];
  groupedBy: { errors: string[]; latencyP95Ms: string[] };
}

export interface IncidentRule {
  /** Hours of history around a window that its median and spread are taken from. */
  referenceHours: number;
  /** Robust z-score a window must reach to belong to a run. */
  runZ: number;
  /** Windows a run must last to be an incident (a slow burn, a lasting degradation). */
  minRun: number;
  /** Robust z-score at which a run of any length is an incident (a spike). */
  spikeZ: number;
  /** The least relative spread of p95 latency, so a flat history does not turn noise into incidents. */
  minLatencySpread: number;
}

export const INCIDENT_RULE: IncidentRule = { referenceHours: 24, runZ: 3, minRun: 3, spikeZ: 6, minLatencySpread: 0.01 };

/** Consistency constant: 1.4826 × MAD estimates the standard deviation of a normal distribution. */
const MAD_TO_SD = 1.482602218505602;

export type IncidentSignal = 'errors' | 'latencyP95Ms';

export interface FoundIncident {
  /** Recorded windows [fromWindow, toWindow). */
  fromWindow: number;
  toWindow: number;
  /** The signals and the traffic (`all`, `region=eu-west`) where the rise was seen. */
  signals: IncidentSignal[];
  segments: string[];
  /** The highest robust z-score in it. */
  peak: number;
}

interface Unit {
  label: string;
  segments: number[];
}

/**
 * Incidents in the recorded history, by the rule above, merged across signals and traffic when their windows
 * overlap or touch. Sorted by start.
 */
export function findIncidents(
  segments: { values: Record<string, string> }[],
  recorded: RecordedCounts,
  rule: IncidentRule = INCIDENT_RULE,
): FoundIncident[] {
  const runs: FoundIncident[] = [];
  const reference = Math.max(3, Math.round((rule.referenceHours * 3600) / recorded.windowSeconds));
  // The reference is recomputed once an hour (or every window, when windows are longer): a day's median moves slowly,
  // and 14 days of 1-minute windows would otherwise sort a day of values 20,160 times per signal.
  const every = Math.max(1, Math.round(3600 / recorded.windowSeconds));
  for (const unit of units(segments, recorded.groupedBy.errors)) {
    const requests = new Float64Array(recorded.windows);
    const errors = new Float64Array(recorded.windows);
    for (const s of unit.segments)
      for (let i = 0; i < recorded.windows; i++) {
        requests[i] += recorded.requests[s][i];
        errors[i] += recorded.errors[s][i];
      }
    const ratio = Float64Array.from(requests, (n, i) => (n >= 1 ? Math.min(1, errors[i] / n) : NaN));
    const z = scores(ratio, reference, every, (median, spread, i) => {
      const p = Math.max(median, 1 / requests[i]);
      return Math.sqrt(spread * spread + (p * (1 - p)) / requests[i]);
    });
    for (const run of flagged(z, rule)) runs.push({ ...run, signals: ['errors'], segments: [unit.label] });
  }
  const latency = recorded.latencyP95Ms;
  if (latency)
    for (const unit of units(segments, recorded.groupedBy.latencyP95Ms)) {
      // A unit's p95: its segments' recorded p95s weighted by their requests (as the replay does).
      const p95 = Float64Array.from({ length: recorded.windows }, (_, i) => {
        let weighted = 0;
        let weight = 0;
        for (const s of unit.segments) {
          if (!Number.isFinite(latency[s][i])) continue;
          const requests = Math.max(1, recorded.requests[s][i]);
          weighted += latency[s][i] * requests;
          weight += requests;
        }
        return weight > 0 ? weighted / weight : NaN;
      });
      const z = scores(p95, reference, every, (median, spread) => Math.max(spread, rule.minLatencySpread * median));
      for (const run of flagged(z, rule)) runs.push({ ...run, signals: ['latencyP95Ms'], segments: [unit.label] });
    }
  return merge(runs);
}

/** All traffic, then each value of each dimension the signal's series are grouped by. */
function units(segments: { values: Record<string, string> }[], dimensions: string[]): Unit[] {
  const all: Unit = { label: 'all', segments: segments.map((_, index) => index) };
  const byValue = dimensions.flatMap((name) => {
    const values = [...new Set(segments.map((segment) => segment.values[name]))];
    return values.map((value) => ({
      label: `${name}=${value}`,
      segments: segments.flatMap((segment, index) => (segment.values[name] === value ? [index] : [])),
    }));
  });
  return [all, ...byValue];
}

/**
 * Each window's robust z-score against the median and MAD of the `reference` windows centred on it (truncated at
 * the history's ends), `scale` turning the MAD-based spread into the window's own. NaN where the value is missing.
 */
function scores(
  values: Float64Array,
  reference: number,
  every: number,
  scale: (median: number, spread: number, window: number) => number,
): Float64Array {
  const z = new Float64Array(values.length).fill(NaN);
  const half = Math.floor(reference / 2);
  let median = NaN;
  let spread = NaN;
  for (let i = 0; i < values.length; i++) {
    if (i % every === 0) {
      const block = Math.min(values.length - 1, i + Math.floor(every / 2));
      // Typed arrays sort numerically without a comparator: fast enough for 14 days of 1-minute windows.
      const around = values.subarray(Math.max(0, block - half), Math.min(values.length, block + half + 1)).filter(Number.isFinite);
      median = medianOf(around);
      spread = MAD_TO_SD * medianOf(around.map((value) => Math.abs(value - median)));
    }
    if (!Number.isFinite(values[i]) || !Number.isFinite(median)) continue;
    const sd = scale(median, spread, i);
    z[i] = sd > 0 ? (values[i] - median) / sd : values[i] > median ? Infinity : 0;
  }
  return z;
}

/** The median; sorts `values` in place. */
function medianOf(values: Float64Array): number {
  if (values.length === 0) return NaN;
  const sorted = values.sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Maximal runs of windows at or above `runZ` that last `minRun` windows or reach `spikeZ`. */
function flagged(z: Float64Array, rule: IncidentRule): { fromWindow: number; toWindow: number; peak: number }[] {
  const found: { fromWindow: number; toWindow: number; peak: number }[] = [];
  let start = -1;
  let peak = 0;
  for (let i = 0; i <= z.length; i++) {
    const high = i < z.length && z[i] >= rule.runZ;
    if (high) {
      if (start < 0) {
        start = i;
        peak = 0;
      }
      peak = Math.max(peak, z[i]);
    } else if (start >= 0) {
      if (i - start >= rule.minRun || peak >= rule.spikeZ) found.push({ fromWindow: start, toWindow: i, peak });
      start = -1;
    }
  }
  return found;
}

function merge(runs: FoundIncident[]): FoundIncident[] {
  const sorted = [...runs].sort((a, b) => a.fromWindow - b.fromWindow || a.toWindow - b.toWindow);
  const merged: FoundIncident[] = [];
  for (const run of sorted) {
    const last = merged[merged.length - 1];
    if (last && run.fromWindow <= last.toWindow) {
      last.toWindow = Math.max(last.toWindow, run.toWindow);
      last.peak = Math.max(last.peak, run.peak);
      for (const signal of run.signals) if (!last.signals.includes(signal)) last.signals.push(signal);
      for (const segment of run.segments) if (!last.segments.includes(segment)) last.segments.push(segment);
    } else merged.push({ ...run, signals: [...run.signals], segments: [...run.segments] });
  }
  return merged;
}
