import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, hasRule, openDocument, waitForDiagnostics, writeFile } from './helpers';

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      interval: 5m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus:9090
          query: sum(rate(http_requests_total{code!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`;

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: payments
  annotations:
    stagegate.dev/requests-per-second: "400"
    stagegate.dev/baseline-error-rate: "0.002"
    stagegate.dev/baseline-latency-p95-ms: "150"
spec:
  strategy:
    canary:
      analysis:
        templates:
          - templateName: success-rate
      steps:
        - setWeight: 5
        - pause: { duration: 30m }
        - setWeight: 50
        - pause: { duration: 1h }
        - setWeight: 30
`;

describe('Argo Rollouts in the real VS Code', () => {
  it('a Rollout gets its own diagnostics, a Simulate CodeLens, and simulates', async () => {
    await activateExtension();
    await writeFile('argo/templates.yaml', TEMPLATE);
    const rollout = await writeFile('argo/rollout.yaml', ROLLOUT);
    await openDocument(rollout);
    await waitForDiagnostics(rollout, hasRule('stage-weights-not-increasing'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rollout);
    assert.ok(
      lenses.some((lens) => lens.command?.title === '$(play) Simulate'),
      lenses.map((lens) => lens.command?.title).join(' | '),
    );
    const info = await vscode.commands.executeCommand<{ charts: number; blankCanvases: number }>('stagegate.simulate', rollout, {
      scenario: 'error-spike',
      runs: 20,
    });
    assert.ok(info.charts >= 3);
    assert.strictEqual(info.blankCanvases, 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
