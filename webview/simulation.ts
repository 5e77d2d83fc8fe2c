// The simulation webview's page: controls (scenario, seed, runs, re-run, matrix, cancel) above the report that
// report-charts.ts draws. It posts `ready` before the host sends anything, keeps its state with
// setState/getState so a reload restores it, and tells the host when its charts have drawn.

import { parseHostMessage, type HostMessage, type RunRequest, type WebviewMessage, WEBVIEW_MAX_RUNS } from './messages';
import { renderReport, type RenderedReport } from './report-charts';
import type { SimulationReport } from '../src/engine/simulate/result';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}

interface PersistedState {
  /** Read by the host's panel serializer to restore the panel after a reload. */
  planPath?: string;
  request?: RunRequest;
  report?: SimulationReport;
  scenarios?: string[];
  planName?: string;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PersistedState = vscode.getState() ?? {};
let rendered: RenderedReport | undefined;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const scenarioSelect = byId<HTMLSelectElement>('sg-scenario');
const seedInput = byId<HTMLInputElement>('sg-seed');
const runsInput = byId<HTMLInputElement>('sg-runs');
const runButton = byId<HTMLButtonElement>('sg-run');
const matrixButton = byId<HTMLButtonElement>('sg-matrix');
const cancelButton = byId<HTMLButtonElement>('sg-cancel');
const status = byId<HTMLElement>('sg-status');
const container = byId<HTMLElement>('sg-report');

function currentRequest(): RunRequest | undefined {
  const seed = Number(seedInput.value);
  const runs = Number(runsInput.value);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1 || runs > WEBVIEW_MAX_RUNS || !scenarioSelect.value) {
    status.textContent = `Seed must be a whole number and runs a whole number from 1 to ${WEBVIEW_MAX_RUNS.toLocaleString('en-US')}.`;
    return undefined;
  }
  return { scenario: scenarioSelect.value, seed, runs };
}

function request(matrix: boolean): void {
  const run = currentRequest();
  if (!run) return;
  setBusy(true);
  status.textContent = matrix ? 'Running every scenario…' : 'Simulating…';
  vscode.postMessage({ type: 'run', request: run, matrix });
}

function setBusy(busy: boolean): void {
  runButton.disabled = busy;
  matrixButton.disabled = busy;
  cancelButton.hidden = !busy;
}

function showScenarios(names: string[], selected: string): void {
  scenarioSelect.replaceChildren(
    ...names.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      option.selected = name === selected;
      return option;
    }),
  );
}

function draw(report: SimulationReport): void {
  rendered?.destroy();
  rendered = renderReport(container, report);
  // Let chart.js paint, then report what drew: the host and its tests rely on it.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const canvases = [...container.querySelectorAll('canvas')];
      const blankCanvases = canvases.filter(isBlank).length;
      const matrixScenarios = [...container.querySelectorAll('table.sg-matrix tbody tr')].map(
        (row) => row.querySelector('td')?.textContent ?? '',
      );
      vscode.postMessage({ type: 'rendered', charts: canvases.length, blankCanvases, matrixScenarios });
    }),
  );
}

function isBlank(canvas: HTMLCanvasElement): boolean {
  const context = canvas.getContext('2d');
  if (!context || canvas.width === 0 || canvas.height === 0) return true;
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return false;
  return true;
}

function onHostMessage(message: HostMessage): void {
  switch (message.type) {
    case 'report':
      state = {
        planPath: message.planPath,
        request: message.request,
        report: message.report,
        scenarios: message.scenarios,
        planName: message.planName,
      };
      vscode.setState(state);
      showScenarios(message.scenarios, message.request.scenario);
      seedInput.value = String(message.request.seed);
      runsInput.value = String(message.request.runs);
      setBusy(false);
      status.textContent = '';
      draw(message.report);
      break;
    case 'progress':
      status.textContent = `${message.label} (${message.done} of ${message.total})`;
      break;
    case 'error':
      setBusy(false);
      status.textContent = message.message;
      break;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) {
    vscode.postMessage({
      type: 'log',
      message: `ignored a malformed message from the host: ${String(JSON.stringify(event.data)).slice(0, 200)}`,
    });
    return;
  }
  onHostMessage(message);
});

runButton.addEventListener('click', () => request(false));
matrixButton.addEventListener('click', () => request(true));
cancelButton.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
for (const input of [seedInput, runsInput]) input.addEventListener('keydown', (event) => event.key === 'Enter' && request(false));

// Theme switches change the --vscode-* colours the charts read once: draw again.
new MutationObserver(() => state.report && draw(state.report)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

if (state.report && state.scenarios && state.request) {
  showScenarios(state.scenarios, state.request.scenario);
  seedInput.value = String(state.request.seed);
  runsInput.value = String(state.request.runs);
  draw(state.report);
}
vscode.postMessage({ type: 'ready' });
