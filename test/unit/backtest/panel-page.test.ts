// The editor's backtest panel page (what the webview is given), opened offline in Chromium with a real backtest's
// answer: every script runs under the nonce-only Content Security Policy (a refused script or style would leave the
// report undrawn and say so in the console), the charts are painted, and nothing is requested from the network.

import * as assert from 'assert';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { runBacktest } from '../../../src/cli/backtest-command';
import type { BacktestReport } from '../../../src/engine/backtest/replay';
import { backtestPanelHtml } from '../../../src/extension/webview-html';
import type { ReportAssets } from '../../../src/report/html';
import { DEFAULT_HISTORY, generateHistory } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';
import { launchChromium } from '../chromium';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { buildReportAssets } from '../simulate/helpers';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'backtest-panel');

describe('the backtest panel page', function () {
  this.timeout(120_000);
  let server: PrometheusServer;
  let browser: Browser;
  let assets: ReportAssets;

  before(async () => {
    assets = buildReportAssets();
    server = await startPrometheus(generateHistory({ ...DEFAULT_HISTORY, days: 2 }));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('draws the backtest under its nonce alone, with no inline allowance and no request', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runBacktest(
      [
        path.join(FIXTURES, 'backtest', 'checkout.release.yaml'),
        ...['--prometheus', server.url, '--from', '2025-11-03T00:00Z', '--to', '2025-11-05T00:00Z', '--every', '30m', '--format', 'json'],
      ],
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: FIXTURES },
    );
    assert.strictEqual(code, 0, stderr);
    const report = JSON.parse(stdout) as BacktestReport;
    const html = backtestPanelHtml(report, assets, 'bm9uY2UtZm9yLXRlc3Q=');
    assert.ok(!html.includes('unsafe-inline'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'panel.html');
    writeFileSync(file, html);

    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('#stagegate-report[data-rendered="true"]', { timeout: 10000 });
    const painted = await page.$$eval('canvas', (elements) =>
      elements.map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
        return count;
      }),
    );
    const theme = await page.$eval('#stagegate-report', (element) => element.className);
    await page.screenshot({ path: path.join(ARTIFACTS, 'panel.png'), fullPage: true });
    await page.close();
    assert.deepStrictEqual(problems, []);
    assert.ok(painted.length > 0 && painted.every((count) => count > 0), JSON.stringify(painted));
    assert.strictEqual(theme, 'sg-report sg-vscode');
  });
});
