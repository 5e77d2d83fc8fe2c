// The simulation webview's page alone in Chromium, with a stand-in for the VS Code host API: fast checks of
// its message handling. The real-VS-Code suite proves it works inside the editor.

import * as assert from 'assert';
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { buildReport } from '../../src/engine/simulate';
import { loadNotGatedRollout, loadPlanText } from './simulate/helpers';
import { simulationHtml } from '../../src/extension/webview-html';
import { parseWebviewMessage } from '../../webview/messages';
import { REPO_ROOT } from './helpers';

// Page-side callbacks run in the browser, where `window` exists.
declare const window: any;

/** Records what the page posts, and keeps its state, like VS Code's webview API. */
const HOST_STUB = `
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(message),
    getState: () => window.__state,
    setState: (state) => { window.__state = state; },
  });
`;

describe('the simulation webview page, alone in Chromium', function () {
  this.timeout(60000);
  let browser: Browser;
  let page: Page;
  let pageUrl: string;

  before(async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-webview-'));
    buildSync({
      entryPoints: [path.join(REPO_ROOT, 'webview', 'simulation.ts')],
      outfile: path.join(folder, 'webview.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      logLevel: 'silent',
    });
    const chartJs = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    writeFileSync(path.join(folder, 'chart.umd.min.js'), readFileSync(chartJs));
    const html = simulationHtml({ cspSource: 'file:', chartJs: 'chart.umd.min.js', page: 'webview.js', nonce: 'dGVzdC1ub25jZQ==' });
    writeFileSync(path.join(folder, 'index.html'), html);
    pageUrl = `file://${path.join(folder, 'index.html')}`;
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.addInitScript(HOST_STUB);
    await page.goto(pageUrl);
  });

  afterEach(async () => page?.close());
  after(async () => browser?.close());

  const posted = () => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
  const waitForPosted = (type: string) =>
    page.waitForFunction(
      (wanted) => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === wanted),
      type,
    );
  const send = (message: unknown) => page.evaluate((data) => window.postMessage(data, '*'), message);

  async function reportMessage() {
    const { simulator } = await loadPlanText(
      'checkout.release.yaml',
      readFileSync(path.join(REPO_ROOT, 'examples', 'checkout', 'checkout.release.yaml'), 'utf8'),
    );
    const report = await buildReport(simulator!, { scenario: 'error-spike', seed: 1, runs: 20, matrixRuns: 20 });
    return {
      type: 'report',
      report,
      scenarios: simulator!.scenarios.map((scenario) => scenario.name),
      request: { scenario: 'error-spike', seed: 1, runs: 20 },
      planName: 'checkout-2.4',
      planPath: '/w/checkout.release.yaml',
    };
  }

  it('posts ready before anything else', async () => {
    await waitForPosted('ready');
    assert.strictEqual((await posted())[0].type, 'ready');
  });

  it('ignores and logs a malformed message instead of acting on it', async () => {
    await waitForPosted('ready');
    await send({ type: 'report', report: 'not a report' });
    await send({ type: 'run-shell', command: 'rm -rf /' });
    await waitForPosted('log');
    const messages = await posted();
    assert.ok(messages.filter((message) => message.type === 'log').length >= 2);
    assert.ok(!messages.some((message) => message.type === 'rendered'));
    assert.strictEqual(await page.locator('canvas').count(), 0);
  });

  it('draws a report, says its charts are not blank, and lists every scenario of the matrix', async () => {
    await waitForPosted('ready');
    const message = await reportMessage();
    await send(message);
    await waitForPosted('rendered');
    const rendered = (await posted()).find((candidate) => candidate.type === 'rendered') as unknown as {
      charts: number;
      blankCanvases: number;
      matrixScenarios: string[];
    };
    assert.ok(rendered.charts >= 4, `charts: ${rendered.charts}`);
    assert.strictEqual(rendered.blankCanvases, 0);
    assert.deepStrictEqual(rendered.matrixScenarios, message.scenarios);
    const state = await page.evaluate(() => (window as unknown as { __state: { planPath?: string } }).__state);
    assert.strictEqual(state.planPath, '/w/checkout.release.yaml', 'the state the panel serializer restores from');
  });

  it('says first that a plan without a modelled gate is not gated, marks its matrix so, and lists its notes', async () => {
    await waitForPosted('ready');
    const { simulator } = await loadNotGatedRollout();
    const report = await buildReport(simulator!, { scenario: 'error-spike', seed: 1, runs: 20, matrixRuns: 20 });
    await send({
      type: 'report',
      report,
      scenarios: simulator!.scenarios.map((scenario) => scenario.name),
      request: { scenario: 'error-spike', seed: 1, runs: 20 },
      planName: 'smoke-only',
      planPath: '/w/smoke-only.rollout.yaml',
    });
    await waitForPosted('rendered');
    const first = await page.$eval('#sg-report > *', (node) => [node.className, node.textContent]);
    assert.deepStrictEqual(first, [
      'sg-warning',
      'Not gated: no gate of smoke-only is modelled, so nothing in this simulation can stop the rollout (the notes say why).',
    ]);
    const caught = await page.$$eval('table.sg-matrix tbody tr', (rows) => rows.map((row) => row.querySelectorAll('td')[2]?.textContent));
    assert.ok(caught.includes('not gated') && !caught.some((cell) => cell?.endsWith('%')), caught.join(' | '));
    const notes = await page.$$eval('ul.sg-notes li', (items) => items.map((item) => item.textContent ?? ''));
    assert.strictEqual(notes.length, report.run.notes.length);
    assert.match(notes[notes.length - 1], /smoke-only\.rollout\.yaml:28:18 {2}steps\[3\] waits for someone to promote the rollout/);
  });

  it("asks the host to run with the controls' values, and refuses invalid ones", async () => {
    await waitForPosted('ready');
    await send(await reportMessage());
    await waitForPosted('rendered');
    await page.selectOption('#sg-scenario', 'kpi-drop');
    await page.fill('#sg-seed', '7');
    await page.fill('#sg-runs', '0');
    await page.click('#sg-run');
    assert.ok(!(await posted()).some((message) => message.type === 'run'), 'no run with 0 runs');
    assert.match((await page.textContent('#sg-status')) ?? '', /runs a whole number from 1/);
    await page.fill('#sg-runs', '30');
    await page.keyboard.press('Enter');
    let runs = (await posted()).filter((message) => message.type === 'run');
    assert.deepStrictEqual(runs[runs.length - 1], { type: 'run', request: { scenario: 'kpi-drop', seed: 7, runs: 30 }, matrix: false });
    assert.ok(await page.isDisabled('#sg-matrix'), 'controls wait while the host runs');
    await send(await reportMessage());
    await page.click('#sg-matrix');
    runs = (await posted()).filter((message) => message.type === 'run');
    assert.deepStrictEqual(runs[runs.length - 1], { type: 'run', request: { scenario: 'error-spike', seed: 1, runs: 20 }, matrix: true });
    assert.ok(
      runs.every((run) => parseWebviewMessage(run) !== undefined),
      'the host accepts what the page sends',
    );
  });

  it('restores its last report from state after a reload', async () => {
    await waitForPosted('ready');
    await send(await reportMessage());
    await waitForPosted('rendered');
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    const restored = await browser.newPage();
    await restored.addInitScript(`${HOST_STUB}; window.__state = ${JSON.stringify(state)};`);
    await restored.goto(pageUrl);
    await restored.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'rendered'),
    );
    assert.ok((await restored.locator('canvas').count()) >= 4);
    await restored.close();
  });
});

describe('the host side of the webview messages', () => {
  it('accepts only well-formed messages', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.strictEqual(parseWebviewMessage({ type: 'run', request: { scenario: 'x', seed: 1, runs: 1e9 }, matrix: false }), undefined);
    assert.strictEqual(parseWebviewMessage({ type: 'run', request: { scenario: '', seed: 1, runs: 1 }, matrix: false }), undefined);
    assert.strictEqual(parseWebviewMessage({ type: 'eval', code: '1' }), undefined);
    assert.strictEqual(parseWebviewMessage('ready'), undefined);
    assert.strictEqual(parseWebviewMessage(null), undefined);
  });
});
