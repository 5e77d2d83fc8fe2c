// CodeLens on release plans: "Simulate" and "Scenario matrix" on the plan, and after a simulation, on each
// stage, what that stage caught.

import * as vscode from 'vscode';
import { documentKind } from '../engine/formats/recognise';
import { isSimulable } from '../engine/workspace/simulation';
import { locate } from '../engine/parse/source-file';
import type { SimulationReport } from '../engine/simulate/result';
import { toRange } from './convert';
import type { SimulationResults } from './simulation-panel';
import type { WorkspaceIndex } from './workspace-index';

export class PlanCodeLens implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly results: SimulationResults,
  ) {
    this.onDidChangeCodeLenses = results.onDidChange;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const path = document.uri.fsPath;
    if (!this.index.accepts(document.uri, document.getText())) return [];
    this.index.workspace.setFile(path, document.getText());
    const source = this.index.workspace.source(path);
    if (!source) return [];
    const lenses: vscode.CodeLens[] = [];
    const report = this.results.get(path);
    for (const doc of source.documents) {
      if (!isSimulable(doc, path)) continue;
      const head = toRange(locate(source, doc, ['kind']).value);
      lenses.push(
        new vscode.CodeLens(head, {
          title: '$(play) Simulate',
          command: 'stagegate.simulate',
          arguments: [document.uri],
          tooltip: "Replay a failure through this plan's gates",
        }),
        new vscode.CodeLens(head, {
          title: 'Scenario matrix',
          command: 'stagegate.scenarioMatrix',
          arguments: [document.uri],
          tooltip: 'Run every failure scenario many times',
        }),
      );
      const stages = (doc.value as { stages?: unknown[] } | null)?.stages;
      if (!report || documentKind(doc.value, path) !== 'release-plan' || !Array.isArray(stages)) continue;
      stages.forEach((stage, index) => {
        const name = (stage as { name?: unknown } | null)?.name;
        if (typeof name !== 'string') return;
        const title = stageSummary(report, name);
        if (title)
          lenses.push(
            new vscode.CodeLens(toRange(locate(source, doc, ['stages', index, 'name']).value), {
              title,
              command: 'stagegate.simulate',
              arguments: [document.uri],
            }),
          );
      });
    }
    return lenses;
  }
}

/** "catches error-spike 74%, segment-outage 100% · false rollbacks 1%", from the matrix or the last summary. */
export function stageSummary(report: SimulationReport, stage: string): string | undefined {
  const summaries = report.matrix?.scenarios ?? (report.summary ? [report.summary] : []);
  if (summaries.length === 0) {
    const detection = report.run.detection;
    return detection?.stage === stage
      ? `caught ${report.run.scenario} at minute ${detection.minute} (${report.run.blastRadius.failedRequests.toLocaleString('en-US')} failed requests)`
      : undefined;
  }
  const caught = summaries
    .filter((summary) => summary.newVersionAtFault && (summary.detectionByStage[stage] ?? 0) > 0)
    .sort((a, b) => b.detectionByStage[stage] - a.detectionByStage[stage])
    .map((summary) => `${summary.scenario} ${percent(summary.detectionByStage[stage])}`);
  // Stops where the new version was not at fault (healthy, a dependency failing for both) are false rollbacks.
  const falseRollbacks = Math.max(
    0,
    ...summaries.filter((summary) => !summary.newVersionAtFault).map((summary) => summary.detectionByStage[stage] ?? 0),
  );
  const parts = [];
  if (caught.length)
    parts.push(`catches ${caught.slice(0, 3).join(', ')}${caught.length > 3 ? ` and ${caught.length - 3} more` : ''} of runs`);
  if (falseRollbacks > 0) parts.push(`false rollbacks ${percent(falseRollbacks)}`);
  return parts.length ? parts.join(' · ') : 'catches nothing in the simulation';
}

function percent(value: number): string {
  return `${Number((value * 100).toFixed(value < 0.1 ? 1 : 0))}%`;
}
