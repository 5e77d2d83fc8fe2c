// The backtest's webview panel, one per plan, beside it: the same page as `stagegate backtest --format html` (the
// report's chart code and chart.js inlined, the result embedded), allowed to run only its own scripts by a fresh
// nonce in its Content Security Policy, which forbids every network request. The page sends nothing back.

import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { BacktestReport } from '../engine/backtest/replay';
import { loadReportAssets } from '../report/html';
import { backtestPanelHtml } from './webview-html';

const VIEW_TYPE = 'stagegate.backtest';

export class BacktestPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Shows the report in the plan's panel (opened beside the plan, or revealed), and returns the HTML set. */
  show(planUri: vscode.Uri, report: BacktestReport): string {
    let panel = this.panels.get(planUri.fsPath);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        `Backtest: ${planUri.path.split('/').pop()}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        // Scripts inline only (the CSP's nonce), no local resources: the page is self-contained.
        { enableScripts: true, localResourceRoots: [] },
      );
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
      const opened = panel;
      this.panels.set(planUri.fsPath, opened);
      opened.onDidDispose(() => {
        if (this.panels.get(planUri.fsPath) === opened) this.panels.delete(planUri.fsPath);
      });
    } else panel.reveal(vscode.ViewColumn.Beside, true);
    const html = this.html(report);
    panel.webview.html = html;
    return html;
  }

  private html(report: BacktestReport): string {
    const assets = loadReportAssets([vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath]);
    if (typeof assets === 'string')
      return `<!doctype html><p>${escapeHtml(`The backtest ran, but its page cannot be drawn: ${assets}`)}</p>`;
    return backtestPanelHtml(report, assets, randomBytes(16).toString('base64'));
  }

  /** Open panels and their HTML, for tests. */
  get open(): { title: string; html: string }[] {
    return [...this.panels.values()].map((panel) => ({ title: panel.title, html: panel.webview.html }));
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
