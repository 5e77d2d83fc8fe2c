import * as assert from 'assert';
import * as vscode from 'vscode';
import { screenshot } from '../screenshot';
import { activateExtension, openDocument, workspaceUri, writeFile } from './helpers';

interface RenderInfo {
  charts: number;
  blankCanvases: number;
  matrixScenarios: string[];
}

const PLAN = () => workspaceUri('examples', 'checkout', 'checkout.release.yaml');

describe('the simulator in the real VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('a plan shows Simulate and Scenario matrix CodeLenses', async () => {
    await openDocument(PLAN());
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', PLAN());
    const titles = lenses.map((lens) => lens.command?.title ?? '');
    assert.ok(titles.includes('$(play) Simulate'), titles.join(' | '));
    assert.ok(titles.includes('Scenario matrix'));
  });

  it('Simulate opens the webview, whose charts draw (no blank canvas)', async () => {
    const api = await activateExtension();
    await openDocument(PLAN());
    const info = await vscode.commands.executeCommand<RenderInfo>('stagegate.simulate', PLAN(), {
      scenario: 'segment-outage',
      seed: 3,
      runs: 50,
    });
    assert.strictEqual(api.simulations.openCount, 1);
    assert.ok(info.charts >= 3, `charts drawn: ${info.charts}`);
    assert.strictEqual(info.blankCanvases, 0);
    const report = api.results.get(PLAN().fsPath);
    assert.strictEqual(report?.run.scenario, 'segment-outage');
    assert.strictEqual(report?.run.seed, 3);
  });

  it('the scenario matrix shows every scenario and puts what each stage caught on its CodeLens', async () => {
    const api = await activateExtension();
    const info = await vscode.commands.executeCommand<RenderInfo>('stagegate.scenarioMatrix', PLAN(), { runs: 100 });
    const report = api.results.get(PLAN().fsPath)!;
    const expected = report.matrix!.scenarios.map((summary) => summary.scenario);
    assert.deepStrictEqual(info.matrixScenarios, expected);
    for (const kind of ['healthy', 'error-spike', 'latency-regression', 'kpi-drop', 'segment-outage', 'slow-burn', 'dependency-outage'])
      assert.ok(expected.includes(kind), `${kind} in the matrix`);
    assert.strictEqual(info.blankCanvases, 0);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', PLAN());
    const stageTitles = lenses.map((lens) => lens.command?.title ?? '').filter((title) => title.startsWith('catches'));
    assert.ok(
      stageTitles.some((title) => /catches .*error-spike \d+(\.\d)?%/.test(title)),
      stageTitles.join(' | '),
    );
  });

  it('screenshots of the workbench with the simulation open, in dark and light themes', async () => {
    const config = vscode.workspace.getConfiguration('workbench');
    const saved = config.get('colorTheme');
    const shots: (string | undefined)[] = [];
    try {
      for (const theme of ['Default Dark Modern', 'Default Light Modern']) {
        await config.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        // Draw again under the new theme and wait for the page to say so.
        await vscode.commands.executeCommand<RenderInfo>('stagegate.scenarioMatrix', PLAN(), { runs: 100 });
        shots.push(await screenshot(`simulation-${theme.includes('Dark') ? 'dark' : 'light'}`));
      }
    } finally {
      await config.update('colorTheme', saved, vscode.ConfigurationTarget.Global);
    }
    // Under @vscode/test-electron nobody answers screenshot requests; under code-server both exist.
    if (process.env.STAGEGATE_SCREENSHOT_REQUESTS)
      assert.ok(
        shots.every((shot) => shot !== undefined),
        `screenshots: ${shots.join(', ')}`,
      );
  });

  it('closing the panel disposes it', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(api.simulations.openCount, 0);
  });

  it('Simulate on a plan that cannot be replayed ends instead of waiting forever', async () => {
    const uri = await writeFile(
      'simulate/notraffic.release.yaml',
      'apiVersion: stagegate.dev/v1\nkind: ReleasePlan\nmetadata: { name: a, service: b, owner: c }\nstages:\n  - name: s\n    weight: 1\n    duration: 1h\n',
    );
    await openDocument(uri);
    const info = await vscode.commands.executeCommand('stagegate.simulate', uri);
    assert.strictEqual(info, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
