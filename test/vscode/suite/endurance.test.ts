// A long edit session in the real VS Code: memory stays flat in the extension host and in the language server, and
// stopping a language client ends its server process.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import * as v8 from 'v8';
import * as vm from 'vm';
import { createLanguageClient } from '../../../src/extension/client';
import { StatusRequest } from '../../../src/shared/protocol';
import { activateExtension, EXTENSION_ID, openDocument, ruleId, waitForDiagnostics, writeFile } from './helpers';

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

  it('1,000 edits of a 200-stage plan: diagnostics stay right and neither heap grows without bound', async () => {
    const api = await activateExtension();
    const uri = await writeFile('endurance/large.release.yaml', largePlan(200));
    const editor = await openDocument(uri);
    await waitForDiagnostics(uri, () => true);
    const serverBefore = (await api.serverStatus({ collectGarbage: true })).heapUsedBytes;
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
    const serverAfter = (await api.serverStatus({ collectGarbage: true })).heapUsedBytes;
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
    const report = `edits: 1000 on a ${editor.document.lineCount}-line plan\nextension host heap before: ${mb(heapBefore)} MB\nextension host heap after: ${mb(heapAfter)} MB\nlanguage server heap before: ${mb(serverBefore)} MB\nlanguage server heap after: ${mb(serverAfter)} MB\nfindings at the end: ${diagnostics.length}\nactivation: ${api.activationMs} ms\n`;
    artifact('endurance.txt', report);
    console.log(report);
    // The extension host is shared with the rest of the suite, so only runaway growth is a failure.
    assert.ok(heapAfter - heapBefore < 50 * 1048576, report);
    assert.ok(serverAfter - serverBefore < 50 * 1048576, report);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  // Panels: "closing the panel disposes it" in simulation.test.ts (one serializer per view type can exist).
  it('stopping a language client ends its server process', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const output = vscode.window.createOutputChannel('Stagegate endurance test', { log: true });
    const client = createLanguageClient(extension.extensionUri, output);
    await client.start();
    const { pid, files } = await client.sendRequest(StatusRequest, {});
    assert.ok(files.length > 0, 'the second server scanned the workspace too');
    assert.ok(isRunning(pid), `server process ${pid} runs`);
    await client.stop();
    await client.dispose();
    const deadline = Date.now() + 10_000;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    output.dispose();
    assert.ok(!isRunning(pid), `server process ${pid} ended`);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
