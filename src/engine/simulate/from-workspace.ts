// The simulator for any file that describes a rollout: a native release plan, or an Argo Rollout or Flagger
// Canary converted through its adapter (which needs the workspace, for AnalysisTemplates and configuration).

import type { Finding } from '../finding';
import type { Workspace } from '../check/workspace';
import { isSimulable, planForSimulation } from '../adapters/index';
import { documentKind } from '../formats/recognise';
import { loadPlan } from './input';
import { Simulator } from './simulator';

export interface LoadedSimulation {
  simulator?: Simulator;
  /** Why the file cannot be replayed (errors). */
  findings: Finding[];
  /** What a conversion assumed or left out (info): say it next to the results. */
  notes: Finding[];
}

export async function loadSimulation(workspace: Workspace, path: string): Promise<LoadedSimulation> {
  const source = workspace.source(path);
  if (!source)
    return {
      findings: [
        {
          ruleId: 'plan-not-simulable',
          severity: 'error',
          message: 'This file is not a release plan, an Argo Rollout or a Flagger Canary.',
          range: zero(),
        },
      ],
      notes: [],
    };
  if (source.documents.some((doc) => documentKind(doc.value, path) === 'release-plan')) return { ...loadPlan(source), notes: [] };
  const doc = source.documents.find((candidate) => isSimulable(candidate, path));
  if (!doc)
    return {
      findings: [
        {
          ruleId: 'plan-not-simulable',
          severity: 'error',
          message: 'Only release plans, Argo Rollouts with a canary strategy and Flagger Canaries can be simulated.',
          range: source.documents[0]?.range ?? zero(),
        },
      ],
      notes: [],
    };
  const { plan, problems } = planForSimulation(source, doc, await workspace.facts(), workspace.config);
  const asFindings = (severity: 'error' | 'info', ruleId: string) =>
    problems.map((problem) => ({ ruleId, severity, message: problem.message, range: problem.range }));
  if (!plan) return { findings: asFindings('error', 'plan-not-simulable'), notes: [] };
  const created = Simulator.create(plan);
  if (!created.simulator)
    return {
      findings: created.problems.map((problem) => ({
        ruleId: problem.ruleId,
        severity: 'error' as const,
        message: problem.message,
        range: doc.range,
      })),
      notes: [],
    };
  return { simulator: created.simulator, findings: [], notes: asFindings('info', 'simulation-assumption') };
}

function zero() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
