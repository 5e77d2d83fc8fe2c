// The labels a plan's readiness needs on its recorded series, and what a metrics server says about them: the request
// and error series must carry the version label (to tell the canary from the rest), a label per flag the plan exposes
// (to tell flag states apart) and a label per dimension a gate breaks down by. No I/O here: the queries are written
// here, run by a face, and their answers read back into findings.

import type { Finding } from '../finding';
import { rangeForPath, type ParsedDocument, type Path, type SourceFile } from '../parse/source-file';
import { formatMinutes } from '../model/units';
import { stageViews } from '../model/plan-view';
import { isRecord } from '../values';

export const DEFAULT_VERSION_LABEL = 'version';
/** `{flag}` is the flag's key with every character a label name cannot hold written `_`. */
export const DEFAULT_FLAG_LABEL = 'flag_{flag}';
/** How far back the series are looked for: a day covers every hour's traffic without reading a week of samples. */
export const LABEL_LOOKBACK_MINUTES = 24 * 60;
export const MEASURED_RULE_ID = 'metrics-label-missing';

/** The signals whose series must carry the labels: the two every gate on errors compares. */
const MEASURED_SIGNALS = ['requests', 'errors'] as const;
type MeasuredSignal = (typeof MEASURED_SIGNALS)[number];

/** One label the series must carry, and where in the plan what needs it is written. */
export interface LabelNeed {
  label: string;
  kind: 'version' | 'flag' | 'breakdown';
  /** The flag's key or the dimension; the label's name for the version. */
  subject: string;
  /** Where a finding about it goes; for the version, the query of each signal instead. */
  paths: Path[];
}

/** One vector selector of the requests or errors query, and the query that counts its series by the needed labels. */
export interface SeriesCheck {
  signals: MeasuredSignal[];
  selector: string;
  query: string;
}

export interface LabelMeasurePlan {
  needs: LabelNeed[];
  checks: SeriesCheck[];
}

/** What the server answered for one check: series counted by the needed labels (a label absent from a group means none of its series carries it). */
export interface CountedGroup {
  labels: Record<string, string>;
  count: number;
}

export interface MissingLabel {
  need: LabelNeed;
  check: SeriesCheck;
  /** Series of the selector without the label, of `total`. */
  without: number;
  total: number;
}

export interface LabelMeasurement {
  /** When the series were looked at (unix seconds) and how far back, minutes. */
  time: number;
  lookbackMinutes: number;
  missing: MissingLabel[];
  /** How many series each selector matched, in the order of the checks. */
  series: { selector: string; count: number }[];
  needs: LabelNeed[];
}

/** Whether a readiness item could be measured against the series: asked, not asked, or asked and failed (why). */
export type LabelMeasurementState = { state: 'measured'; measurement: LabelMeasurement } | { state: 'failed'; reason: string };

/** The label a flag is expected under, from the template (`flag_{flag}`): characters a label name cannot hold become `_`. */
export function flagLabel(template: string, flag: string): string {
  const label = template.split('{flag}').join(flag.replace(/[^A-Za-z0-9_]/g, '_'));
  return /^[0-9]/.test(label) ? `_${label}` : label;
}

/** The label names the plan's `metrics.labels` gives, or the defaults. */
export function labelNames(plan: unknown): { version: string; flag: string } {
  const labels = isRecord(plan) && isRecord(plan.metrics) && isRecord(plan.metrics.labels) ? plan.metrics.labels : {};
  const valid = (value: unknown) => typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
  return {
    version: valid(labels.version) ? (labels.version as string) : DEFAULT_VERSION_LABEL,
    flag: typeof labels.flag === 'string' && labels.flag.includes('{flag}') ? labels.flag : DEFAULT_FLAG_LABEL,
  };
}

/** Whether the plan names series whose labels can be measured: a `metrics` section with a requests or errors query. */
export function hasMeasurableSeries(plan: unknown): boolean {
  const queries = isRecord(plan) && isRecord(plan.metrics) && isRecord(plan.metrics.queries) ? plan.metrics.queries : {};
  return MEASURED_SIGNALS.some((signal) => typeof queries[signal] === 'string');
}

/** The labels the plan needs and the queries that count its request and error series by them. */
export function labelMeasurePlan(plan: unknown, lookbackMinutes = LABEL_LOOKBACK_MINUTES): LabelMeasurePlan {
  const value = isRecord(plan) ? plan : {};
  const names = labelNames(value);
  const needs: LabelNeed[] = [{ label: names.version, kind: 'version', subject: names.version, paths: [] }];
  const flags = Array.isArray(value.flags) ? value.flags : [];
  flags.forEach((flag, index) => {
    if (typeof flag !== 'string') return;
    const label = flagLabel(names.flag, flag);
    const known = needs.find((need) => need.kind === 'flag' && need.label === label);
    if (known) known.paths.push(['flags', index]);
    else needs.push({ label, kind: 'flag', subject: flag, paths: [['flags', index]] });
  });
  for (const stage of stageViews(value)) {
    const raw = Array.isArray(stage.raw.breakdown) ? stage.raw.breakdown : [];
    raw.forEach((dimension, index) => {
      if (typeof dimension !== 'string') return;
      const path: Path = ['stages', stage.index, 'breakdown', index];
      const known = needs.find((need) => need.kind === 'breakdown' && need.label === dimension);
      if (known) known.paths.push(path);
      else needs.push({ label: dimension, kind: 'breakdown', subject: dimension, paths: [path] });
    });
  }
  // A dimension that is no label name (`device-type`) cannot be asked for; every series lacks it.
  const labels = [...new Set(needs.map((need) => need.label))].filter(isLabelName);
  const queries = isRecord(value.metrics) && isRecord(value.metrics.queries) ? value.metrics.queries : {};
  const checks: SeriesCheck[] = [];
  for (const signal of MEASURED_SIGNALS) {
    const query = queries[signal];
    if (typeof query !== 'string') continue;
    for (const selector of vectorSelectors(query)) {
      const known = checks.find((check) => check.selector === selector);
      if (known) known.signals.push(signal);
      else
        checks.push({
          signals: [signal],
          selector,
          query: `count by (${labels.join(', ')}) (last_over_time(${selector}[${formatMinutes(lookbackMinutes)}]))`,
        });
    }
  }
  return { needs, checks };
}

/** The labels each check's series lack, from the server's answers (one per check, in order). */
export function readLabelCounts(
  measurePlan: LabelMeasurePlan,
  answers: CountedGroup[][],
  time: number,
  lookbackMinutes = LABEL_LOOKBACK_MINUTES,
): LabelMeasurement {
  const missing: MissingLabel[] = [];
  const series: { selector: string; count: number }[] = [];
  measurePlan.checks.forEach((check, index) => {
    const groups = answers[index] ?? [];
    const total = groups.reduce((sum, group) => sum + group.count, 0);
    series.push({ selector: check.selector, count: total });
    for (const need of measurePlan.needs) {
      const without = isLabelName(need.label)
        ? groups.filter((group) => !group.labels[need.label]).reduce((sum, group) => sum + group.count, 0)
        : total;
      if (without > 0) missing.push({ need, check, without, total });
    }
  });
  return { time, lookbackMinutes, missing, series, needs: measurePlan.needs };
}

/**
 * Findings for the missing labels, at what needs each: the version at the query whose series lack it, a flag at its
 * entry in `flags`, a dimension at each `breakdown` that names it. Each message holds the query that showed it.
 */
export function labelFindings(file: SourceFile, doc: ParsedDocument, measurement: LabelMeasurement): Finding[] {
  const findings: Finding[] = [];
  const since = `in the ${formatMinutes(measurement.lookbackMinutes)} before ${isoTime(measurement.time)}`;
  const shown = (missing: MissingLabel) =>
    `${missing.without} of ${missing.total} series of ${missing.check.selector} (the ${missing.check.signals.join(' and ')} ${missing.check.signals.length === 1 ? 'query' : 'queries'}) carry no "${missing.need.label}" label ${since}. The query: ${missing.check.query}`;
  for (const missing of measurement.missing) {
    const { need } = missing;
    if (need.kind === 'version') {
      for (const signal of missing.check.signals)
        findings.push({
          ruleId: MEASURED_RULE_ID,
          severity: 'warning',
          message: `The ${signal} series cannot be split by version: ${shown(missing)} Label the series with the deployed version, or name the label that carries it in metrics.labels.version.`,
          range: rangeForPath(file, doc, ['metrics', 'queries', signal]),
        });
      continue;
    }
    const message =
      need.kind === 'flag'
        ? `Flag ${need.subject}: its states are not visible in the metrics: ${shown(missing)} Label the series with the flag's state, or set the label's name in metrics.labels.flag.`
        : isLabelName(need.subject)
          ? `breakdown: [${need.subject}] cannot be judged on the recorded series: ${shown(missing)} Label the series with the ${need.subject}, or break down by a label they carry.`
          : `breakdown: [${need.subject}] cannot be judged on the recorded series: "${need.subject}" is not a name a Prometheus label can have (letters, digits and _, not starting with a digit), so none of the ${missing.total} series of ${missing.check.selector} carries it ${since}. Name the dimension as the series' label is named.`;
    for (const path of need.paths)
      findings.push({ ruleId: MEASURED_RULE_ID, severity: 'warning', message, range: rangeForPath(file, doc, path) });
  }
  return findings;
}

/**
 * The instant vector selectors of a PromQL expression (`http_requests_total{code=~"5.."}`, `{__name__="up"}`), as
 * written, without their ranges: the series the query reads. A reader of PromQL's tokens, not a parser: names that
 * are followed by `(` are functions, keywords and aggregation modifiers are passed over with their label lists.
 */
export function vectorSelectors(query: string): string[] {
  const selectors: string[] = [];
  let at = 0;
  const skipSpace = () => {
    while (at < query.length) {
      if (/\s/.test(query[at])) at++;
      else if (query[at] === '#') while (at < query.length && query[at] !== '\n') at++;
      else break;
    }
  };
  /** The index after the bracket closing the one at `open`, strings inside it passed over. */
  const closing = (open: number): number => {
    const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
    const stack = [pairs[query[open]]];
    let index = open + 1;
    while (index < query.length && stack.length > 0) {
      const char = query[index];
      if (char === '"' || char === "'" || char === '`') index = stringEnd(query, index);
      else {
        if (pairs[char]) stack.push(pairs[char]);
        else if (char === stack[stack.length - 1]) stack.pop();
        index++;
      }
    }
    return index;
  };
  while (at < query.length) {
    skipSpace();
    if (at >= query.length) break;
    const char = query[at];
    if (char === '"' || char === "'" || char === '`') at = stringEnd(query, at);
    else if (char === '[') at = closing(at);
    else if (char === '{') {
      const end = closing(at);
      selectors.push(query.slice(at, end));
      at = end;
    } else if (/[A-Za-z_:]/.test(char)) {
      const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(query.slice(at))![0];
      const start = at;
      at += name.length;
      skipSpace();
      if (LABEL_LIST_KEYWORDS.has(name)) {
        if (query[at] === '(') at = closing(at);
      } else if (query[at] === '(' || KEYWORDS.has(name) || AGGREGATIONS.has(name)) {
        // a function or an aggregation: its arguments are read as the loop goes on
      } else if (query[at] === '{') {
        const end = closing(at);
        selectors.push(`${name}${query.slice(at, end)}`);
        at = end;
      } else selectors.push(query.slice(start, start + name.length));
    } else if (/[0-9.]/.test(char)) {
      // numbers and durations (`5m`, `1e3`, `0x1f`)
      at += /^[0-9.][0-9A-Za-z._]*/.exec(query.slice(at))![0].length;
    } else at++;
  }
  return [...new Set(selectors)];
}

/** Aggregation modifiers and vector matching, each followed by a list of labels, not series. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'Inf', 'NaN']);
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

function isLabelName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

function stringEnd(text: string, open: number): number {
  const quote = text[open];
  let index = open + 1;
  while (index < text.length && text[index] !== quote) index += text[index] === '\\' && quote !== '`' ? 2 : 1;
  return index + 1;
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
}
