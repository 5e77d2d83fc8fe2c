// Messages between the simulation webview and the extension host. Both sides validate every message
// against these guards and ignore (and log) anything else: a webview is untrusted input.

import type { RunRequest, SimulationReport } from '../src/engine/simulate/result';

export type { RunRequest };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'run'; request: RunRequest; matrix: boolean }
  | { type: 'cancel' }
  | { type: 'rendered'; charts: number; blankCanvases: number; matrixScenarios: string[] }
  | { type: 'log'; message: string };

/** Host → webview. */
export type HostMessage =
  | { type: 'report'; report: SimulationReport; scenarios: string[]; request: RunRequest; planName: string; planPath: string }
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'error'; message: string };

/** Largest number of runs the webview may ask for (the CLI's cap is higher: this keeps the editor responsive). */
export const WEBVIEW_MAX_RUNS = 5000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRunRequest(value: unknown): value is RunRequest {
  return (
    isRecord(value) &&
    typeof value.scenario === 'string' &&
    value.scenario.length > 0 &&
    value.scenario.length < 200 &&
    Number.isSafeInteger(value.seed) &&
    Number.isSafeInteger(value.runs) &&
    (value.runs as number) >= 1 &&
    (value.runs as number) <= WEBVIEW_MAX_RUNS
  );
}

export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return { type: value.type };
    case 'run':
      return isRunRequest(value.request) && typeof value.matrix === 'boolean'
        ? { type: 'run', request: value.request, matrix: value.matrix }
        : undefined;
    case 'rendered':
      return Number.isInteger(value.charts) &&
        Number.isInteger(value.blankCanvases) &&
        Array.isArray(value.matrixScenarios) &&
        value.matrixScenarios.every((name) => typeof name === 'string')
        ? {
            type: 'rendered',
            charts: value.charts as number,
            blankCanvases: value.blankCanvases as number,
            matrixScenarios: value.matrixScenarios as string[],
          }
        : undefined;
    case 'log':
      return typeof value.message === 'string' ? { type: 'log', message: value.message.slice(0, 2000) } : undefined;
    default:
      return undefined;
  }
}

export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'report':
      return isRecord(value.report) &&
        value.report.format === 'stagegate-simulation-report' &&
        Array.isArray(value.scenarios) &&
        isRunRequest(value.request) &&
        typeof value.planName === 'string' &&
        typeof value.planPath === 'string'
        ? (value as HostMessage)
        : undefined;
    case 'progress':
      return Number.isFinite(value.done) && Number.isFinite(value.total) && typeof value.label === 'string'
        ? (value as HostMessage)
        : undefined;
    case 'error':
      return typeof value.message === 'string' ? { type: 'error', message: value.message } : undefined;
    default:
      return undefined;
  }
}
