// `stagegate backtest --format html` through the CLI against a real Prometheus (two seeded days with one half-hour in
// which 40% of requests fail), opened offline in Chromium: every chart drawn, the per-gate matrix, the timeline of
// starts and the incidents table saying what the JSON says; and the pure renderer with a webview's nonce.

import * as assert from 'assert';
import { mkdirSync, promises as fs, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { runBacktest } from '../../../src/cli/backtest-command';
import type { BacktestReport } from '../../../src/engine/backtest/replay';
import { renderBacktestHtml } from '../../../src/report/backtest-html';
import type { ReportAssets } from '../../../src/report/html';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';
import { launchChromium } from '../chromium';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { buildReportAssets } from '../simulate/helpers';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const PLAN = path.join(FIXTURES, 'backtest', 'checkout.release.yaml');
const BURST_FROM = MONDAY + 86_400 + 10 * 3600; // 2025-11-04T10:00Z
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-05T00:00Z', '--every', '30m'];
const INCIDENT = ['--incident', '2025-11-04T10:00Z/2025-11-04T10:30Z'];

describe('backtest HTML report', function () {
  this.timeout(120_000);
  let server: PrometheusServer;
  let browser: Browser;
  let assets: ReportAssets;

  before(async () => {
    assets = buildReportAssets();
    server = await startPrometheus(
      generateHistory({ ...DEFAULT_HISTORY, days: 2, errorBursts: [{ from: BURST_FROM, to: BURST_FROM + 1800, errorRate: 0.4 }] }),
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The CLI on the fixture plan, or on the one after `--plan` (the last two arguments). */
  async function backtest(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const plan = argv.at(-2) === '--plan' ? argv.at(-1)! : PLAN;
    const code = await runBacktest(
      [plan, '--prometheus', server.url, ...RANGE, ...(argv.at(-2) === '--plan' ? argv.slice(0, -2) : argv)],
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: FIXTURES },
      { reportAssets: () => assets },
    );
    return { code, stdout, stderr };
  }

  /** Opens the page offline: the text of its tables, its canvases, and every problem (errors, warnings, requests). */
  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
    const rows = (selector: string) =>
      page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((cell) => cell.textContent ?? '')));
    const canvases = await page.$$eval('canvas', (elements) =>
      elements.map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
        return { width: canvas.width, height: canvas.height, painted: painted / (canvas.width * canvas.height) };
      }),
    );
    // The timeline's bars: how many starts each outcome holds.
    const timeline = await page.$eval('canvas', (canvas) => {
      type Charts = { getChart(canvas: unknown): { data: { datasets: { label: string; data: number[] }[] } } };
      const chart = (globalThis as unknown as { Chart: Charts }).Chart.getChart(canvas);
      return chart.data.datasets.map((dataset) => [dataset.label, dataset.data.reduce((sum, value) => sum + value, 0)] as [string, number]);
    });
    const result = {
      lines: (await page.innerText('#stagegate-report')).split('\n').filter((line) => line.trim() !== ''),
      byGate: await rows('table.sg-by-gate'),
      incidents: await rows('table.sg-incidents'),
      trips: await rows('table.sg-trips'),
      canvases,
      timeline,
      problems,
    };
    await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
    await page.close();
    return result;
  }

  it('draws the rate, the timeline of starts, the per-gate matrix and the incidents, as the JSON says', async () => {
    const json = await backtest(...INCIDENT, '--format', 'json');
    assert.strictEqual(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as BacktestReport;
    const { code, stdout, stderr } = await backtest(...INCIDENT, '--format', 'html');
    assert.strictEqual(code, 0, stderr);
    assert.doesNotMatch(stdout, /<script[^>]+src=|<link[^>]+href=/, 'the report loads nothing from elsewhere');
    assert.ok(stdout.includes(`"firstStart":"2025-11-03T00:00:00Z"`), 'the JSON result is embedded');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'backtest-checkout.html');
    writeFileSync(file, stdout);
    const page = await open(file);
    assert.deepStrictEqual(page.problems, []);

    assert.strictEqual(page.lines[0], 'checkout-2.5 · backtest');
    assert.match(page.lines[2], /^0 of 93 rollouts of a good release would have been stopped outside incidents \(0%\)/);
    // The starts chart and the per-gate chart, both drawn.
    assert.strictEqual(page.canvases.length, 2);
    for (const [index, canvas] of page.canvases.entries()) {
      assert.ok(canvas.width > 300 && canvas.height > 100, `canvas ${index} is ${canvas.width}×${canvas.height}`);
      assert.ok(canvas.painted > 0.01, `canvas ${index} is blank (${(canvas.painted * 100).toFixed(2)}% painted)`);
    }
    // 93 starts: the four crossing the burst stopped during it, the rest promoted.
    assert.deepStrictEqual(page.timeline, [
      ['promoted', 89],
      ['stopped during an incident', 4],
    ]);
    assert.deepStrictEqual(page.byGate, [
      ['canary', 'errorRate ≤ 5%', '0', '0%'],
      ['canary', 'latencyP95Ms ≤ 400 ms', '0', '0%'],
      ['half', 'errorRate ≤ +50%', '0', '0%'],
      ['half', 'errorRate ≤ 5%', '0', '0%'],
      ['any gate', '', '0', '0%'],
    ]);
    const [incident] = result.incidents;
    assert.deepStrictEqual(page.incidents, [
      [
        incident.from,
        incident.to,
        'given',
        'caught',
        'canary',
        'errorRate ≤ 5%',
        'all',
        '30',
        incident.failedRequests.toLocaleString('en-US'),
      ],
    ]);
    assert.deepStrictEqual(
      page.trips.map((row) => [row[0], row[1], row[8]]),
      result.trips.map((trip) => [trip.start, trip.stage, trip.incident]),
    );
  });

  it('colours the false rollbacks of a tight canary bound by stage, lists the incident it finds, and writes --out FILE', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-backtest-html-'));
    try {
      // The canary's absolute bound at 1.5%, near the healthy 1% that wanders by a quarter: some good starts stop.
      const tight = path.join(folder, 'tight.release.yaml');
      await fs.writeFile(tight, (await fs.readFile(PLAN, 'utf8')).replace('max: 5%', 'max: 1.5%'));
      const json = await backtest('--format', 'json', '--plan', tight);
      assert.strictEqual(json.code, 0, json.stderr);
      const result = JSON.parse(json.stdout) as BacktestReport;
      const out = path.join(folder, 'reports', 'backtest.html');
      const { code, stdout, stderr } = await backtest('--format', 'html', '--out', out, '--plan', tight);
      assert.strictEqual(code, 0, stderr);
      assert.strictEqual(stdout, '');
      assert.match(stderr, /^stagegate: wrote .*backtest\.html \(\d+ KB\)\.\n$/);
      const page = await open(out);
      assert.deepStrictEqual(page.problems, []);
      const outside = result.trips.filter((trip) => trip.incident === undefined);
      assert.ok(outside.length > 0 && outside.every((trip) => trip.stage === 'canary'), JSON.stringify(outside));
      const during = result.trips.length - outside.length;
      assert.ok(during > 0);
      assert.deepStrictEqual(page.timeline, [
        ['promoted', result.replays - result.trips.length],
        ['false rollback in canary', outside.length],
        ['stopped during an incident', during],
      ]);
      assert.deepStrictEqual(page.byGate[0], [
        'canary',
        'errorRate ≤ 1.5%',
        String(outside.length),
        `${Math.round(result.falseRollbackRate * 10000) / 100}%`,
      ]);
      assert.deepStrictEqual(
        page.incidents.map((row) => row.slice(0, 4)),
        [['2025-11-04T10:00:00Z', '2025-11-04T10:30:00Z', 'found: errors on all, region=eu-west, region=us-east', 'caught']],
      );
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });

  it('renders for a webview: scripts and styles allowed by its nonce, no inline allowance, its theme class', () => {
    const result: BacktestReport = {
      plan: { name: 'p', service: 's' },
      window: { from: '2025-11-03T00:00:00Z', to: '2025-11-04T00:00:00Z' },
      every: '1h',
      evaluationWindow: '10m',
      seed: 1,
      source: { server: 'http://127.0.0.1:9090' },
      replays: 0,
      firstStart: null,
      falseRollbackRate: 0,
      byGate: [],
      trips: [],
      incidents: [],
      notes: ['</script><script>alert(1)</script>'],
    };
    const html = renderBacktestHtml(result, assets, { nonce: 'abc123', css: '.sg-vscode{}', themeClass: 'sg-vscode' });
    assert.match(html, /script-src 'nonce-abc123'; style-src 'nonce-abc123'/);
    assert.doesNotMatch(html, /unsafe-inline/);
    assert.strictEqual((html.match(/<script nonce="abc123">/g) ?? []).length, 3);
    assert.match(html, /class="sg-report sg-vscode"/);
    assert.ok(!html.includes('</script><script>alert'), 'a note cannot close the data element');
  });
});
