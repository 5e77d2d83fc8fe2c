// The simulator for any file that describes a rollout: a release plan, or an Argo Rollout or Flagger Canary
// converted by its adapter (with the workspace's AnalysisTemplates and configuration). The one way every face loads
// a simulation; each reason it cannot is a finding at its place in the file.

import { argoRolloutToPlan } from '../adapters/argo/argo-to-plan';
import { templatesFromFacts } from '../adapters/argo/rollout-view';
import { flaggerCanaryToPlan } from '../adapters/flagger/flagger-to-plan';
import { adapterSettings } from '../adapters/settings';
import type { SourceProblem } from '../adapters/to-plan';
import type { StagegateConfig } from '../config/config';
import type { Finding, Range } from '../finding';
import { documentKind, helmAction, isRolloutKind, type DocumentKind } from '../formats/recognise';
import type { WorkspaceFacts } from '../model/facts';
import { readPlan, type ReleasePlan } from '../model/plan';
import { isBlocking, rangeForPath, type ParsedDocument, type SourceFile } from '../parse/source-file';
import type { SimulationOptions } from '../simulate/compile';
import { Simulator } from '../simulate/simulator';
import { isRecord } from '../values';
import type { Workspace } from './workspace';

export interface LoadedSimulation {
  simulator?: Simulator;
  /** Why the file cannot be replayed (errors). */
  findings: Finding[];
  /** What a conversion assumed or left out (info): say it next to the results. */
  notes: Finding[];
}

export interface PlanOfDocument {
  /**
   * The plan to replay, when the document can be simulated. With a plan, `problems` are what the conversion assumed
   * or left out (a manual pause replayed as a wait, an opaque metric that is not a gate); without one, they are why
   * it cannot be simulated.
   */
  plan?: ReleasePlan;
  problems: { range: Range; message: string }[];
}

/** Whether a document can be simulated: a release plan, an Argo Rollout or a Flagger Canary (for CodeLens, commands). */
export function isSimulable(doc: ParsedDocument, path: string, declared?: DocumentKind): boolean {
  return isRolloutKind(documentKind(doc.value, path, declared));
}

/** The simulator of a file of the workspace: its first release plan, else its first Rollout or Canary. */
export async function loadSimulation(workspace: Workspace, path: string, options: SimulationOptions = {}): Promise<LoadedSimulation> {
  const source = workspace.source(path);
  const nothing = (
    message: string,
    range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  ): LoadedSimulation => ({
    findings: [{ ruleId: 'plan-not-simulable', severity: 'error', message, range }],
    notes: [],
  });
  if (!source) return nothing('This file is not a release plan, an Argo Rollout or a Flagger Canary.');
  // A chart template is not the manifest as applied: its values are Helm's to fill in, and reading it as YAML
  // would replay a guess (or report the template syntax as YAML errors).
  const helm = helmAction(source.text);
  if (helm) {
    const range = source.lines.range(helm.offset, helm.offset + helm.text.length);
    return nothing(
      `This file is a Helm chart template (${helm.text.length > 60 ? `${helm.text.slice(0, 57)}…` : helm.text} on line ${range.start.line + 1}), not a manifest as applied: Stagegate cannot know the values Helm fills in. Render it first, for example \`helm template my-release ./chart --show-only ${chartTemplatePath(path)} > rendered.yaml\`, and simulate the rendered file.`,
      range,
    );
  }
  const doc =
    source.documents.find((candidate) => documentKind(candidate.value, path, source.declared) === 'release-plan') ??
    source.documents.find((candidate) => isSimulable(candidate, path, source.declared));
  if (!doc) {
    const blocking = parseErrors(source);
    if (blocking.length > 0) return { findings: blocking, notes: [] };
    return nothing(
      source.documents.length === 0
        ? 'The file is empty.'
        : 'Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.',
      source.documents[0]?.range,
    );
  }
  const blocking = parseErrors(source, doc);
  if (blocking.length > 0) return { findings: blocking, notes: [] };
  const { plan, problems } = planOfDocument(source, doc, await workspace.facts(), workspace.config);
  const asFindings = (severity: 'error' | 'info', ruleId: string): Finding[] =>
    problems.map(({ range, message }) => ({ ruleId, severity, message, range }));
  if (!plan) return { findings: asFindings('error', 'plan-not-simulable'), notes: [] };
  const created = Simulator.create(plan, options);
  if (!created.simulator) {
    const findings = created.problems.map(({ ruleId, path: at, message }): Finding => ({
      ruleId,
      severity: 'error',
      message,
      range: rangeForPath(source, doc, at),
    }));
    return { findings, notes: [] };
  }
  return { simulator: created.simulator, findings: [], notes: asFindings('info', 'simulation-assumption') };
}

/**
 * The ReleasePlan of one document, whatever its format: a release plan (read by readPlan), an Argo Rollout with a
 * canary strategy (its AnalysisTemplates from `facts.resources`) or a Flagger Canary. Traffic and baseline of
 * converted resources come from `config.simulation` and the resource's `stagegate.dev/*` annotations.
 */
export function planOfDocument(file: SourceFile, doc: ParsedDocument, facts: WorkspaceFacts, config: StagegateConfig): PlanOfDocument {
  const at = (problems: SourceProblem[]) =>
    problems.map((problem) => ({ range: rangeForPath(file, doc, problem.path), message: problem.message }));
  const kind = documentKind(doc.value, file.path, file.declared);
  if (kind === 'release-plan') {
    const { plan, problems } = readPlan(doc.value);
    return plan ? { plan, problems: at(problems) } : { problems: at(problems) };
  }
  if (isRecord(doc.value) && (kind === 'argo-rollout' || kind === 'flagger-canary')) {
    const settings = adapterSettings(config, doc.value);
    const { plan, problems } =
      kind === 'argo-rollout'
        ? argoRolloutToPlan(doc.value, templatesFromFacts(facts, doc.value, file.path), settings)
        : flaggerCanaryToPlan(doc.value, settings);
    return plan ? { plan, problems: at(problems) } : { problems: at(problems) };
  }
  return {
    problems: at([
      { path: [], message: 'Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.' },
    ]),
  };
}

/** A template's path as `helm template --show-only` names it: from the chart's `templates/` folder on. */
function chartTemplatePath(path: string): string {
  const parts = path.split(/[\\/]/);
  const templates = parts.lastIndexOf('templates');
  return templates >= 0 && templates < parts.length - 1 ? parts.slice(templates).join('/') : `templates/${parts[parts.length - 1]}`;
}

/** The parser's errors in the file, or within one document of it: a repaired document is not replayed. */
function parseErrors(file: SourceFile, doc?: ParsedDocument): Finding[] {
  const start = doc ? file.lines.offsetAt(doc.range.start) : 0;
  const end = doc ? file.lines.offsetAt(doc.range.end) : file.text.length;
  return file.problems
    .filter((problem) => isBlocking(problem))
    .filter((problem) => {
      const offset = file.lines.offsetAt(problem.range.start);
      return offset >= start && offset <= end + 1;
    })
    .map(({ kind, message, range }) => ({ ruleId: kind, severity: 'error', message, range }));
}
