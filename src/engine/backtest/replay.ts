// `stagegate backtest`: replays recorded history through a plan's gates. For every rollout start, each stage's
// canary slice is carved out of the recorded requests and errors of its evaluation windows and the gates are judged
// as the simulator judges them (judgeGate), error-rate gates on recorded errors and latency gates on the recorded p95.
// No model of noise: the recorded counts carry the history's own drift
// and bursts; the only sampling left is the split of each window's requests between the two versions. Pure: the
// series come from a Prometheus client.

import type { Series } from '../calibrate/fit';
import { findIncidents, INCIDENT_RULE, type IncidentRule } from './incidents';
import type { CompiledGate, CompiledPlan, CompiledStage } from '../simulate/compile';
import { clearWindow, createWindow, judgeGate, type Judgement } from '../simulate/gates';
import { formatMinutes } from '../model/units';
import { sampleP95 } from '../simulate/latency';
import { createRandom } from '../simulate/random';
import { DIGITS, round } from '../simulate/result';

/** Requests and errors per plan segment and recorded window: `requests[s][i]` covers (from + i·W, from + (i+1)·W]. */
export interface RecordedCounts {
  from: number;
  windowSeconds: number;
  windows: number;
  requests: Float64Array[];
  errors: Float64Array[];
  /** The recorded p95 latency (ms) per segment and window, NaN where none was recorded; absent without a query. */
  latencyP95Ms?: Float64Array[];
  /**
   * Each KPI's recorded success rate (0 to 1) per segment and window, by CompiledPlan.kpiNames index, NaN where none
   * was recorded; undefined for a KPI without a `kpi:<name>` query.
   */
  kpiRates?: (Float64Array[] | undefined)[];
  /** The plan's dimensions each signal's series are labelled with: only those values differ between segments. */
  groupedBy: { errors: string[]; latencyP95Ms: string[] };
  /** What could not be matched or was missing, in words. */
  notes: string[];
}

/**
 * Lays recorded rate series (per second, evaluated every `windowSeconds` over the window before each point) onto
 * the plan's segments as counts per window. A series labelled with some of the plan's dimensions is spread over the
 * segments that agree with its labels, in proportion to their traffic shares; a service-wide series over all.
 */
export function countsBySegment(
  compiled: CompiledPlan,
  requests: Series[],
  errors: Series[],
  from: number,
  windows: number,
  windowSeconds: number,
  latency?: Series[],
  kpis: Record<string, Series[]> = {},
): RecordedCounts {
  const notes: string[] = [];
  const dimensions = compiled.plan.traffic.dimensions.map((dimension) => dimension.name);
  const lay = (series: Series[], signal: string): Float64Array[] => {
    const counts = compiled.segments.map(() => new Float64Array(windows));
    for (const one of series) {
      const named = dimensions.filter((name) => name in one.labels);
      const matching = compiled.segments.filter((segment) => named.every((name) => segment.values[name] === one.labels[name]));
      const total = matching.reduce((sum, segment) => sum + segment.share, 0);
      if (matching.length === 0 || total <= 0) {
        const labels = named.map((name) => `${name}=${one.labels[name]}`).join(', ');
        notes.push(`${signal}: the series ${labels} matches no value of traffic.dimensions; its traffic is left out.`);
        continue;
      }
      for (const [time, value] of one.points) {
        const index = Math.round((time - from) / windowSeconds) - 1;
        if (index < 0 || index >= windows || !Number.isFinite(value) || value < 0) continue;
        for (const segment of matching) counts[segment.index][index] += (value * windowSeconds * segment.share) / total;
      }
    }
    return counts;
  };
  // A p95 or a KPI's success rate is not split: every segment a series names has that value.
  const spread = (series: Series[], valid: (value: number) => boolean): Float64Array[] => {
    const values = compiled.segments.map(() => new Float64Array(windows).fill(NaN));
    for (const one of series) {
      const matching = compiled.segments.filter((segment) =>
        dimensions.every((name) => !(name in one.labels) || segment.values[name] === one.labels[name]),
      );
      for (const [time, value] of one.points) {
        const index = Math.round((time - from) / windowSeconds) - 1;
        if (index < 0 || index >= windows || !Number.isFinite(value) || !valid(value)) continue;
        for (const segment of matching) values[segment.index][index] = value;
      }
    }
    return values;
  };
  const latencyP95Ms = latency ? spread(latency, (value) => value >= 0) : undefined;
  const kpiRates = compiled.kpiNames.map((name) => (kpis[name] ? spread(kpis[name], (value) => value >= 0 && value <= 1) : undefined));
  const labelled = (series: Series[]) => dimensions.filter((name) => series.some((one) => name in one.labels));
  const groupedBy = {
    errors: labelled(errors),
    latencyP95Ms: labelled(latency ?? []),
  };
  const requestCounts = lay(requests, 'requests');
  const errorCounts = lay(errors, 'errors');
  let empty = 0;
  for (let i = 0; i < windows; i++) if (requestCounts.every((counts) => counts[i] === 0)) empty++;
  if (empty > 0) notes.push(`requests: ${empty} of ${windows} recorded windows hold no requests; gates judged on them are inconclusive.`);
  return {
    from,
    windowSeconds,
    windows,
    requests: requestCounts,
    errors: errorCounts,
    ...(latencyP95Ms ? { latencyP95Ms } : {}),
    ...(kpiRates.some(Boolean) ? { kpiRates } : {}),
    groupedBy,
    notes,
  };
}

export interface BacktestOptions {
  /** Unix seconds of the first and last rollout start; starts every `everySeconds`, all on recorded windows. */
  firstStart: number;
  lastStart: number;
  everySeconds: number;
  seed: number;
  /** Spans (unix seconds) when the recorded service itself broke (`--incident`): stops in them are not false rollbacks. */
  incidents?: { from: number; to: number }[];
  /** The rule that finds incidents in the history (findIncidents); null finds none, leaving only the given ones. */
  incidentRule?: IncidentRule | null;
}

export interface Incident {
  from: string;
  to: string;
  /** Found in the history by the incident rule, or given with `--incident`. */
  origin: 'found' | 'given';
  /** Where a found incident was seen: `errors`, `latencyP95Ms`; `all` or a dimension's value. Empty when given. */
  signals: string[];
  segments: string[];
  /** A found incident's highest robust z-score (how many spreads above the day's median; capped at 1000). */
  score: number | null;
  /** Whether a rollout starting with the incident, its canary carrying it, is stopped by a gate failing during it. */
  caught: boolean;
  stage: string | null;
  gate: string | null;
  segment: string | null;
  /** Minutes from the incident's start to the end of the window that caught it. */
  minute: number | null;
  /** The canary's failed requests up to that point (all its recorded errors while it ran, when not caught). */
  failedRequests: number;
}

export interface Trip {
  start: string;
  stage: string;
  gate: string;
  /** `all` or a breakdown value (`region=eu-west`). */
  segment: string;
  verdict: 'fail' | 'inconclusive';
  /** The evaluation window that tripped. */
  from: string;
  to: string;
  samples: number;
  canary: number | null;
  upper: number | null;
  lower: number | null;
  /** The incident (`FROM/TO`) the tripping window falls in, when it does: then not a false rollback. */
  incident?: string;
}

export interface BacktestResult {
  replays: number;
  /** The first replayed start; the others follow every `--every`, `replays` in all (null when none was replayed). */
  firstStart: string | null;
  /** Share of starts stopped by a gate outside incidents: history holds no bad release, so such a stop is a false one. */
  falseRollbackRate: number;
  /** False stops per replayed gate (stops during incidents left out), over all starts. */
  byGate: { stage: string; gate: string; trips: number; rate: number }[];
  trips: Trip[];
  incidents: Incident[];
  notes: string[];
}

/** What `stagegate backtest --format json` prints: the result with the range, cadence and source it was run on. */
export interface BacktestReport extends BacktestResult {
  plan: { name: string; service: string };
  window: { from: string; to: string };
  /** The cadence of starts as given (`1h`). */
  every: string;
  evaluationWindow: string;
  seed: number;
  /** Where the history came from, in words fit to show (`server`: an address without credentials). */
  source: Record<string, string>;
}

/**
 * Replays a rollout from every start. The plan must be compiled with `stepMinutes` equal to the recorded window, so
 * a stage's evaluation windows are whole recorded windows. A failing gate stops the rollout (the first in plan
 * order, all traffic before breakdown values, as the simulator decides); an inconclusive one stops it unless
 * `rollback.onInconclusive` is `continue`.
 */
export function backtest(compiled: CompiledPlan, recorded: RecordedCounts, options: BacktestOptions): BacktestResult {
  // The simulator's notes on the plan (a skipped breakdown or KPI, a blue-green weight), apart from the traffic
  // profile (history replaces it) and step rounding (said here in windows).
  const notes = [
    ...compiled.notes
      .filter((note) => note.path[0] !== 'traffic' && note.path[note.path.length - 1] !== 'interval')
      .map((note) => note.message),
    ...recorded.notes,
  ];
  const windowMinutes = recorded.windowSeconds / 60;
  for (const stage of compiled.stages) {
    const { name, durationMinutes, intervalMinutes } = stage.stage;
    const off = [
      ['duration', durationMinutes],
      ['interval', intervalMinutes],
    ].filter(
      ([, minutes]) =>
        stage.gates.length > 0 && Math.abs((minutes as number) / windowMinutes - Math.round((minutes as number) / windowMinutes)) > 1e-9,
    );
    for (const [field, minutes] of off)
      notes.push(
        `Stage ${name}: the ${field} of ${formatMinutes(minutes as number)} is replayed as ${formatMinutes(Math.max(1, Math.round((minutes as number) / windowMinutes)) * windowMinutes)}, whole ${formatMinutes(windowMinutes)} windows (--window).`,
      );
  }
  if (Math.abs(compiled.stepMinutes * 60 - recorded.windowSeconds) > 1e-6)
    throw new Error(`the plan is compiled in steps of ${compiled.stepMinutes} min, the history in windows of ${recorded.windowSeconds} s`);
  for (const stage of compiled.stages)
    for (const gate of stage.gates)
      if (gate.kind === 'kpi' && !recorded.kpiRates?.[gate.kpiIndex])
        notes.push(`Stage ${stage.stage.name}: gate ${gate.label} is not replayed (metrics.queries.${gate.metric} is missing).`);
      else if (gate.kind === 'gauge')
        notes.push(`Stage ${stage.stage.name}: gate ${gate.label} is not replayed (backtest judges error-rate, latency and KPI gates).`);
      else if (gate.kind === 'latency' && !recorded.latencyP95Ms)
        notes.push(`Stage ${stage.stage.name}: gate ${gate.label} is not replayed (metrics.queries.latencyP95Ms is missing).`);

  const byGate = new Map<string, { stage: string; gate: string; trips: number }>();
  const key = (stage: CompiledStage, label: string) => `${stage.stage.index}\u0000${label}`;
  for (const stage of compiled.stages)
    for (const gate of stage.gates)
      if (replayed(gate, recorded)) byGate.set(key(stage, gate.label), { stage: stage.stage.name, gate: gate.label, trips: 0 });

  const maxCells = Math.max(1, ...compiled.stages.map((stage) => stage.cells.length));
  const window = createWindow(compiled.segments.length, compiled.kpiNames.length, maxCells);
  // Given incidents first; a found one that overlaps a given one is that one.
  const given = (options.incidents ?? []).map((span) => ({ ...span, origin: 'given' as const, signals: [], segments: [], score: null }));
  const found =
    options.incidentRule === null
      ? []
      : findIncidents(compiled.segments, recorded, options.incidentRule ?? INCIDENT_RULE)
          .map((incident) => ({
            from: recorded.from + incident.fromWindow * recorded.windowSeconds,
            to: recorded.from + incident.toWindow * recorded.windowSeconds,
            origin: 'found' as const,
            signals: incident.signals,
            segments: incident.segments,
            score: round(Math.min(1000, incident.peak), 1),
          }))
          .filter((span) => !given.some((one) => one.from < span.to && one.to > span.from));
  const spans = [...given, ...found].sort((a, b) => a.from - b.from || a.to - b.to);
  const trips: Trip[] = [];
  let replays = 0;
  let firstStart: number | null = null;
  let beyond = 0;
  for (let start = options.firstStart; start <= options.lastStart; start += options.everySeconds) {
    const first = Math.round((start - recorded.from) / recorded.windowSeconds);
    if (first < 0 || first + compiled.totalSteps > recorded.windows) {
      beyond++;
      continue;
    }
    replays++;
    firstStart ??= start;
    const random = createRandom(`${options.seed}:${start}`);
    const trip = replayOne(compiled, recorded, first, window, random).stop;
    if (!trip) continue;
    const { stage, judgement, gateLabel, fromWindow, toWindow } = trip;
    const incident = incidentOf(recorded, fromWindow, toWindow, spans);
    if (!incident) byGate.get(key(stage, gateLabel))!.trips++;
    trips.push({
      start: iso(start),
      stage: stage.stage.name,
      gate: gateLabel,
      segment: judgement.cell.label ?? 'all',
      verdict: judgement.verdict === 'fail' ? 'fail' : 'inconclusive',
      from: at(recorded, fromWindow),
      to: at(recorded, toWindow),
      samples: Math.round(judgement.samples),
      canary: judgement.canary === null ? null : round(judgement.canary, DIGITS.rate),
      upper: judgement.upper === null ? null : round(judgement.upper, DIGITS.rate),
      lower: judgement.lower === null ? null : round(judgement.lower, DIGITS.rate),
      ...(incident ? { incident: `${iso(incident.from)}/${iso(incident.to)}` } : {}),
    });
  }
  const incidents = spans.map((span) => ({
    ...replayIncident(compiled, recorded, span, window, options.seed),
    origin: span.origin,
    signals: span.signals,
    segments: span.segments,
    score: span.score,
  }));
  if (beyond > 0) notes.push(`${beyond} start${beyond === 1 ? '' : 's'} left out: the rollout would run past the recorded history.`);
  const rate = (count: number) => (replays === 0 ? 0 : round(count / replays, DIGITS.rate));
  return {
    replays,
    firstStart: firstStart === null ? null : iso(firstStart),
    falseRollbackRate: rate(trips.filter((trip) => trip.incident === undefined).length),
    byGate: [...byGate.values()].map((entry) => ({ ...entry, rate: rate(entry.trips) })),
    trips,
    incidents,
    notes,
  };
}

interface Stop {
  stage: CompiledStage;
  gateLabel: string;
  judgement: Judgement;
  fromWindow: number;
  toWindow: number;
}

function at(recorded: RecordedCounts, index: number): string {
  return iso(recorded.from + index * recorded.windowSeconds);
}

/** The first incident that recorded windows [fromWindow, toWindow) overlap. */
function incidentOf(
  recorded: RecordedCounts,
  fromWindow: number,
  toWindow: number,
  incidents: { from: number; to: number }[],
): { from: number; to: number } | undefined {
  const from = recorded.from + fromWindow * recorded.windowSeconds;
  const to = recorded.from + toWindow * recorded.windowSeconds;
  return incidents.find((span) => span.from < to && span.to > from);
}

/** A rollout starting at the incident's start (its window): caught when a gate fails on a window overlapping it. */
function replayIncident(
  compiled: CompiledPlan,
  recorded: RecordedCounts,
  span: { from: number; to: number },
  window: ReturnType<typeof createWindow>,
  seed: number,
): Omit<Incident, 'origin' | 'signals' | 'segments' | 'score'> {
  const first = Math.max(0, Math.floor((span.from - recorded.from) / recorded.windowSeconds));
  const start = recorded.from + first * recorded.windowSeconds;
  const { stop, failedRequests } = replayOne(compiled, recorded, first, window, createRandom(`${seed}:${start}`));
  const caught =
    stop !== null && stop.judgement.verdict === 'fail' && incidentOf(recorded, stop.fromWindow, stop.toWindow, [span]) !== undefined;
  return {
    from: iso(span.from),
    to: iso(span.to),
    caught,
    stage: caught ? stop!.stage.stage.name : null,
    gate: caught ? stop!.gateLabel : null,
    segment: caught ? (stop!.judgement.cell.label ?? 'all') : null,
    minute: caught ? round((recorded.from + stop!.toWindow * recorded.windowSeconds - span.from) / 60, DIGITS.minute) : null,
    failedRequests: Math.round(failedRequests),
  };
}

/**
 * One rollout from recorded window `first`: the gate that stopped it (null when it went through), and the canary's
 * failed requests until then. Windows past the history end the rollout.
 */
function replayOne(
  compiled: CompiledPlan,
  recorded: RecordedCounts,
  first: number,
  window: ReturnType<typeof createWindow>,
  random: ReturnType<typeof createRandom>,
): { stop: Stop | null; failedRequests: number } {
  let failedRequests = 0;
  const done = (stop: Stop | null) => ({ stop, failedRequests });
  const stopOnInconclusive = compiled.plan.rollback.onInconclusive !== 'continue';
  for (const stage of compiled.stages) {
    const gates = stage.gates.filter((gate) => replayed(gate, recorded));
    let previousEnd = 0;
    for (const end of stage.evaluationEnds) {
      const fromWindow = first + stage.startStep + previousEnd;
      const toWindow = first + stage.startStep + end;
      previousEnd = end;
      if (toWindow > recorded.windows) return done(null);
      carve(recorded, fromWindow, toWindow, stage.routeProbability, window, random);
      for (let s = 0; s < window.canaryErrors.length; s++) failedRequests += window.canaryErrors[s];
      if (gates.length === 0) continue;
      if (gates.some((gate) => gate.kind === 'latency')) carveLatency(recorded, stage, fromWindow, toWindow, window, random);
      for (const k of new Set(gates.filter((gate) => gate.kind === 'kpi').map((gate) => gate.kpiIndex)))
        carveKpi(recorded, k, fromWindow, toWindow, window, random);
      let inconclusive: Stop | null = null;
      for (const gate of gates) {
        // A window without a recorded p95 cannot be judged on latency.
        const judgements = judgeGate(compiled, stage, gate, window).map((judgement) =>
          judgement.verdict !== 'inconclusive' && [judgement.canary, judgement.upper, judgement.lower].some(Number.isNaN)
            ? { ...judgement, verdict: 'inconclusive' as const }
            : judgement,
        );
        const failed = judgements.find((judgement) => judgement.verdict === 'fail');
        if (failed) return done({ stage, gateLabel: gate.label, judgement: worstFailing(judgements), fromWindow, toWindow });
        const undecided = judgements.find((judgement) => judgement.verdict === 'inconclusive');
        if (undecided && !inconclusive) inconclusive = { stage, gateLabel: gate.label, judgement: undecided, fromWindow, toWindow };
      }
      if (inconclusive && stopOnInconclusive) return done(inconclusive);
    }
  }
  return done(null);
}

function replayed(gate: CompiledGate, recorded: RecordedCounts): boolean {
  return (
    gate.kind === 'errorRate' ||
    (gate.kind === 'latency' && recorded.latencyP95Ms !== undefined) ||
    (gate.kind === 'kpi' && recorded.kpiRates?.[gate.kpiIndex] !== undefined)
  );
}

/**
 * A KPI's successes on each version's slice of recorded windows [fromWindow, toWindow): the recorded success rate of
 * those windows (weighted by their requests) over the version's own requests, drawn binomially (carve has split the
 * requests already). A window without a recorded rate leaves the cell NaN: inconclusive, not passed.
 */
export function carveKpi(
  recorded: RecordedCounts,
  k: number,
  fromWindow: number,
  toWindow: number,
  window: ReturnType<typeof createWindow>,
  random: ReturnType<typeof createRandom>,
): void {
  const rates = recorded.kpiRates![k]!;
  for (let s = 0; s < rates.length; s++) {
    let weighted = 0;
    let weight = 0;
    let missing = false;
    for (let i = fromWindow; i < toWindow; i++) {
      if (!Number.isFinite(rates[s][i])) missing = true;
      const requests = Math.max(1, recorded.requests[s][i]);
      weighted += rates[s][i] * requests;
      weight += requests;
    }
    if (missing) {
      window.canaryKpiSuccesses[k][s] = NaN;
      window.baselineKpiSuccesses[k][s] = NaN;
      continue;
    }
    const rate = weighted / weight;
    window.canaryKpiSuccesses[k][s] = random.binomial(window.canaryRequests[s], rate);
    window.baselineKpiSuccesses[k][s] = random.binomial(window.baselineRequests[s], rate);
  }
}

/**
 * The p95 each version shows on each cell of the stage: the recorded p95 of the cell's segments and windows
 * (weighted by their requests), observed on the version's own requests (sampleP95: the sampling noise of a p95 of
 * n requests). Both versions share the recorded latency; the split decides only how many requests each sees.
 */
export function carveLatency(
  recorded: RecordedCounts,
  stage: CompiledStage,
  fromWindow: number,
  toWindow: number,
  window: ReturnType<typeof createWindow>,
  random: ReturnType<typeof createRandom>,
): void {
  const latency = recorded.latencyP95Ms!;
  stage.cells.forEach((cell, c) => {
    let weighted = 0;
    let weight = 0;
    let canaryRequests = 0;
    let baselineRequests = 0;
    for (const s of cell.segments) {
      canaryRequests += window.canaryRequests[s];
      baselineRequests += window.baselineRequests[s];
      for (let i = fromWindow; i < toWindow; i++) {
        const p95 = latency[s][i];
        if (!Number.isFinite(p95)) continue;
        // A window without requests still has a p95 when the query gives one: weigh it lightly, not out.
        const requests = Math.max(1, recorded.requests[s][i]);
        weighted += p95 * requests;
        weight += requests;
      }
    }
    const p95 = weight > 0 ? weighted / weight : NaN;
    window.canaryP95[c] = canaryRequests > 0 && p95 > 0 ? sampleP95(random, canaryRequests, p95, 0, 1) : NaN;
    window.baselineP95[c] = baselineRequests > 0 && p95 > 0 ? sampleP95(random, baselineRequests, p95, 0, 1) : NaN;
  });
}

/** All traffic when it fails, else the breakdown value furthest past its bound. */
function worstFailing(judgements: Judgement[]): Judgement {
  if (judgements[0].verdict === 'fail') return judgements[0];
  return judgements
    .filter((judgement) => judgement.verdict === 'fail')
    .reduce((worst, next) => (next.margin > worst.margin ? next : worst));
}

/**
 * The canary's slice of recorded windows [fromWindow, toWindow): each request goes to the new version with the
 * stage's route share, so its errors are a binomial split of the recorded errors and its other requests one of the
 * recorded successes. The current version keeps the rest.
 */
export function carve(
  recorded: RecordedCounts,
  fromWindow: number,
  toWindow: number,
  share: number,
  window: ReturnType<typeof createWindow>,
  random: ReturnType<typeof createRandom>,
): void {
  clearWindow(window);
  for (let s = 0; s < recorded.requests.length; s++) {
    let requests = 0;
    let errors = 0;
    for (let i = fromWindow; i < toWindow; i++) {
      requests += recorded.requests[s][i];
      errors += recorded.errors[s][i];
    }
    // Rates times seconds are counts up to Prometheus's extrapolation: whole requests, never more errors than requests.
    const total = Math.round(requests);
    const failed = Math.min(total, Math.round(errors));
    const canaryErrors = random.binomial(failed, share);
    const canaryRequests = canaryErrors + random.binomial(total - failed, share);
    window.canaryRequests[s] = canaryRequests;
    window.canaryErrors[s] = canaryErrors;
    window.baselineRequests[s] = total - canaryRequests;
    window.baselineErrors[s] = failed - canaryErrors;
  }
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
