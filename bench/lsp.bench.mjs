// The language server on a large workspace: how long an editor waits for diagnostics after one edit, pushed (after
// the server's pause for more typing) and pulled (at once), against the engine's own re-check of the same edit in
// this process. 500 plans and 500 flag files (copies of the example) on disk, as bench/workspace.bench.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { bundleEngine, root } from '../scripts/bundle-engine.mjs';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const json = process.argv.includes('--json');
const edits = process.argv.includes('--quick') ? 4 : 15;
const files = 500;

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'ignore' });
const plan = readFileSync(join(root, 'examples/checkout/checkout.release.yaml'), 'utf8');
const flags = readFileSync(join(root, 'examples/checkout/checkout.flags.yaml'), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'stagegate-lsp-bench-'));
for (let i = 0; i < files; i++) {
  writeFileSync(join(folder, `p${i}.release.yaml`), plan.replace('checkout-2.4', `checkout-${i}`));
  writeFileSync(join(folder, `f${i}.flags.yaml`), flags.replace(/checkout-new-pricing/g, `flag-${i}`));
}
const edited = join(folder, 'p0.release.yaml');
const editedUri = pathToFileURL(edited).href;
const original = readFileSync(edited, 'utf8');
// Every other edit adds an unknown key, so each edit changes the file's diagnostics and the server has news to push.
const textOf = (k) => (k % 2 === 0 ? `${original}extra${k}: 1\n` : original);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (ms) => Math.round(ms * 10) / 10;

/** Starts `stagegate lsp --stdio` on the folder and waits for its first full check. */
async function session(pull) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin', 'stagegate.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let onPublish = () => undefined;
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    if (params.uri === editedUri) onPublish(params);
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.listen();
  const capabilities = pull ? { textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } } : {};
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
    capabilities,
  });
  await connection.sendNotification('initialized', {});
  const status = await connection.sendRequest('stagegate/status', {});
  const firstCheckMs = performance.now() - started;
  let version = 1;
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: editedUri, languageId: 'yaml', version, text: original },
  });
  await connection.sendRequest('stagegate/status', {});

  const change = (k) =>
    connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: editedUri, version: ++version },
      contentChanges: [{ text: textOf(k) }],
    });
  const times = [];
  for (let k = 0; k < edits + 1; k++) {
    const sent = performance.now();
    if (pull) {
      await change(k);
      await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: editedUri } });
    } else {
      const published = new Promise((resolve) => (onPublish = resolve));
      await change(k);
      await published;
    }
    if (k > 0) times.push(performance.now() - sent); // the first edit warms up
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  return { files: status.files.length, firstCheckMs, afterEditMs: median(times) };
}

// The engine alone, in this process: the same files, the same edits.
const { engine } = await bundleEngine('workspace-engine', [
  "export { Workspace } from './src/engine/workspace/workspace';",
  "export { defaultConfig } from './src/engine/config/config';",
]);
const workspace = new engine.Workspace(engine.defaultConfig(new Date().toISOString().slice(0, 10)));
for (let i = 0; i < files; i++) {
  workspace.setFile(join(folder, `p${i}.release.yaml`), readFileSync(join(folder, `p${i}.release.yaml`), 'utf8'));
  workspace.setFile(join(folder, `f${i}.flags.yaml`), readFileSync(join(folder, `f${i}.flags.yaml`), 'utf8'));
}
await workspace.check();
const engineTimes = [];
for (let k = 0; k < edits + 1; k++) {
  workspace.setFile(edited, textOf(k));
  const started = performance.now();
  await workspace.check();
  if (k > 0) engineTimes.push(performance.now() - started);
}

const push = await session(false);
const pull = await session(true);
rmSync(folder, { recursive: true, force: true });

const result = {
  files: push.files,
  engineRecheckMs: round(median(engineTimes)),
  pushAfterEditMs: round(push.afterEditMs),
  pullAfterEditMs: round(pull.afterEditMs),
  serverStartToFirstCheckMs: Math.round(push.firstCheckMs),
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(`language server, workspace of ${result.files} files (medians of ${edits} edits of one plan):`);
  console.log(`  engine re-check in process        ${result.engineRecheckMs} ms`);
  console.log(
    `  pulled diagnostics after an edit  ${result.pullAfterEditMs} ms (${round(result.pullAfterEditMs / result.engineRecheckMs)}× the engine)`,
  );
  console.log(`  pushed diagnostics after an edit  ${result.pushAfterEditMs} ms (includes the server's 200 ms pause for more typing)`);
  console.log(`  server start to first full check  ${result.serverStartToFirstCheckMs} ms`);
}
