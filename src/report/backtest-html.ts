// The backtest report as one self-contained HTML page, in the simulation report's look: the same page, styles and
// chart code (webview/report-charts.ts's renderBacktestReport), so the CLI's file and the editor's panel show the same.

import type { BacktestReport } from '../engine/backtest/replay';
import { renderReportPage, type PageOptions, type ReportAssets } from './html';

/** Pure: the page for a backtest's JSON result (`stagegate backtest --format json`). */
export function renderBacktestHtml(result: BacktestReport, assets: ReportAssets, options: PageOptions = {}): string {
  return renderReportPage(
    { title: `Stagegate backtest · ${result.plan.name}`, generator: 'stagegate backtest', draw: 'renderBacktestReport', data: result },
    assets,
    options,
  );
}
