// The metric sources of an Argo Rollout or a Flagger Canary, read from the templates it references: the Prometheus
// address and the query of each metric, with the Rollout's args or the Canary's templateVariables substituted, each
// mapped to the signal `stagegate calibrate` measures. A template holds the query its gate evaluates (an error ratio,
// a latency), not always the requests behind it: what cannot be derived is named, to be written under `metrics:` in
// `.stagegate.yaml`, which also overrides any derived query. No I/O here.

import { analysisBlocks, templateKind, templateMetrics, type TemplateLookup } from './argo/rollout-view';
import { canaryAnalysis, canaryMetrics, intervalMinutes } from './flagger/canary-view';
import { mappingFromName } from './argo/argo-to-plan';
import { declaredGauge, metricMapping, type AdapterSettings, type MetricMapping } from './settings';
import { isRecord, kubeDurationMinutes, list, record, resourceNamespace } from './read';
import { DEFAULT_NAMESPACE } from '../model/resources';
import type { MetricSources, Signal, SignalQuery } from '../calibrate/sources';

/** One provider metric as calibrate sees it: where it comes from, its query once substituted, what it measures. */
export interface ProviderMetric {
  /** `<template>/<metric>` for Argo, the metric's name for Flagger. */
  label: string;
  address?: string;
  /** The query with arguments substituted and Flagger's `{{ interval }}` written as `$window`. */
  query?: string;
  mapping?: MetricMapping;
  /** How often the metric is measured, minutes: the window its query is meant for. */
  intervalMinutes?: number;
}

export interface ResourceSources {
  /** Present when the requests signal could be found; `problems` then lists only what was left out. */
  sources?: MetricSources;
  /** Why signals could not be derived, in words naming the metric. */
  problems: string[];
  /** How each signal was derived, for the output. */
  notes: string[];
  /** The shortest interval of the metrics the signals come from, minutes. */
  shortestIntervalMinutes?: number;
}

/** Placeholders left in a query after substitution: `{{args.x}}`, `{{ variables.y }}`. */
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const PLACEHOLDER_TEST = /\{\{[^}]*\}\}/;

/** Metrics of a Rollout's AnalysisTemplates (background, step and experiment analyses), args substituted. */
export function rolloutMetrics(
  rollout: Record<string, unknown>,
  templates: TemplateLookup,
  settings: AdapterSettings,
): { metrics: ProviderMetric[]; problems: string[] } {
  const metrics: ProviderMetric[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const block of analysisBlocks(rollout)) {
    const passed = argValues(blockArgs(rollout, block.path));
    for (const ref of block.templates) {
      const found = templates(ref);
      if (!found || 'ambiguous' in found) {
        problems.push(
          `${templateKind(ref)} "${ref.name}" is ${found ? 'defined more than once' : 'not in the workspace'}: its queries cannot be read.`,
        );
        continue;
      }
      const defaults = argValues(list(record(found.template.spec)?.args));
      const args = { ...defaults.values, ...passed.values };
      const rawMetrics = list(record(found.template.spec)?.metrics);
      for (const metric of templateMetrics(found.template)) {
        const label = `${ref.name}/${metric.name}`;
        if (seen.has(label)) continue;
        seen.add(label);
        const prometheus = record(record(record(rawMetrics[metric.index])?.provider)?.prometheus);
        if (!prometheus) continue;
        const substitute = (text: unknown): string | undefined =>
          typeof text === 'string'
            ? text.replace(PLACEHOLDER, (whole, name: string) => {
                const arg = /^args\.(.+)$/.exec(name)?.[1];
                return arg !== undefined && args[arg] !== undefined ? args[arg] : whole;
              })
            : undefined;
        metrics.push({
          label,
          address: substitute(prometheus.address),
          query: substitute(prometheus.query),
          mapping: metricMapping(settings, metric.name, ref.name) ?? declaredGauge(settings, metric.name) ?? mappingFromName(metric.name),
          intervalMinutes: metric.intervalMinutes,
        });
        const unset = [...passed.fromElsewhere, ...defaults.fromElsewhere].filter(
          (name) =>
            args[name] === undefined &&
            new RegExp(`\\{\\{\\s*args\\.${escapeRegExp(name)}\\s*\\}\\}`).test(
              `${String(prometheus.query)} ${String(prometheus.address)}`,
            ),
        );
        if (unset.length > 0)
          problems.push(
            `${label}: arg ${unset.join(', ')} takes its value from the cluster (valueFrom), which Stagegate cannot read: write the query under metrics.queries in .stagegate.yaml.`,
          );
      }
    }
  }
  return { metrics, problems };
}

/** Metrics of a Canary that name a MetricTemplate, its templateVariables and the Canary's own names substituted. */
export function canaryTemplateMetrics(
  canary: Record<string, unknown>,
  metricTemplate: (name: string, namespace?: string) => Record<string, unknown> | undefined,
  settings: AdapterSettings,
): { metrics: ProviderMetric[]; problems: string[] } {
  const metrics: ProviderMetric[] = [];
  const problems: string[] = [];
  const found = canaryAnalysis(canary);
  if (!found) return { metrics, problems: ['The Canary has no analysis: it names no metric to calibrate from.'] };
  const spec = record(canary.spec) ?? {};
  const target = typeof record(spec.targetRef)?.name === 'string' ? (record(spec.targetRef)!.name as string) : undefined;
  const service = typeof record(spec.service)?.name === 'string' ? (record(spec.service)!.name as string) : target;
  const ingress = typeof record(spec.ingressRef)?.name === 'string' ? (record(spec.ingressRef)!.name as string) : undefined;
  const names: Record<string, string | undefined> = { namespace: resourceNamespace(canary) ?? DEFAULT_NAMESPACE, target, service, ingress };
  for (const metric of canaryMetrics(found)) {
    const ref = record(metric.metric.templateRef);
    if (!ref || typeof ref.name !== 'string') {
      if (!metric.hasQuery)
        problems.push(
          `${metric.name}: a built-in Flagger metric, whose query depends on the mesh or ingress: write its queries under metrics.queries in .stagegate.yaml.`,
        );
      continue;
    }
    const template = metricTemplate(ref.name, typeof ref.namespace === 'string' ? ref.namespace : undefined);
    if (!template) {
      problems.push(`${metric.name}: MetricTemplate "${ref.name}" is not in the workspace: its query cannot be read.`);
      continue;
    }
    const templateSpec = record(template.spec) ?? {};
    const provider = record(templateSpec.provider) ?? {};
    if (provider.type !== undefined && provider.type !== 'prometheus') continue;
    const variables = record(metric.metric.templateVariables) ?? {};
    const substitute = (text: unknown): string | undefined =>
      typeof text === 'string'
        ? text.replace(PLACEHOLDER, (whole, name: string) => {
            // Flagger's {{ interval }} is the analysis interval: calibrate evaluates the query at its own window.
            if (name === 'interval') return '$window';
            const variable = /^variables\.(.+)$/.exec(name)?.[1];
            if (variable !== undefined) return typeof variables[variable] === 'string' ? (variables[variable] as string) : whole;
            return names[name] ?? whole;
          })
        : undefined;
    metrics.push({
      label: metric.name,
      address: substitute(provider.address),
      query: substitute(templateSpec.query),
      mapping: metricMapping(settings, metric.name) ?? declaredGauge(settings, metric.name) ?? mappingFromName(metric.name),
      // Flagger runs a metric every `interval` of its own, else every analysis interval.
      intervalMinutes: kubeDurationMinutes(metric.metric.interval) ?? intervalMinutes(found.analysis),
    });
  }
  return { metrics, problems };
}

/**
 * The signals of the provider metrics, by the mapping each metric's gate uses (simulation.metrics, else its name):
 * an error rate written `A / B` gives errors A and requests B (a success rate: errors B − A), a latency gives
 * latencyP95Ms (scaled into ms), a KPI is taken as written. `configured` (`.stagegate.yaml` `metrics:`) wins.
 */
export function signalsFromMetrics(metrics: ProviderMetric[], configured: MetricSources | undefined): ResourceSources {
  const problems: string[] = [];
  const notes: string[] = [];
  const queries = new Map<Signal, string>();
  const from = new Map<Signal, string>();
  /** Error rates whose requests cannot be derived: a problem unless `.stagegate.yaml` gives requests and errors. */
  const underived: string[] = [];
  const intervals: number[] = [];
  let url: string | undefined;
  for (const metric of metrics) {
    // The address of the first template that names one, as Argo and Flagger would query it.
    if (!url && metric.address && !PLACEHOLDER_TEST.test(metric.address)) url = metric.address;
    if (!metric.query) continue;
    const left = [...metric.query.matchAll(PLACEHOLDER)].map((match) => match[0]);
    if (left.length > 0) {
      problems.push(`${metric.label}: ${left.join(', ')} is not given by the resource, so the query cannot be run.`);
      continue;
    }
    if (!metric.mapping) {
      notes.push(`${metric.label} is not used: its name does not say what it measures (map it under simulation.metrics).`);
      continue;
    }
    const set = (signal: Signal, query: string) => {
      if (queries.has(signal)) return notes.push(`${metric.label} is not used for ${signal}: ${from.get(signal)} gives it.`);
      queries.set(signal, query);
      from.set(signal, metric.label);
    };
    const { metric: measured, complement, scale } = metric.mapping;
    if (measured === 'errorRate') {
      const ratio = splitRatio(metric.query);
      if (!ratio) {
        underived.push(
          `${metric.label} measures ${complement ? 'a success rate' : 'an error rate'} but its query is not written as one ratio A / B, so the requests behind it cannot be derived.`,
        );
        continue;
      }
      set('requests', ratio.denominator);
      set('errors', complement ? `(${ratio.denominator}) - (${ratio.numerator})` : ratio.numerator);
    } else if (measured === 'latencyP95Ms') set('latencyP95Ms', scale === 1 ? metric.query : `${scale} * (${metric.query})`);
    else set(measured as Signal, metric.query);
    if (metric.intervalMinutes !== undefined) intervals.push(metric.intervalMinutes);
  }
  for (const [signal, label] of from) notes.push(`${signal} from ${label}: ${queries.get(signal)!.replace(/\s+/g, ' ').trim()}`);
  for (const { signal, query } of configured?.queries ?? []) {
    if (from.has(signal)) notes.push(`${signal} from metrics.queries in .stagegate.yaml, not from ${from.get(signal)}.`);
    else notes.push(`${signal} from metrics.queries in .stagegate.yaml.`);
    queries.set(signal, query);
  }
  if (queries.has('requests') && queries.has('errors'))
    notes.push(...underived.map((text) => `${text} metrics.queries in .stagegate.yaml gives them.`));
  else problems.push(...underived);
  if (!queries.has('requests')) {
    problems.push(
      'No query gives the requests: write metrics.queries.requests (and errors) in .stagegate.yaml, for example requests: sum(rate(http_requests_total{service="checkout"}[$window])).',
    );
    return { problems, notes };
  }
  const sources: MetricSources = {
    ...((configured?.url ?? url) ? { url: configured?.url ?? url } : {}),
    headers: configured?.headers ?? {},
    queries: [...queries].map(([signal, query]): SignalQuery => ({ signal, query })),
  };
  return { sources, problems, notes, ...(intervals.length > 0 ? { shortestIntervalMinutes: Math.min(...intervals) } : {}) };
}

/**
 * `A / B` split at its one top-level division, or undefined when the query is anything else at top level (another
 * operator would bind differently: `100 - A / B * 100` is not a ratio of two series).
 */
export function splitRatio(query: string): { numerator: string; denominator: string } | undefined {
  let text = query.trim();
  while (text.startsWith('(') && closingOf(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  const divisions: number[] = [];
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '"' || char === "'" || char === '`') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) return undefined;
      at = end;
    } else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (depth === 0 && char === '/') divisions.push(at);
    else if (depth === 0 && /[-+*%^<>=!]/.test(char)) return undefined;
  }
  if (divisions.length !== 1) return undefined;
  const numerator = text.slice(0, divisions[0]).trim();
  const denominator = text.slice(divisions[0] + 1).trim();
  // `on (...)`, `ignoring`, `group_left` modifiers belong to the division: not two plain series.
  if (!numerator || !denominator || /^(on|ignoring|group_left|group_right|bool)\b/.test(denominator)) return undefined;
  return { numerator, denominator };
}

function closingOf(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === '(') depth++;
    else if (text[at] === ')' && --depth === 0) return at;
  }
  return -1;
}

/** Arg values given literally; names of those given by `valueFrom` (secrets, field refs). */
function argValues(args: unknown[]): { values: Record<string, string>; fromElsewhere: string[] } {
  const values: Record<string, string> = {};
  const fromElsewhere: string[] = [];
  for (const arg of args) {
    if (!isRecord(arg) || typeof arg.name !== 'string') continue;
    if (typeof arg.value === 'string' || typeof arg.value === 'number') values[arg.name] = String(arg.value);
    else if (arg.valueFrom !== undefined) fromElsewhere.push(arg.name);
  }
  return { values, fromElsewhere };
}

function blockArgs(rollout: Record<string, unknown>, path: readonly (string | number)[]): unknown[] {
  let node: unknown = rollout;
  for (const key of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
  return list(record(node)?.args);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
