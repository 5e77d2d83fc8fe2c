// The HTML report in a real browser: one self-contained file that draws every chart offline, without errors.

import * as assert from 'assert';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium';
import { buildReport } from '../../../src/engine/simulate';
import { loadPlanText } from './helpers';
import { renderHtmlReport, type ReportAssets } from '../../../src/report/html';
import { runSimulate } from '../../../src/cli/simulate-command';
import { REPO_ROOT } from '../helpers';
import { buildReportAssets, EXAMPLE_PLAN, SIMULATE_FIXTURES } from './helpers';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

describe('simulation HTML report', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let assets: ReportAssets;

  before(async function () {
    assets = buildReportAssets();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  for (const [name, planFile, scenario] of [
    ['checkout', EXAMPLE_PLAN, 'error-spike'],
    ['regions', path.join(SIMULATE_FIXTURES, 'regions.release.yaml'), 'eu-ranker-errors'],
    ['gauges', path.join(SIMULATE_FIXTURES, 'gauges', 'gauged.release.yaml'), 'memory-leak'],
  ] as const) {
    it(`draws every chart of the ${name} report offline, with no console error`, async () => {
      const { simulator } = await loadPlanText(planFile, readFileSync(planFile, 'utf8'));
      const report = await buildReport(simulator!, { scenario, seed: 1, runs: 1, matrixRuns: 100 });
      const html = renderHtmlReport(report, assets);
      assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'the report loads nothing from elsewhere');
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `simulate-${name}.html`);
      writeFileSync(file, html);

      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
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
      const canvases = await page.$$eval('canvas', (elements) =>
        elements.map((canvas) => {
          const context = canvas.getContext('2d')!;
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
          return { width: canvas.width, height: canvas.height, painted: painted / (canvas.width * canvas.height) };
        }),
      );
      await page.screenshot({ path: path.join(ARTIFACTS, `simulate-${name}.png`), fullPage: true });
      const matrixRows = await page.$$eval('table tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
      );
      await page.close();

      // A dependency failing for both versions is never "caught": every stop it causes is a false rollback.
      const outage = matrixRows.find((cells) => cells[0] === 'dependency-outage');
      if (name === 'checkout') assert.deepStrictEqual(outage?.slice(2, 4), ['–', '100%'], JSON.stringify(outage));

      assert.deepStrictEqual(problems, []);
      const metrics = new Set(report.run.evaluations.map((evaluation) => evaluation.metric)).size;
      // Timeline, one chart per gated metric, blast radius, matrix.
      assert.strictEqual(canvases.length, 1 + metrics + 1 + 1);
      for (const [index, canvas] of canvases.entries()) {
        assert.ok(canvas.width > 300 && canvas.height > 100, `canvas ${index} is ${canvas.width}×${canvas.height}`);
        assert.ok(canvas.painted > 0.01, `canvas ${index} is blank (${(canvas.painted * 100).toFixed(2)}% painted)`);
      }
    });
  }

  /** `simulate --format html` through the CLI (with freshly built scripts), opened in Chromium: the report's text. */
  async function cliReport(name: string, ...argv: string[]): Promise<{ lines: string[]; matrix: string[][]; notes: string[] }> {
    let html = '';
    let stderr = '';
    const code = await runSimulate(
      [...argv, '--format', 'html', '--runs', '40'],
      { stdout: (text) => (html += text), stderr: (text) => (stderr += text), cwd: REPO_ROOT },
      { reportAssets: () => assets },
    );
    assert.strictEqual(code, 0, stderr);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `simulate-${name}.html`);
    writeFileSync(file, html);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('#stagegate-report[data-rendered="true"]', { timeout: 10000 });
    const lines = (await page.innerText('#stagegate-report')).split('\n').filter((line) => line.trim() !== '');
    const matrix = await page.$$eval('table.sg-matrix tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
    const notes = await page.$$eval('ul.sg-notes li', (items) => items.map((item) => item.textContent ?? ''));
    await page.screenshot({ path: path.join(ARTIFACTS, `simulate-${name}.png`), fullPage: true });
    await page.close();
    assert.deepStrictEqual(problems, []);
    return { lines, matrix, notes };
  }

  it('a plan without a modelled gate: the first line says so, the matrix says "not gated", the notes are listed', async () => {
    const rollout = 'test/fixtures/simulate/not-gated/smoke-only.rollout.yaml';
    const { lines, matrix, notes } = await cliReport('not-gated', rollout);
    assert.strictEqual(
      lines[0],
      'Not gated: no gate of smoke-only is modelled, so nothing in this simulation can stop the rollout (the notes say why).',
    );
    assert.strictEqual(lines[1], 'smoke-only · error-spike');
    assert.ok(matrix.length >= 4);
    for (const row of matrix) {
      const atFault = !['healthy', 'dependency-outage', 'dependency-degradation'].includes(row[0]);
      assert.deepStrictEqual(row.slice(2, 4), atFault ? ['not gated', '–'] : ['–', 'not gated'], row[0]);
    }
    assert.strictEqual(notes.length, 6);
    assert.strictEqual(
      notes[5],
      `${rollout}:28:18  steps[3] waits for someone to promote the rollout: replayed as a 1h wait (simulation.manualPause).`,
    );
  });

  it('a gated plan starts with its title and shows rates in its matrix', async () => {
    const gated = await cliReport('gated-first-line', 'examples/checkout/checkout.release.yaml');
    assert.strictEqual(gated.lines[0], 'checkout-2.4 · error-spike');
    assert.match(gated.matrix.find((row) => row[0] === 'error-spike')![2], /^\d+(\.\d+)?%$/);
    assert.deepStrictEqual(gated.notes, []);
  });
});
