// The simulation and backtest webviews' HTML, with their Content Security Policy. No vscode import, so the pages can
// also be built for the stand-alone browser tests.

import type { BacktestReport } from '../engine/backtest/replay';
import { renderBacktestHtml } from '../report/backtest-html';
import type { ReportAssets } from '../report/html';
import { REPORT_CSS } from '../report/styles';

interface WebviewAssets {
  /** The webview's `cspSource`: the origin its resources are served from. */
  cspSource: string;
  chartJs: string;
  /** The page script (webview/simulation.ts bundled, charts included). */
  page: string;
  /** A fresh nonce from `crypto` for every HTML the panel sets. */
  nonce: string;
}

/** Maps the report's colours to the editor theme, so dark, light and high-contrast themes all read well. */
export const THEME_CSS = `
.sg-report.sg-vscode {
  --sg-bg: var(--vscode-editor-background); --sg-fg: var(--vscode-editor-foreground);
  --sg-muted: var(--vscode-descriptionForeground); --sg-grid: var(--vscode-editorWidget-border, var(--vscode-panel-border));
  --sg-panel: var(--vscode-editorWidget-background); --sg-canary: var(--vscode-charts-blue);
  --sg-baseline: var(--vscode-charts-green); --sg-bound: var(--vscode-charts-red); --sg-worst: var(--vscode-charts-purple);
  --sg-failed: var(--vscode-charts-red); --sg-detect: var(--vscode-charts-red); --sg-restore: var(--vscode-charts-orange);
  --sg-stage: var(--vscode-descriptionForeground); --sg-not-caught: var(--vscode-editorWidget-border, var(--vscode-panel-border));
  --sg-failure: color-mix(in srgb, var(--vscode-charts-red) 12%, transparent);
  --sg-series: var(--vscode-charts-blue), var(--vscode-charts-purple), var(--vscode-charts-orange), var(--vscode-charts-green), var(--vscode-charts-yellow), var(--vscode-charts-red);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); max-width: none; padding: 0 4px 24px;
}
.sg-controls { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; padding: 12px 4px; border-bottom: 1px solid var(--vscode-panel-border); }
.sg-controls label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--vscode-descriptionForeground); }
.sg-controls select, .sg-controls input { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; font: inherit; }
.sg-controls input { width: 7em; }
.sg-controls button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 1px solid var(--vscode-button-border, transparent); padding: 4px 12px; cursor: pointer; font: inherit; }
.sg-controls button.sg-secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.sg-controls button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground); }
.sg-controls button:disabled { opacity: 0.5; cursor: default; }
.sg-controls :focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
#sg-status { color: var(--vscode-descriptionForeground); min-height: 1.4em; padding: 4px; }
body { padding: 0 12px; color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); }
`;

export function simulationHtml(assets: WebviewAssets): string {
  const { cspSource, nonce } = assets;
  const csp = [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Stagegate simulation</title>
<style nonce="${nonce}">${REPORT_CSS}${THEME_CSS}</style>
</head>
<body>
<div class="sg-controls" id="sg-controls" role="group" aria-label="Simulation">
  <label>Scenario <select id="sg-scenario" aria-label="Scenario"></select></label>
  <label>Seed <input id="sg-seed" type="number" step="1" value="1" aria-label="Seed"></label>
  <label>Runs <input id="sg-runs" type="number" min="1" step="1" value="200" aria-label="Runs"></label>
  <button id="sg-run" type="button">Re-run</button>
  <button id="sg-matrix" type="button" class="sg-secondary">Scenario matrix</button>
  <button id="sg-cancel" type="button" class="sg-secondary" hidden>Cancel</button>
</div>
<div id="sg-status" role="status" aria-live="polite"></div>
<main id="sg-report" class="sg-report sg-vscode"></main>
<script nonce="${nonce}" src="${assets.chartJs}"></script>
<script nonce="${nonce}" src="${assets.page}"></script>
</body>
</html>`;
}

/**
 * The backtest panel's page: `backtest --format html`'s page, its scripts and styles allowed by the nonce alone (no
 * inline allowance, no network request), in the editor theme's colours.
 */
export function backtestPanelHtml(report: BacktestReport, assets: ReportAssets, nonce: string): string {
  return renderBacktestHtml(report, assets, {
    nonce,
    css: `${THEME_CSS}\nhtml, body { background: var(--vscode-editor-background); }`,
    themeClass: 'sg-vscode',
  });
}
