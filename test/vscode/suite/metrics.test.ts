// "Stagegate: Calibrate from Prometheus" and "Stagegate: Backtest" in the real VS Code, against a real Prometheus
// backfilled with the project's seeded history: the address is asked about once per workspace (the modal's answer is
// given here in the user's place, and counted), the calibration is written through an undoable edit, the backtest
// shows the report page in a webview, a refused address receives nothing, and a credential stored with "Stagegate: Set
// Metrics Credentials" appears nowhere the user can see. Workspace trust is off in the code-server and Electron
// launchers (--disable-workspace-trust), so the untrusted case is tested over LSP and in the unit tests instead.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { MetricsPrompts } from '../../../src/extension/metrics';
import { DEFAULT_HISTORY, generateHistory } from '../../unit/calibrate/history';
import { startPrometheus, type PrometheusServer } from '../../unit/calibrate/prometheus-server';
import { freePort } from '../../unit/helpers';
import { screenshot } from '../screenshot';
import { activateExtension, openDocument, writeFile } from './helpers';

const REPOSITORY = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(REPOSITORY, 'test', 'fixtures');
const SECRET = 'vscode-stored-tenant-5d2a9c';
const FROM = '2025-11-03T00:00Z';
const TO = '2025-11-10T00:00Z';

interface CalibrateOutcome {
  written?: boolean;
  refused?: string;
  error?: string;
  calibration?: { traffic: { requestsPerSecond: number } };
  summary?: string;
}

/** The Stagegate output's log files once they hold `expected` (written asynchronously), joined. */
async function traceLog(expected: string, timeoutMs = 20_000): Promise<string> {
  const folder = path.dirname((await activateExtension()).logFile.fsPath);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    const text = (await Promise.all(names.map((name) => fs.readFile(path.join(folder, name), 'utf8').catch(() => '')))).join('\n');
    if (text.includes(expected)) return text;
    if (Date.now() > deadline) assert.fail(`the Stagegate output in ${folder} (${names.join(', ')}) never showed ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Calibrate from Prometheus and Backtest in the real VS Code', function () {
  this.timeout(120_000);
  let prometheus: PrometheusServer;
  let original: MetricsPrompts;
  const asked: string[] = [];
  const offered: string[] = [];
  let allow = true;

  before(async () => {
    prometheus = await startPrometheus(generateHistory(DEFAULT_HISTORY));
    const api = await activateExtension();
    original = api.metrics.prompts;
    api.metrics.prompts = {
      allowAddress: async ({ address, namedBy }) => {
        asked.push(`${address} named by ${namedBy}`);
        return allow;
      },
      writeCalibration: async (result, target) => {
        offered.push(`${target}\n${result.summary}\n${result.notes.join('\n')}`);
        return offered.length === 1;
      },
    };
  });

  after(async () => {
    (await activateExtension()).metrics.prompts = original;
    await prometheus?.stop();
  });

  it('asks about the address once, calibrates from Prometheus and writes the plan through an undoable edit', async () => {
    const fixture = await fs.readFile(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8');
    const text = fixture.replace('\n  prometheus:\n', `\n  prometheus:\n    url: ${prometheus.url}\n`);
    const uri = await writeFile('metrics/checkout.release.yaml', text);
    // The plan's env:STAGEGATE_TEST_TENANT is not set here: the header comes from VS Code's secret store.
    assert.strictEqual(
      await vscode.commands.executeCommand('stagegate.setMetricsCredentials', prometheus.url, 'X-Scope-OrgID', SECRET),
      true,
    );
    const editor = await openDocument(uri);
    // The client's message trace shows each request's answer, the access answer's headers among them: on when the
    // log level is Trace (set here as "Developer: Set Log Level" would, through VS Code's command for extension tests).
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    await vscode.workspace.getConfiguration('stagegate').update('trace.server', 'verbose', vscode.ConfigurationTarget.Workspace);

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((lens) => lens.command?.title);
    assert.ok(titles.includes('Calibrate from Prometheus') && titles.includes('Backtest'), JSON.stringify(titles));

    const first = await vscode.commands.executeCommand<CalibrateOutcome>('stagegate.calibrate', uri, { from: FROM, to: TO });
    assert.strictEqual(first.error, undefined, first.error);
    assert.strictEqual(first.written, true);
    const port = new URL(prometheus.url).port;
    assert.deepStrictEqual(asked, [`http://127.0.0.1:${port} named by metrics/checkout.release.yaml`]);
    assert.match(
      offered[0],
      /^checkout\.release\.yaml\nCalibrated from http:\/\/127\.0\.0\.1:\d+, 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z/,
    );
    // Written into the open document as an edit the user saves (or undoes); nothing on disk yet.
    const document = editor.document;
    assert.strictEqual(document.isDirty, true);
    assert.match(
      document.getText(),
      /# Calibrated by stagegate calibrate at \S+ from http:\/\/127\.0\.0\.1:\d+, history 2025-11-03T00:00:00Z/,
    );
    assert.strictEqual(parse(document.getText()).traffic.requestsPerSecond, first.calibration?.traffic.requestsPerSecond);
    assert.match(document.getText(), /^# A plan whose traffic and baseline were guessed/);
    assert.strictEqual(await fs.readFile(uri.fsPath, 'utf8'), text);
    await screenshot('calibrated-plan');

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(document.getText(), text, 'one undo takes the calibration back');

    // Again: the address is not asked about a second time; declining the write leaves the plan alone.
    const second = await vscode.commands.executeCommand<CalibrateOutcome>('stagegate.calibrate', uri, { from: FROM, to: TO });
    assert.strictEqual(second.written, false);
    assert.strictEqual(asked.length, 1, 'asked once');
    assert.strictEqual(document.getText(), text);

    // The stored credential was sent (the server needs it) and is shown nowhere: not in the answers, the dialogs, the
    // plan, nor the Stagegate output where the client wrote its trace of the very message that carried it.
    const log = await traceLog('stagegate/metricsAccess');
    await vscode.workspace.getConfiguration('stagegate').update('trace.server', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'info');
    assert.match(log, /\[redacted\]/);
    for (const seen of [JSON.stringify(first), JSON.stringify(second), ...offered, document.getText(), log])
      assert.ok(!seen.includes(SECRET));
  });

  it('shows the backtest in a webview with the report page, under a nonce-only Content Security Policy', async () => {
    const fixture = await fs.readFile(path.join(FIXTURES, 'backtest', 'checkout.release.yaml'), 'utf8');
    const uri = await writeFile(
      'metrics/backtest.release.yaml',
      fixture.replace('metrics:\n', `metrics:\n  prometheus:\n    url: ${prometheus.url}\n`),
    );
    await openDocument(uri);
    const answer = await vscode.commands.executeCommand<{ replays?: number; error?: string }>('stagegate.backtest', uri, {
      from: FROM,
      to: '2025-11-05T00:00Z',
      every: '30m',
    });
    assert.strictEqual(answer.error, undefined, answer.error);
    assert.ok((answer.replays ?? 0) > 0);
    const panels = (await activateExtension()).backtests.open;
    const panel = panels.find((candidate) => candidate.title === 'Backtest: backtest.release.yaml');
    assert.ok(panel, JSON.stringify(panels.map((candidate) => candidate.title)));
    assert.match(panel.html, /renderBacktestReport/);
    assert.match(panel.html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'/);
    assert.ok(!panel.html.includes('unsafe-inline'));
    assert.ok(!panel.html.includes(SECRET));
    assert.strictEqual(asked.length, 1, 'the same address: not asked again');
  });

  it('sends nothing to an address the user refuses, and does not ask again', async () => {
    const requests: string[] = [];
    const unknown = http.createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end('{}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => unknown.listen(port, '127.0.0.1', resolve));
    try {
      const fixture = await fs.readFile(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8');
      const uri = await writeFile(
        'metrics/elsewhere.release.yaml',
        fixture.replace('\n  prometheus:\n', `\n  prometheus:\n    url: http://127.0.0.1:${port}\n`),
      );
      allow = false;
      const before = asked.length;
      for (let run = 0; run < 2; run++) {
        const outcome = await vscode.commands.executeCommand<CalibrateOutcome>('stagegate.calibrate', uri, { from: FROM, to: TO });
        assert.match(outcome.refused ?? '', /is not allowed in this workspace: no query was sent/);
      }
      const replayed = await fs.readFile(path.join(FIXTURES, 'backtest', 'checkout.release.yaml'), 'utf8');
      // Not opened: the server reads it from disk when asked, before any file event.
      const backtestUri = await writeFile(
        'metrics/elsewhere-backtest.release.yaml',
        replayed.replace('metrics:\n', `metrics:\n  prometheus:\n    url: http://127.0.0.1:${port}\n`),
      );
      const backtest = await vscode.commands.executeCommand<{ refused?: string; error?: string }>('stagegate.backtest', backtestUri, {
        from: FROM,
        to: '2025-11-05T00:00Z',
        every: '30m',
      });
      assert.strictEqual(backtest.error, undefined, backtest.error);
      assert.match(backtest.refused ?? '', /is not allowed in this workspace/);
      assert.strictEqual(asked.length - before, 1, 'asked once');
      assert.deepStrictEqual(requests, [], 'no request reached the address');
      // By now the backtest panel beside has drawn its page.
      await screenshot('backtest-panel');
    } finally {
      allow = true;
      await new Promise((resolve) => unknown.close(resolve));
    }
  });
});
