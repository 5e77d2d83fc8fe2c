// Reads a Flagger Canary's analysis: interval, threshold, linear or explicit weights, iterations and matches,
// metrics and webhooks, and the MetricTemplates and AlertProviders it names. Defaults are Flagger's own
// (pkg/apis/flagger/v1beta1/canary.go).

import type { WorkspaceFacts } from '../../model/facts';
import { DEFAULT_NAMESPACE, resolveResource, type Resolution, type ResourceRef } from '../../model/resources';
import type { Path } from '../../parse/source-file';
import { isRecord, kubeDurationMinutes, list, numberOf, record, resourceNamespace } from '../read';

/** Flagger's analysis interval when none is given, and the shortest it accepts. */
const DEFAULT_INTERVAL_MINUTES = 1;
const MIN_INTERVAL_MINUTES = 10 / 60;
export const BUILT_IN_METRICS = ['request-success-rate', 'request-duration'];

export interface CanaryAnalysis {
  analysis: Record<string, unknown>;
  /** `['spec', 'analysis']`, or `['spec', 'canaryAnalysis']` for the older field. */
  path: Path;
}

export function canaryAnalysis(value: Record<string, unknown>): CanaryAnalysis | undefined {
  const spec = record(value.spec);
  if (record(spec?.analysis)) return { analysis: spec!.analysis as Record<string, unknown>, path: ['spec', 'analysis'] };
  if (record(spec?.canaryAnalysis)) return { analysis: spec!.canaryAnalysis as Record<string, unknown>, path: ['spec', 'canaryAnalysis'] };
  return undefined;
}

export function intervalMinutes(analysis: Record<string, unknown>): number {
  const minutes = kubeDurationMinutes(analysis.interval);
  if (minutes === undefined) return DEFAULT_INTERVAL_MINUTES;
  return Math.max(MIN_INTERVAL_MINUTES, minutes);
}

/** Failed checks before rollback; Flagger's default is 1. */
export function threshold(analysis: Record<string, unknown>): number {
  const value = numberOf(analysis.threshold);
  return value !== undefined && value > 0 ? Math.floor(value) : 1;
}

interface CanaryMetric {
  name: string;
  index: number;
  path: Path;
  metric: Record<string, unknown>;
  min?: number;
  max?: number;
  hasTemplate: boolean;
  hasQuery: boolean;
}

export function canaryMetrics(analysis: CanaryAnalysis): CanaryMetric[] {
  return list(analysis.analysis.metrics).flatMap((raw, index) => {
    if (!isRecord(raw) || typeof raw.name !== 'string') return [];
    const range = record(raw.thresholdRange);
    const name = raw.name;
    let min = numberOf(range?.min);
    let max = numberOf(range?.max);
    // Without thresholdRange Flagger reads `threshold`: a minimum success rate, a maximum otherwise.
    const legacy = numberOf(raw.threshold);
    if (!range && legacy !== undefined) {
      if (name === 'request-success-rate') min = legacy;
      else max = legacy;
    }
    return [
      {
        name,
        index,
        path: [...analysis.path, 'metrics', index],
        metric: raw,
        min,
        max,
        hasTemplate: isRecord(raw.templateRef),
        hasQuery: typeof raw.query === 'string' && raw.query.trim() !== '',
      },
    ];
  });
}

/**
 * The weights Flagger routes to the canary, in order, as its scheduler computes them: `stepWeight` added until the
 * weight reaches `maxWeight` (it may pass it), or the listed `stepWeights` (ignored when `stepWeight` is set).
 */
export function canaryWeights(analysis: Record<string, unknown>): { weights: number[]; kind: 'linear' | 'explicit' | 'none' } {
  const stepWeight = numberOf(analysis.stepWeight) ?? 0;
  const stepWeights = list(analysis.stepWeights)
    .map(numberOf)
    .filter((weight): weight is number => weight !== undefined);
  const maxWeight = numberOf(analysis.maxWeight) ?? 0;
  // Flagger's maxWeight(): the last stepWeights entry when there is a list, else maxWeight, else 100.
  const limit = stepWeights.length > 0 ? Math.min(100, stepWeights[stepWeights.length - 1]) : maxWeight > 0 ? maxWeight : 100;
  if (stepWeight > 0) {
    const weights: number[] = [];
    for (let weight = Math.min(100, stepWeight); ; weight = Math.min(100, weight + stepWeight)) {
      weights.push(weight);
      if (weight >= limit || weight >= 100) break;
    }
    return { weights, kind: 'linear' };
  }
  if (stepWeights.length > 0) {
    const weights: number[] = [];
    for (const weight of stepWeights) {
      const capped = Math.min(100, weight);
      weights.push(capped);
      if (capped >= limit) break;
    }
    return { weights, kind: 'explicit' };
  }
  return { weights: [], kind: 'none' };
}

/** A MetricTemplate a metric names in `templateRef`, or an AlertProvider an alert names in `providerRef`. */
export interface CanaryRef {
  kind: 'MetricTemplate' | 'AlertProvider';
  name: string;
  /** The ref's own `namespace`, when it gives one. */
  namespace?: string;
  /** The metric's or the alert's `name`, for messages. */
  owner: string;
  /** Path of the ref's `name` value. */
  path: Path;
}

export function canaryRefs(analysis: CanaryAnalysis): CanaryRef[] {
  const refs: CanaryRef[] = [];
  const collect = (field: 'metrics' | 'alerts', key: 'templateRef' | 'providerRef', kind: CanaryRef['kind']) =>
    list(analysis.analysis[field]).forEach((raw, index) => {
      const entry = record(raw);
      const ref = record(entry?.[key]);
      if (!entry || !ref || typeof ref.name !== 'string' || ref.name.trim() === '') return;
      const namespace = typeof ref.namespace === 'string' && ref.namespace.trim() !== '' ? ref.namespace.trim() : undefined;
      refs.push({
        kind,
        name: ref.name,
        ...(namespace !== undefined ? { namespace } : {}),
        owner: typeof entry.name === 'string' ? entry.name : `${field}[${index}]`,
        path: [...analysis.path, field, index, key, 'name'],
      });
    });
  collect('metrics', 'templateRef', 'MetricTemplate');
  collect('alerts', 'providerRef', 'AlertProvider');
  return refs;
}

/** Flagger looks a ref up in the ref's `namespace`, else in the Canary's own (src/engine/model/resources.ts). */
export function canaryResourceRef(ref: CanaryRef, canary: Record<string, unknown>, file: string): ResourceRef {
  return { kind: ref.kind, name: ref.name, namespace: ref.namespace ?? resourceNamespace(canary) ?? DEFAULT_NAMESPACE, file };
}

export function resolveCanaryRef(facts: WorkspaceFacts, ref: CanaryRef, canary: Record<string, unknown>, file: string): Resolution {
  return resolveResource(facts, canaryResourceRef(ref, canary, file));
}
