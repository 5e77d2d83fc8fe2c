// Styles of the simulation report, shared by the HTML report (inlined) and the webview (in a nonce'd <style>).
// Colours are CSS variables: the HTML report sets them for light and dark schemes, the webview maps them to --vscode-*.

export const REPORT_CSS = `
.sg-report {
  --sg-bg: #ffffff; --sg-fg: #1f2328; --sg-muted: #59636e; --sg-grid: #d8dee4; --sg-panel: #f6f8fa;
  --sg-canary: #0969da; --sg-baseline: #1a7f37; --sg-bound: #cf222e; --sg-worst: #8250df; --sg-failed: #cf222e;
  --sg-detect: #cf222e; --sg-restore: #bc4c00; --sg-failure: rgba(207, 34, 46, 0.08); --sg-stage: #8c959f;
  --sg-series: #0969da, #8250df, #bf3989, #bc4c00, #4d2d00, #1a7f37, #116329, #0550ae;
  --sg-not-caught: #d0d7de;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--sg-fg); background: var(--sg-bg); max-width: 1200px; margin: 0 auto; padding: 24px;
}
@media (prefers-color-scheme: dark) {
  .sg-report.sg-auto-theme {
    --sg-bg: #0d1117; --sg-fg: #e6edf3; --sg-muted: #9198a1; --sg-grid: #30363d; --sg-panel: #161b22;
    --sg-canary: #4493f8; --sg-baseline: #3fb950; --sg-bound: #f85149; --sg-worst: #ab7df8; --sg-failed: #f85149;
    --sg-detect: #f85149; --sg-restore: #db6d28; --sg-failure: rgba(248, 81, 73, 0.12); --sg-stage: #6e7681;
    --sg-series: #4493f8, #ab7df8, #db61a2, #db6d28, #d29922, #3fb950, #56d364, #79c0ff;
    --sg-not-caught: #30363d;
  }
}
.sg-report h1 { font-size: 22px; margin: 0 0 4px; }
.sg-report h2 { font-size: 16px; margin: 28px 0 8px; }
.sg-report h3 { font-size: 14px; margin: 16px 0 4px; color: var(--sg-muted); font-weight: 600; }
.sg-report .sg-subtitle { color: var(--sg-muted); margin: 0 0 12px; }
.sg-report .sg-verdict { padding: 10px 14px; border-radius: 6px; background: var(--sg-panel); border-left: 4px solid var(--sg-baseline); margin: 12px 0; }
.sg-report .sg-verdict.sg-missed { border-left-color: var(--sg-bound); }
.sg-report .sg-verdict.sg-stopped { border-left-color: var(--sg-restore); }
.sg-report .sg-figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.sg-report .sg-figure { background: var(--sg-panel); border-radius: 6px; padding: 8px 12px; }
.sg-report .sg-figure .sg-value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.sg-report .sg-figure .sg-label { color: var(--sg-muted); font-size: 12px; }
.sg-report .sg-chart { position: relative; height: 260px; margin: 4px 0 12px; }
.sg-report .sg-chart.sg-small { height: 200px; }
.sg-report .sg-chart.sg-tall { height: 320px; }
.sg-report table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
.sg-report th, .sg-report td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--sg-grid); vertical-align: top; }
.sg-report th { color: var(--sg-muted); font-weight: 600; }
.sg-report td.sg-number, .sg-report th.sg-number { text-align: right; }
.sg-report .sg-note { color: var(--sg-muted); font-size: 12px; }
.sg-report .sg-warning { padding: 10px 14px; border-radius: 6px; background: var(--sg-panel); border-left: 4px solid var(--sg-bound); margin: 0 0 12px; font-weight: 600; }
.sg-report .sg-notes { margin: 4px 0 12px; padding-left: 20px; font-size: 13px; }
.sg-report .sg-notes li { margin: 2px 0; overflow-wrap: anywhere; }
.sg-report .sg-notes li.sg-note-error { color: var(--sg-bound); }
.sg-report .sg-legend { color: var(--sg-muted); font-size: 12px; margin: 0 0 4px; }
`;
