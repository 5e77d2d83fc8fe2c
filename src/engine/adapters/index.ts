// One entry point for every face that simulates a document: a native release plan, an Argo Rollouts canary or
// a Flagger Canary becomes the ReleasePlan the simulator replays, with each problem at its place in the file.

import type { StagegateConfig } from '../config/config';
import type { Range } from '../finding';
import { documentKind, foreignKind } from '../formats/recognise';
import { readPlan, type ReleasePlan } from '../model/plan';
import type { SourceProblem } from './native-plan';
import { keyOrValue, locate, type ParsedDocument, type Path, type SourceFile } from '../parse/source-file';
import type { WorkspaceFacts } from '../rules/workspace-facts';
import { isRecord } from './read';
import { adapterSettings } from './settings';
import { argoRolloutToPlan } from './argo/argo-to-plan';
import { templatesFromFacts } from './argo/rollout-view';
import { flaggerCanaryToPlan } from './flagger/flagger-to-plan';

export { argoRolloutToPlan, ARGO_ABORT_MINUTES } from './argo/argo-to-plan';
export { flaggerCanaryToPlan } from './flagger/flagger-to-plan';
export { templatesFromFacts, type TemplateLookup, type TemplateRef } from './argo/rollout-view';
export { adapterSettings, ANNOTATIONS, DEFAULT_MANUAL_PAUSE_MINUTES, type AdapterSettings, type MetricMapping } from './settings';
export type { ConversionResult, SourceProblem } from './native-plan';

export interface PlanSourceProblem {
  range: Range;
  message: string;
}

export interface PlanForSimulation {
  /**
   * The plan to replay, when the document can be simulated. With a plan, `problems` are what the conversion assumed
   * or left out (a manual pause replayed as a wait, an opaque metric that is not a gate); without one, they are why
   * it cannot be simulated.
   */
  plan?: ReleasePlan;
  problems: PlanSourceProblem[];
}

/**
 * The ReleasePlan of a document, whatever its format: a release plan (read by readPlan), an Argo Rollout with a
 * canary strategy (its AnalysisTemplates come from `facts.resources`) or a Flagger Canary. Traffic and baseline of
 * converted resources come from `config.simulation` and the resource's `stagegate.dev/*` annotations.
 */
export function planForSimulation(
  file: SourceFile,
  doc: ParsedDocument,
  facts: WorkspaceFacts,
  config: StagegateConfig,
): PlanForSimulation {
  const docStart = file.lines.offsetAt(doc.range.start);
  const docEnd = file.lines.offsetAt(doc.range.end);
  const syntax = file.findings.filter((finding) => finding.severity === 'error' && inside(file, finding.range, docStart, docEnd));
  if (syntax.length > 0) return { problems: syntax.map((finding) => ({ range: finding.range, message: finding.message })) };
  const value = doc.value;
  const at = (problems: SourceProblem[]) =>
    problems.map((problem) => ({ range: rangeOf(file, doc, problem.path), message: problem.message }));

  if (documentKind(value, file.path) === 'release-plan') {
    const { plan, problems } = readPlan(value);
    return plan ? { plan, problems: at(problems) } : { problems: at(problems) };
  }
  const kind = foreignKind(value, file.path);
  if (isRecord(value) && kind === 'argo-rollout') {
    const { plan, problems } = argoRolloutToPlan(value, templatesFromFacts(facts), adapterSettings(config, value));
    return plan ? { plan, problems: at(problems) } : { problems: at(problems) };
  }
  if (isRecord(value) && kind === 'flagger-canary') {
    const { plan, problems } = flaggerCanaryToPlan(value, adapterSettings(config, value));
    return plan ? { plan, problems: at(problems) } : { problems: at(problems) };
  }
  return {
    problems: [
      {
        range: firstLine(file, doc),
        message: 'Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.',
      },
    ],
  };
}

/** Whether a document can be given to planForSimulation, for CodeLens and commands. */
export function isSimulable(doc: ParsedDocument, path: string): boolean {
  if (documentKind(doc.value, path) === 'release-plan') return true;
  const kind = foreignKind(doc.value, path);
  return kind === 'argo-rollout' || kind === 'flagger-canary';
}

/** The narrowest range for a problem's path: a one-line value itself, otherwise the key of the deepest entry found. */
function rangeOf(file: SourceFile, doc: ParsedDocument, path: Path): Range {
  const located = locate(file, doc, path);
  const singleLine = located.value.start.line === located.value.end.line;
  if (path.length === 0) return firstLine(file, doc);
  return located.depth === path.length && singleLine ? located.value : keyOrValue(located, file.lines);
}

function firstLine(file: SourceFile, doc: ParsedDocument): Range {
  const line = doc.range.start.line;
  return file.lines.range(file.lines.lineStart(line), file.lines.lineEnd(line));
}

function inside(file: SourceFile, range: Range, start: number, end: number): boolean {
  const offset = file.lines.offsetAt(range.start);
  return offset >= start && offset <= end + 1;
}
