// The simulation report as one self-contained HTML file: chart.js's UMD build and the report's chart code
// (webview/report-charts.ts, bundled for the browser) inlined, the report JSON embedded, and a Content Security
// Policy that forbids every network request, so the file opens offline in any browser.

import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import type { SimulationReport } from '../engine/simulate/result';
import { REPORT_CSS } from './styles';

/** The browser bundle of webview/report-charts.ts (esbuild, platform browser, iife, global `StagegateReport`). */
const REPORT_CHARTS_FILE = 'report-charts.js';
export const REPORT_CHARTS_GLOBAL = 'StagegateReport';
/** chart.js's UMD build, copied beside the bundle by the build. */
const CHART_JS_FILE = 'chart.umd.min.js';

export interface ReportAssets {
  chartJs: string;
  reportCharts: string;
}

/**
 * Reads the two scripts from the first folder that has them: the bundle's own folder (dist/), or the repository's
 * dist/ when running from compiled sources; chart.js may also come from node_modules. A message when missing.
 */
export function loadReportAssets(folders: string[] = defaultFolders()): ReportAssets | string {
  const find = (file: string) => folders.map((folder) => path.join(folder, file)).find((candidate) => existsSync(candidate));
  const charts = find(REPORT_CHARTS_FILE);
  let chartJs = find(CHART_JS_FILE);
  chartJs ??= chartJsFromNodeModules();
  if (!charts || !chartJs) {
    return `the HTML report needs ${REPORT_CHARTS_FILE} and ${CHART_JS_FILE} beside the CLI bundle (looked in ${folders.join(', ')}); run \`npm run build\`.`;
  }
  return { chartJs: readFileSync(chartJs, 'utf8'), reportCharts: readFileSync(charts, 'utf8') };
}

/** chart.js's UMD build in node_modules (its package exports do not list it, so resolve the package and look beside it). */
export function chartJsFromNodeModules(): string | undefined {
  try {
    const candidate = path.join(path.dirname(require.resolve('chart.js')), CHART_JS_FILE);
    return existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function defaultFolders(): string[] {
  const folders = [
    __dirname,
    path.resolve(__dirname, '..', 'dist'),
    path.resolve(__dirname, '..', '..', 'dist'),
    path.resolve(__dirname, '..', '..', '..', 'dist'),
  ];
  return [...new Set(folders)];
}

export function renderHtmlReport(report: SimulationReport, assets: ReportAssets): string {
  return renderReportPage(
    {
      title: `Stagegate simulation · ${report.plan.name} · ${report.run.scenario}`,
      generator: 'stagegate simulate',
      draw: 'renderReport',
      data: report,
    },
    assets,
  );
}

export interface ReportPage {
  title: string;
  /** The `generator` meta tag: the command that wrote the page. */
  generator: string;
  /** The function of report-charts.ts that draws `data` into the page. */
  draw: 'renderReport' | 'renderBacktestReport';
  data: unknown;
}

export interface PageOptions {
  /** Scripts and styles allowed by this nonce instead of 'unsafe-inline' (an editor's webview). */
  nonce?: string;
  /** CSS added after the report's own (a webview mapping the colours to its theme). */
  css?: string;
  /** The report element's theme class: `sg-auto-theme` (light or dark as the system prefers) by default. */
  themeClass?: string;
}

/**
 * One self-contained page drawing a report: chart.js and the chart code inlined, the data embedded as JSON, and a
 * Content Security Policy that forbids every network request.
 */
export function renderReportPage(page: ReportPage, assets: ReportAssets, options: PageOptions = {}): string {
  const allow = options.nonce === undefined ? "'unsafe-inline'" : `'nonce-${options.nonce}'`;
  const nonce = options.nonce === undefined ? '' : ` nonce="${escapeHtml(options.nonce)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${allow}; style-src ${allow}; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(page.generator)}">
<title>${escapeHtml(page.title)}</title>
<style${nonce}>
html, body { margin: 0; background: #ffffff; }
@media (prefers-color-scheme: dark) { html, body { background: #0d1117; } }
${REPORT_CSS}${options.css ?? ''}
</style>
</head>
<body>
<main id="stagegate-report" class="sg-report ${escapeHtml(options.themeClass ?? 'sg-auto-theme')}"><noscript>This report draws its charts with JavaScript; the data is in the page source.</noscript></main>
<script type="application/json" id="stagegate-report-data">${embedJson(page.data)}</script>
<script${nonce}>${embedScript(assets.chartJs)}</script>
<script${nonce}>${embedScript(assets.reportCharts)}</script>
<script${nonce}>
(function () {
  var data = JSON.parse(document.getElementById('stagegate-report-data').textContent);
  ${REPORT_CHARTS_GLOBAL}.${page.draw}(document.getElementById('stagegate-report'), data);
})();
</script>
</body>
</html>
`;
}

/** JSON inside a <script> element: `<` escaped so no `</script>` or `<!--` can end it early. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function embedScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
