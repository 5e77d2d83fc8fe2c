// Reads an Argo Rollouts canary strategy (steps, inline and background analysis, experiments) and the
// AnalysisTemplates it names, tolerating half-written resources.

import type { Path } from '../../parse/source-file';
import type { Ladder } from '../../model/ladder';
import type { WorkspaceFacts } from '../../model/facts';
import { DEFAULT_NAMESPACE, resolveResource, whereFrom, type Resolution, type ResourceRef } from '../../model/resources';
import { isRecord, kubeDurationMinutes, list, numberOf, record, resourceNamespace } from '../read';

interface CanaryStep {
  index: number;
  step: Record<string, unknown>;
  path: Path;
}

export function canaryStrategy(value: Record<string, unknown>): Record<string, unknown> | undefined {
  return record(record(record(value.spec)?.strategy)?.canary);
}

export const CANARY_PATH: Path = ['spec', 'strategy', 'canary'];

export function canarySteps(value: Record<string, unknown>): CanaryStep[] {
  return list(canaryStrategy(value)?.steps).flatMap((step, index) =>
    isRecord(step) ? [{ index, step, path: [...CANARY_PATH, 'steps', index] }] : [],
  );
}

const ladders = new WeakMap<object, Ladder>();

/** The canary's setWeight steps as the ladder rules read it (src/engine/model/ladder.ts). */
export function argoLadder(value: Record<string, unknown>): Ladder {
  let ladder = ladders.get(value);
  if (!ladder) {
    const steps = canarySteps(value).flatMap(({ index, step, path }) => {
      if (step.setWeight === undefined) return [];
      const weight = typeof step.setWeight === 'number' && step.setWeight >= 0 && step.setWeight <= 100 ? step.setWeight : undefined;
      return [{ name: `steps[${index}]`, weight, internal: false, weightPath: [...path, 'setWeight'] }];
    });
    ladders.set(value, (ladder = { steps }));
  }
  return ladder;
}

export interface TemplateRef {
  name: string;
  clusterScope: boolean;
  /** Path of the `templateName` value. */
  path: Path;
}

export interface AnalysisBlock {
  where: 'step' | 'background' | 'experiment';
  /** Step index for step and experiment analyses; `startingStep` for background analysis. */
  stepIndex: number;
  templates: TemplateRef[];
  /** Names of the `args` the block passes. */
  argNames: Set<string>;
  path: Path;
}

function templateRefs(block: Record<string, unknown>, path: Path): TemplateRef[] {
  const refs: TemplateRef[] = [];
  list(block.templates).forEach((entry, index) => {
    if (isRecord(entry) && typeof entry.templateName === 'string')
      refs.push({
        name: entry.templateName,
        clusterScope: entry.clusterScope === true,
        path: [...path, 'templates', index, 'templateName'],
      });
  });
  // The single-template form of early versions.
  if (typeof block.templateName === 'string')
    refs.push({ name: block.templateName, clusterScope: block.clusterScope === true, path: [...path, 'templateName'] });
  return refs;
}

function argNames(block: Record<string, unknown>): Set<string> {
  return new Set(list(block.args).flatMap((arg) => (isRecord(arg) && typeof arg.name === 'string' ? [arg.name] : [])));
}

/** Every analysis the canary runs: background, inline steps, and experiment steps' analyses. */
export function analysisBlocks(value: Record<string, unknown>): AnalysisBlock[] {
  const canary = canaryStrategy(value);
  if (!canary) return [];
  const blocks: AnalysisBlock[] = [];
  const background = record(canary.analysis);
  if (background) {
    const path = [...CANARY_PATH, 'analysis'];
    const startingStep = numberOf(background.startingStep) ?? 0;
    blocks.push({
      where: 'background',
      stepIndex: startingStep,
      templates: templateRefs(background, path),
      argNames: argNames(background),
      path,
    });
  }
  for (const { index, step, path } of canarySteps(value)) {
    const analysis = record(step.analysis);
    if (analysis)
      blocks.push({
        where: 'step',
        stepIndex: index,
        templates: templateRefs(analysis, [...path, 'analysis']),
        argNames: argNames(analysis),
        path: [...path, 'analysis'],
      });
    const experiment = record(step.experiment);
    list(experiment?.analyses).forEach((entry, analysisIndex) => {
      if (!isRecord(entry)) return;
      const analysisPath = [...path, 'experiment', 'analyses', analysisIndex];
      blocks.push({
        where: 'experiment',
        stepIndex: index,
        templates: templateRefs(entry, analysisPath),
        argNames: argNames(entry),
        path: analysisPath,
      });
    });
  }
  return blocks;
}

export function templateKind(ref: TemplateRef): string {
  return ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
}

/** What the simulation reads of a referenced template: it, or the places it is defined equally near. */
export type TemplateLookup = (ref: TemplateRef) => { template: Record<string, unknown> } | { ambiguous: string[] } | undefined;

export function templatesFromFacts(facts: WorkspaceFacts, rollout: Record<string, unknown>, file: string): TemplateLookup {
  return (ref) => {
    const resolution = resolveTemplate(facts, ref, rollout, file);
    if (resolution.status === 'found') return { template: resolution.resource.value };
    if (resolution.status === 'ambiguous') return { ambiguous: resolution.candidates.map((candidate) => whereFrom(candidate, file)) };
    return undefined;
  };
}

/** The template a Rollout's analysis names: Argo Rollouts looks in the Rollout's namespace, or cluster-wide. */
export function templateResourceRef(ref: TemplateRef, rollout: Record<string, unknown>, file: string): ResourceRef {
  return {
    kind: templateKind(ref),
    name: ref.name,
    namespace: ref.clusterScope ? undefined : (resourceNamespace(rollout) ?? DEFAULT_NAMESPACE),
    file,
  };
}

export function resolveTemplate(facts: WorkspaceFacts, ref: TemplateRef, rollout: Record<string, unknown>, file: string): Resolution {
  return resolveResource(facts, templateResourceRef(ref, rollout, file));
}

interface TemplateArg {
  name: string;
  /** A template arg with `value` or `valueFrom` has a default; the others must be passed. */
  required: boolean;
}

export function templateArgs(template: Record<string, unknown>): TemplateArg[] {
  return list(record(template.spec)?.args).flatMap((arg) =>
    isRecord(arg) && typeof arg.name === 'string'
      ? [{ name: arg.name, required: arg.value === undefined && arg.valueFrom === undefined }]
      : [],
  );
}

export interface MetricView {
  name: string;
  index: number;
  path: Path;
  intervalMinutes?: number;
  initialDelayMinutes?: number;
  /** Measurements taken; undefined when the metric runs until the analysis is stopped (interval without count). */
  count?: number;
  failureLimit: number;
  inconclusiveLimit: number;
  successCondition?: string;
  failureCondition?: string;
  /** The provider's key (`prometheus`, `job`, `web`, …). */
  provider?: string;
  dryRun: boolean;
}

export function templateMetrics(template: Record<string, unknown>): MetricView[] {
  const spec = record(template.spec) ?? {};
  const dryRun = list(spec.dryRun).flatMap((entry) => (isRecord(entry) && typeof entry.metricName === 'string' ? [entry.metricName] : []));
  return list(spec.metrics).flatMap((raw, index) => {
    const metric = record(raw);
    if (!metric || typeof metric.name !== 'string') return [];
    const name = metric.name;
    const intervalMinutes = kubeDurationMinutes(metric.interval);
    const explicitCount = numberOf(metric.count);
    return [
      {
        name,
        index,
        path: ['spec', 'metrics', index],
        intervalMinutes,
        initialDelayMinutes: kubeDurationMinutes(metric.initialDelay),
        // Argo: without count, one measurement when there is no interval, else measurements until stopped.
        count: explicitCount ?? (metric.interval === undefined ? 1 : undefined),
        failureLimit: numberOf(metric.failureLimit) ?? 0,
        inconclusiveLimit: numberOf(metric.inconclusiveLimit) ?? 0,
        successCondition: typeof metric.successCondition === 'string' ? metric.successCondition : undefined,
        failureCondition: typeof metric.failureCondition === 'string' ? metric.failureCondition : undefined,
        provider: Object.keys(record(metric.provider) ?? {})[0],
        dryRun: dryRun.some((pattern) => pattern === name || matchesWhole(pattern, name)),
      },
    ];
  });
}

function matchesWhole(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return false;
  }
}
