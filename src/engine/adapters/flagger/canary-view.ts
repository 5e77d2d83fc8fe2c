// Reads a Flagger Canary's analysis: interval, threshold, linear or explicit weights, iterations and matches,
// metrics and webhooks. Defaults are Flagger's own (pkg/apis/flagger/v1beta1/canary.go).

import type { Path } from '../../parse/source-file';
import { isRecord, kubeDurationMinutes, list, numberOf, record } from '../read';

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
