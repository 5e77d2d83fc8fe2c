// A long edit session in the real VS Code: memory stays flat, and every listener, watcher and panel the
// extension's parts create goes away when they are disposed.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DiagnosticsController } from '../../../src/extension/diagnostics';
import * as v8 from 'v8';
import * as vm from 'vm';
import { WorkspaceIndex } from '../../../src/extension/workspace-index';
import { activateExtension, openDocument, ruleId, waitForDiagnostics, writeFile } from './helpers';

/** A plan with `stages` stages, each one gate short of clean so every edit keeps findings flowing. */
function largePlan(stages: number): string {
  const lines = [
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: large, service: s, owner: o }',
    'traffic: { requestsPerSecond: 5000 }',
    'baseline: { errorRate: 0.002, latencyP95Ms: 180 }',
    'rollback: { automatic: true }',
    'stages:',
  ];
  for (let i = 0; i < stages; i++)
    lines.push(
      `  - name: stage-${i}`,
      `    weight: ${Math.min(100, 1 + i)}`,
      '    duration: 1h',
      '    interval: 30m',
      '    gates:',
      '      - { metric: errorRate, maxIncrease: 100% }',
      '      - { metric: latencyP95Ms, maxIncrease: 25% }',
    );
  return lines.join('\n') + '\n';
}

/** A full garbage collection, so heap figures measure what is retained rather than what is not yet collected. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function artifact(name: string, text: string): void {
  const dir = process.env.STAGEGATE_ARTIFACTS;
  if (dir) fs.writeFileSync(path.join(dir, name), text);
}

describe('a long edit session in the real VS Code', function () {
  this.timeout(300_000);

  it('1,000 edits of a 200-stage plan: diagnostics stay right and the heap does not grow without bound', async () => {
    const api = await activateExtension();
    const uri = await writeFile('endurance/large.release.yaml', largePlan(200));
    const editor = await openDocument(uri);
    await waitForDiagnostics(uri, () => true);
    await api.diagnostics.checkNow();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const line = editor.document.lineAt(3);
    for (let i = 0; i < 1000; i++) {
      // Alternate typing and deleting a character in a comment-free spot: the text ends where it started.
      const ok = await editor.edit((builder) =>
        i % 2 === 0
          ? builder.insert(line.range.end, ' ')
          : builder.delete(new vscode.Range(3, line.range.end.character, 3, line.range.end.character + 1)),
      );
      assert.ok(ok);
    }
    // One breaking edit at the end: its diagnostic must arrive, proving the checks kept up.
    await editor.edit((builder) =>
      builder.replace(new vscode.Range(7, 0, 7, editor.document.lineAt(7).text.length), '  - name: stage-0  '),
    );
    await editor.edit((builder) => builder.insert(new vscode.Position(8, 0), '    weight: 250\n'));
    const diagnostics = await waitForDiagnostics(uri, (list) =>
      list.some((diagnostic) => diagnostic.message.includes('must be at most 100') || ruleId(diagnostic) === 'duplicate-key'),
    );
    await api.diagnostics.checkNow();
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const report = `edits: 1000 on a ${editor.document.lineCount}-line plan\nheap before: ${(heapBefore / 1048576).toFixed(1)} MB\nheap after: ${(heapAfter / 1048576).toFixed(1)} MB\nfindings at the end: ${diagnostics.length}\nactivation: ${api.activationMs} ms\n`;
    artifact('endurance.txt', report);
    console.log(report);
    // The extension host is shared with the rest of the suite, so only runaway growth is a failure.
    assert.ok(heapAfter - heapBefore < 50 * 1048576, report);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  // Panels: "closing the panel disposes it" in simulation.test.ts (one serializer per view type can exist).
  it("disposing the extension's parts removes their listeners and watchers", async () => {
    const log = vscode.window.createOutputChannel('Stagegate endurance test');
    const index = new WorkspaceIndex(log);
    const diagnostics = new DiagnosticsController(index, log);
    await index.initialise();
    let checks = 0;
    const original = index.workspace.check.bind(index.workspace);
    index.workspace.check = (paths?: string[]) => {
      checks++;
      return original(paths);
    };
    const uri = await writeFile('endurance/watched.flags.yaml', 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags: {}\n');
    await new Promise<void>((resolve) => diagnostics.onDidCheck(() => resolve()));
    assert.ok(checks > 0, 'the watcher saw the new file and a check ran');

    diagnostics.dispose();
    index.dispose();
    log.dispose();
    const before = checks;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags: { a: {} }\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await document.save();
    // Let the (disposed) watcher and debounce window pass: the real extension's own check is the witness that
    // events were delivered, and the disposed copy must not have reacted to them.
    const api = await activateExtension();
    await api.diagnostics.checkNow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.strictEqual(checks, before, 'no check after dispose');
  });
});
