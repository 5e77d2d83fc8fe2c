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
import { DEFAULT_BASELINE, readPlan, type ReleasePlan } from '../model/plan';
import { isBlocking, locate, rangeForPath, type ParsedDocument, type Path, type SourceFile } from '../parse/source-file';
import type { SimulationOptions } from '../simulate/compile';
import { Simulator } from '../simulate/simulator';
import { isRecord } from '../values';
import { ruleMeta } from '../catalogue';
import type { Workspace } from './workspace';

export interface LoadOptions extends SimulationOptions {
  /** How the results' notes name the file (`check` names it the same way); default: the path given. */
  file?: string;
}

export interface LoadedSimulation {
  simulator?: Simulator;
  /** Why the file cannot be replayed (errors). */
  findings: Finding[];
  /** What a conversion assumed or left out (info): say it next to the results. The simulator's results carry them. */
  notes: Finding[];
  /**
   * Errors of the schema family (`check` reports them) in the simulated document: the plan replayed is only what
   * could be read of it. The simulator's results carry them as notes; the CLI refuses to run without `--force`.
   */
  schemaErrors: Finding[];
}

export interface PlanOfDocument {
  /**
   * The plan to replay, when the document can be simulated. With a plan, `problems` are what the conversion assumed
   * or left out (a manual pause replayed as a wait, an opaque metric that is not a gate); without one, they are why
   * it cannot be simulated.
   */
  plan?: ReleasePlan;
  problems: { range: Range; message: string }[];
  /** With a plan: where in the document a path into the plan (`['stages', 1, 'gates', 0]`) comes from. */
  locate?(planPath: Path): Range;
}

/** Where notes about a whole Rollout or Canary go, as the adapters place theirs. */
const RESOURCE_NAME: Path = ['metadata', 'name'];

/** Whether a document can be simulated: a release plan, an Argo Rollout or a Flagger Canary (for CodeLens, commands). */
export function isSimulable(doc: ParsedDocument, path: string, declared?: DocumentKind): boolean {
  return isRolloutKind(documentKind(doc.value, path, declared));
}

/** The simulator of a file of the workspace: its first release plan, else its first Rollout or Canary. */
export async function loadSimulation(workspace: Workspace, path: string, options: LoadOptions = {}): Promise<LoadedSimulation> {
  const { file: shownAs = path, ...simulationOptions } = options;
  const source = workspace.source(path);
  const nothing = (
    message: string,
    range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  ): LoadedSimulation => ({
    findings: [{ ruleId: 'plan-not-simulable', severity: 'error', message, range }],
    notes: [],
    schemaErrors: [],
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
    if (blocking.length > 0) return { findings: blocking, notes: [], schemaErrors: [] };
    return nothing(
      source.documents.length === 0
        ? 'The file is empty.'
        : 'Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.',
      source.documents[0]?.range,
    );
  }
  const blocking = parseErrors(source, doc);
  if (blocking.length > 0) return { findings: blocking, notes: [], schemaErrors: [] };
  const { plan, problems, locate: placeInDocument } = planOfDocument(source, doc, await workspace.facts(), workspace.config);
  const asFindings = (severity: 'error' | 'info', ruleId: string): Finding[] =>
    problems.map(({ range, message }) => ({ ruleId, severity, message, range }));
  if (!plan) return { findings: asFindings('error', 'plan-not-simulable'), notes: [], schemaErrors: [] };
  // Where the plan's traffic and baseline come from when the file does not say: assumptions too.
  const native = documentKind(doc.value, path, source.declared) === 'release-plan';
  const defaults = native ? defaultBaselineNotes(doc.value) : configuredNotes(workspace.config, doc.value);
  const notes = [
    ...asFindings('info', 'simulation-assumption'),
    ...defaults.map(({ path: at, message }): Finding => ({
      ruleId: 'simulation-assumption',
      severity: 'info',
      message,
      // A plan's on the section's key, as baseline-missing; a resource's where its adapter puts notes about it.
      range: (native ? locate(source, doc, at).key : undefined) ?? rangeForPath(source, doc, at),
    })),
  ];
  const schemaErrors = await schemaErrorsIn(workspace, path, doc);
  const created = Simulator.create(plan, simulationOptions, {
    file: shownAs,
    locate: placeInDocument ?? ((at) => rangeForPath(source, doc, at)),
    notes: [...notes, ...schemaErrors],
  });
  if (!created.simulator) {
    const findings = created.problems.map(({ ruleId, path: at, message }): Finding => ({
      ruleId,
      severity: 'error',
      message,
      range: rangeForPath(source, doc, at),
    }));
    return { findings, notes: [], schemaErrors };
  }
  return { simulator: created.simulator, findings: [], notes, schemaErrors };
}

/** The errors `check` gives the document for rules of the schema family (severities as configured). */
async function schemaErrorsIn(workspace: Workspace, path: string, doc: ParsedDocument): Promise<Finding[]> {
  const [report] = await workspace.check([path]);
  const within = (finding: Finding) =>
    comparePositions(finding.range.start, doc.range.start) >= 0 && comparePositions(finding.range.start, doc.range.end) <= 0;
  return (report?.findings ?? []).filter(
    (finding) => finding.severity === 'error' && ruleMeta(finding.ruleId)?.family === 'schema' && within(finding),
  );
}

function comparePositions(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
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
    const {
      plan,
      problems,
      stageSources = [],
    } = kind === 'argo-rollout'
      ? argoRolloutToPlan(doc.value, templatesFromFacts(facts, doc.value, file.path), settings)
      : flaggerCanaryToPlan(doc.value, settings);
    if (!plan) return { problems: at(problems) };
    // A path into the converted plan is placed where its stage comes from; anything else at the resource's name.
    const sourcePath = (planPath: Path): Path =>
      planPath[0] === 'stages' && typeof planPath[1] === 'number' ? (stageSources[planPath[1]] ?? RESOURCE_NAME) : RESOURCE_NAME;
    return { plan, problems: at(problems), locate: (planPath) => rangeForPath(file, doc, sourcePath(planPath)) };
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

/** A native plan without (part of) its baseline is replayed with the defaults: say so where baseline-missing would. */
function defaultBaselineNotes(value: unknown): SourceProblem[] {
  const plan = isRecord(value) ? value : {};
  const percent = `${DEFAULT_BASELINE.errorRate * 100}%`;
  if (!isRecord(plan.baseline))
    return [
      {
        path: ['stages'],
        message: `No baseline given: the current version is simulated with the defaults, ${percent} errors and a p95 of ${DEFAULT_BASELINE.latencyP95Ms} ms. Declare its real values under baseline.`,
      },
    ];
  const notes: SourceProblem[] = [];
  if (plan.baseline.errorRate === undefined)
    notes.push({
      path: ['baseline'],
      message: `baseline.errorRate is not given: the current version is simulated with ${percent} errors (the default).`,
    });
  if (plan.baseline.latencyP95Ms === undefined)
    notes.push({
      path: ['baseline'],
      message: `baseline.latencyP95Ms is not given: the current version is simulated with a p95 of ${DEFAULT_BASELINE.latencyP95Ms} ms (the default).`,
    });
  return notes;
}

/**
 * A Rollout or Canary says nothing of its traffic or of the current version's health: values taken from
 * `.stagegate.yaml` (shared by every resource without its own annotations) are assumptions about this one.
 */
function configuredNotes(config: StagegateConfig, resource: unknown): SourceProblem[] {
  if (!isRecord(resource)) return [];
  const at = RESOURCE_NAME;
  const used = adapterSettings(config, resource);
  // The same resource without the configuration's simulation section: what its annotations give on their own.
  const annotated = adapterSettings({ ...config, simulation: undefined }, resource);
  const fromConfig = (section: 'traffic' | 'baseline', key: string): unknown => {
    const given = used[section]?.[key];
    return given !== undefined && annotated[section]?.[key] === undefined ? given : undefined;
  };
  const notes: SourceProblem[] = [];
  const requestsPerSecond = fromConfig('traffic', 'requestsPerSecond');
  if (requestsPerSecond !== undefined)
    notes.push({
      path: at,
      message: `Traffic: ${String(requestsPerSecond)} requests per second, from simulation.traffic in .stagegate.yaml (no stagegate.dev/requests-per-second annotation on this resource).`,
    });
  const baseline = ['errorRate', 'latencyP95Ms']
    .map((key) => [key, fromConfig('baseline', key)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${String(value)}`);
  // Gauges have no annotation: declared under simulation.baseline.gauges, they are the configuration's.
  const gauges = used.baseline?.gauges;
  if (typeof gauges === 'object' && gauges !== null && !Array.isArray(gauges))
    for (const [name, value] of Object.entries(gauges)) if (typeof value === 'number') baseline.push(`gauge:${name} ${String(value)}`);
  if (baseline.length > 0)
    notes.push({
      path: at,
      message: `Baseline: ${baseline.join(', ')}, from simulation.baseline in .stagegate.yaml (no stagegate.dev/baseline-* annotation on this resource).`,
    });
  return notes;
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
