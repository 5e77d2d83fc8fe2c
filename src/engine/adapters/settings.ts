// What a converted Rollout or Canary needs from outside the file to be simulated: traffic and baseline (from
// `.stagegate.yaml` `simulation:` or annotations on the resource), how long a human takes to resume a pause, and
// which Stagegate metric each provider metric stands for (`simulation.metrics`).
//
//   simulation:
//     traffic: { requestsPerSecond: 300 }          # as a release plan's traffic:
//     baseline: { errorRate: 0.002, latencyP95Ms: 180 }
//     manualPause: 1h                              # a pause without duration, replayed as a wait this long
//     metrics:
//       success-rate: { metric: errorRate, complement: true }    # bound read from the template's condition
//       checkout/latency: { metric: latencyP95Ms, scale: 1000 }  # <template>/<metric>: seconds → ms
//       smoke-test: { metric: errorRate, max: 2% }                # explicit bound
//       queue-depth: { metric: gauge:queue }                      # a gauge of simulation.baseline.gauges
//
// A metric named as a gauge of `simulation.baseline.gauges` (cpu-usage: 0.45) is that gauge without a mapping: the
// healthy value declared there is what a gauge gate needs, and a metric whose name declares it measures nothing else.

import type { StagegateConfig } from '../config/config';
import type { Metric } from '../model/plan';
import { ratio } from '../model/units';
import { annotation, isRecord, kubeDurationMinutes, numberOf, record } from './read';

/** A pause without duration waits for someone to promote the rollout; replayed as this long unless configured. */
const DEFAULT_MANUAL_PAUSE_MINUTES = 60;

export const ANNOTATIONS = {
  requestsPerSecond: 'stagegate.dev/requests-per-second',
  baselineErrorRate: 'stagegate.dev/baseline-error-rate',
  baselineLatencyP95Ms: 'stagegate.dev/baseline-latency-p95-ms',
  /** Flagger A/B: share of traffic the header/cookie match selects. */
  matchShare: 'stagegate.dev/match-share',
  owner: 'stagegate.dev/owner',
} as const;

export interface MetricMapping {
  metric: Metric;
  /** Explicit bounds, in Stagegate's units (rates as fractions, latency in ms); when none, the source's bound is used. */
  max?: number;
  min?: number;
  maxIncrease?: number;
  minRatio?: number;
  /** The source measures the complement of the metric (a success rate for errorRate): 1 − value. */
  complement: boolean;
  /** Multiplies the source's bound into Stagegate's unit (seconds → ms: 1000; percent → fraction: 0.01). */
  scale: number;
}

export interface AdapterSettings {
  /** A release plan's `traffic:` and `baseline:` sections, as plain values for readPlan. */
  traffic?: Record<string, unknown>;
  baseline?: Record<string, unknown>;
  manualPauseMinutes: number;
  metrics: Map<string, MetricMapping>;
  /** What in the settings could not be used, in words. */
  problems: string[];
}

/** Settings for one resource: `.stagegate.yaml` first, then the resource's own annotations, which win. */
export function adapterSettings(config: StagegateConfig, resource: Record<string, unknown> = {}): AdapterSettings {
  const simulation = record(config.simulation) ?? {};
  const problems: string[] = [];
  const traffic = record(simulation.traffic) ? { ...(simulation.traffic as Record<string, unknown>) } : undefined;
  const baseline = record(simulation.baseline) ? { ...(simulation.baseline as Record<string, unknown>) } : undefined;
  const settings: AdapterSettings = { traffic, baseline, manualPauseMinutes: DEFAULT_MANUAL_PAUSE_MINUTES, metrics: new Map(), problems };

  if (simulation.manualPause !== undefined) {
    const minutes = kubeDurationMinutes(simulation.manualPause);
    if (minutes !== undefined && minutes > 0) settings.manualPauseMinutes = minutes;
    else problems.push(`simulation.manualPause must be a duration such as 30m; ${DEFAULT_MANUAL_PAUSE_MINUTES}m is used.`);
  }
  if (simulation.metrics !== undefined && !isRecord(simulation.metrics))
    problems.push('simulation.metrics must map metric names to { metric, … }.');
  for (const [name, raw] of Object.entries(record(simulation.metrics) ?? {})) {
    const mapping = readMapping(raw);
    if (typeof mapping === 'string') problems.push(`simulation.metrics.${name}: ${mapping}`);
    else settings.metrics.set(name, mapping);
  }

  const fromAnnotation = (name: string, check: (value: number) => boolean): number | undefined => {
    const text = annotation(resource, name);
    if (text === undefined) return undefined;
    const value = numberOf(text);
    if (value !== undefined && check(value)) return value;
    problems.push(`Annotation ${name}: "${text}" is not a valid number here; it is ignored.`);
    return undefined;
  };
  const requestsPerSecond = fromAnnotation(ANNOTATIONS.requestsPerSecond, (value) => value > 0);
  if (requestsPerSecond !== undefined) settings.traffic = { ...settings.traffic, requestsPerSecond };
  const matchShare = fromAnnotation(ANNOTATIONS.matchShare, (value) => value > 0 && value <= 1);
  if (matchShare !== undefined) settings.traffic = { ...settings.traffic, internalShare: matchShare };
  const errorRate = fromAnnotation(ANNOTATIONS.baselineErrorRate, (value) => value >= 0 && value <= 1);
  if (errorRate !== undefined) settings.baseline = { ...settings.baseline, errorRate };
  const latency = fromAnnotation(ANNOTATIONS.baselineLatencyP95Ms, (value) => value > 0);
  if (latency !== undefined) settings.baseline = { ...settings.baseline, latencyP95Ms: latency };
  return settings;
}

/** The mapping for a metric: `<template>/<metric>` first, then the metric's name alone. */
export function metricMapping(settings: AdapterSettings, metricName: string, templateName?: string): MetricMapping | undefined {
  return (
    (templateName !== undefined ? settings.metrics.get(`${templateName}/${metricName}`) : undefined) ?? settings.metrics.get(metricName)
  );
}

/**
 * A metric named after a gauge of `simulation.baseline.gauges` measures that gauge (its bound read as written, in
 * the query's unit); `simulation.metrics` still wins, and a name's guess (a success or error rate) comes after.
 */
export function declaredGauge(settings: AdapterSettings, metricName: string): MetricMapping | undefined {
  const gauges = record(settings.baseline?.gauges);
  if (!gauges || !Object.prototype.hasOwnProperty.call(gauges, metricName) || typeof gauges[metricName] !== 'number') return undefined;
  return { metric: `gauge:${metricName}`, complement: false, scale: 1 };
}

/** For a mapping to a gauge that `simulation.baseline.gauges` does not declare: the gauge's name (the gate cannot be judged). */
export function undeclaredGauge(settings: AdapterSettings, mapping: MetricMapping): string | undefined {
  if (!mapping.metric.startsWith('gauge:')) return undefined;
  const name = mapping.metric.slice('gauge:'.length);
  const gauges = record(settings.baseline?.gauges);
  return gauges && Object.prototype.hasOwnProperty.call(gauges, name) && typeof gauges[name] === 'number' ? undefined : name;
}

/** Names that say a metric is a resource or a backlog rather than a rate of requests: a hint, never a mapping. */
const GAUGE_NAME =
  /cpu|memory|\bmem\b|heap|queue|backlog|\blag\b|saturation|utili[sz]ation|connections|threads|goroutines|disk|inflight|in-flight/i;

/** What a metric's name suggests it measures, when that is a gauge: the word that says so. */
export function gaugeHint(metricName: string): string | undefined {
  return GAUGE_NAME.exec(metricName)?.[0];
}

function readMapping(raw: unknown): MetricMapping | string {
  const entry = record(raw);
  if (!entry) return 'must be { metric: errorRate | latencyP95Ms | kpi:<name> | gauge:<name>, … }.';
  if (typeof entry.metric !== 'string' || !/^(errorRate|latencyP95Ms|(kpi|gauge):.+)$/.test(entry.metric))
    return 'metric must be errorRate, latencyP95Ms, kpi:<name> or gauge:<name>.';
  const mapping: MetricMapping = { metric: entry.metric as Metric, complement: entry.complement === true, scale: 1 };
  for (const key of ['max', 'min', 'maxIncrease', 'minRatio'] as const) {
    if (entry[key] === undefined) continue;
    const value = ratio(entry[key]);
    if (value === undefined) return `${key} must be a number or a percentage such as 1%.`;
    mapping[key] = value;
  }
  if (entry.scale !== undefined) {
    if (typeof entry.scale !== 'number' || !(entry.scale > 0)) return 'scale must be a number greater than 0.';
    mapping.scale = entry.scale;
  }
  return mapping;
}

/** Whether the mapping states its own bounds (then the source's are not read). */
export function hasOwnBounds(mapping: MetricMapping): boolean {
  return mapping.max !== undefined || mapping.min !== undefined || mapping.maxIncrease !== undefined || mapping.minRatio !== undefined;
}
