// A plan file as the simulator takes it: parsed, read into the model, with every reason it cannot be replayed
// turned into a Finding at its place in the file.

import type { Finding } from '../finding';
import { readPlan } from '../model/plan';
import { keyOrValue, locate, parseSourceFile, type ParsedDocument, type SourceFile } from '../parse/source-file';
import type { SimulationOptions } from './compile';
import { Simulator } from './simulator';

export interface LoadedPlan {
  simulator?: Simulator;
  /** Errors only: syntax errors, and what keeps the plan from being replayed. */
  findings: Finding[];
}

/** Reads a plan file's text; the first document of kind ReleasePlan (or the first document) is the plan. */
export function loadPlanText(path: string, text: string, options: SimulationOptions = {}): LoadedPlan {
  return loadPlan(parseSourceFile(path, text), options);
}

export function loadPlan(file: SourceFile, options: SimulationOptions = {}): LoadedPlan {
  const syntax = file.findings.filter((finding) => finding.severity === 'error');
  if (syntax.length > 0) return { findings: syntax };
  const document =
    file.documents.find((candidate) => (candidate.value as { kind?: unknown } | null)?.kind === 'ReleasePlan') ?? file.documents[0];
  if (!document)
    return {
      findings: [{ ruleId: 'plan-not-simulable', severity: 'error', message: 'The file is empty.', range: file.lines.range(0, 0) }],
    };

  const { plan, problems } = readPlan(document.value);
  if (!plan) return { findings: problems.map((problem) => finding(file, document, 'plan-not-simulable', problem.path, problem.message)) };
  const { simulator, problems: simulationProblems } = Simulator.create(plan, options);
  if (!simulator)
    return { findings: simulationProblems.map((problem) => finding(file, document, problem.ruleId, problem.path, problem.message)) };
  return { simulator, findings: [] };
}

function finding(file: SourceFile, document: ParsedDocument, ruleId: string, path: (string | number)[], message: string): Finding {
  const located = locate(file, document, path);
  // A one-line value is marked itself; a block (a dimension's shares) or a path that leads nowhere (a missing
  // `traffic:`) at the key of the deepest entry that exists.
  const singleLine = located.value.start.line === located.value.end.line;
  const range = located.depth === path.length && singleLine ? located.value : keyOrValue(located, file.lines);
  return { ruleId, severity: 'error', message, range };
}
