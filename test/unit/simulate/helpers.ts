// Helpers for the simulator's tests: plans written as objects, exact binomial probabilities, finiteness checks.

import * as assert from 'assert';
import { buildSync } from 'esbuild';
import { readFileSync } from 'fs';
import * as path from 'path';
import { readPlan } from '../../../src/engine/model/plan';
import { Simulator } from '../../../src/engine/simulate';
import type { SimulationOptions } from '../../../src/engine/simulate/compile';
import { chartJsFromNodeModules, REPORT_CHARTS_GLOBAL, type ReportAssets } from '../../../src/report/html';
import { defaultConfig } from '../../../src/engine/config/config';
import { parseConfig } from '../../../src/engine/config/load';
import { loadSimulation, type LoadedSimulation } from '../../../src/engine/workspace/simulation';
import { Workspace } from '../../../src/engine/workspace/workspace';
import { FIXTURES, REPO_ROOT } from '../helpers';

export const SIMULATE_FIXTURES = path.join(FIXTURES, 'simulate');
export const EXAMPLE_PLAN = path.join(REPO_ROOT, 'examples', 'checkout', 'checkout.release.yaml');

/** A plan from a literal, with the boilerplate filled in. */
function plan(body: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'stagegate.dev/v1',
    kind: 'ReleasePlan',
    metadata: { name: 'test-plan', service: 'test', owner: 'team-test' },
    ...body,
  };
}

/** A plan file's simulation as every face loads it (a workspace holding the file, then loadSimulation). */
export async function loadPlanText(
  file: string,
  text: string,
  options: SimulationOptions = {},
  config = defaultConfig('2026-11-26'),
): Promise<LoadedSimulation> {
  const workspace = new Workspace(config);
  workspace.setFile(file, text, 'yaml');
  return loadSimulation(workspace, file, options);
}

/** The fixture Rollout whose analysis runs only a Job and a web check, with the traffic its folder configures. */
export async function loadNotGatedRollout(): Promise<LoadedSimulation> {
  const folder = path.join(SIMULATE_FIXTURES, 'not-gated');
  const config = parseConfig(readFileSync(path.join(folder, '.stagegate.yaml'), 'utf8'), '2026-11-26').config;
  const file = path.join(folder, 'smoke-only.rollout.yaml');
  return loadPlanText(file, readFileSync(file, 'utf8'), {}, config);
}

export function simulatorFor(body: Record<string, unknown>, options: SimulationOptions = {}): Simulator {
  const { plan: model, problems } = readPlan(plan(body));
  assert.deepStrictEqual(problems, [], 'the test plan should be readable');
  const { simulator, problems: simulationProblems } = Simulator.create(model!, options);
  assert.deepStrictEqual(simulationProblems, [], 'the test plan should be simulable');
  return simulator!;
}

/** log Γ(x) by Lanczos (g = 7), independent of the engine's Stirling series. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X = k) for X ~ Binomial(n, p), exactly (in log space). */
export function binomialPmf(n: number, p: number, k: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X > k), by summing the exact probability mass function. */
export function binomialUpperTail(n: number, p: number, k: number): number {
  let lower = 0;
  for (let i = 0; i <= Math.min(k, n); i++) lower += binomialPmf(n, p, i);
  return Math.max(0, 1 - lower);
}

/** The largest error count k with k / n ≤ bound, decided in floating point as the gate decides it. */
export function largestCountWithin(n: number, bound: number): number {
  let k = Math.floor(bound * n);
  while ((k + 1) / n <= bound) k++;
  while (k >= 0 && k / n > bound) k--;
  return k;
}

/** Asserts that a Monte Carlo rate is within three standard errors of the exact probability. */
export function assertWithinThreeStandardErrors(observed: number, exact: number, runs: number, what: string): void {
  const standardError = Math.sqrt((exact * (1 - exact)) / runs);
  const distance = Math.abs(observed - exact);
  assert.ok(
    distance <= 3 * standardError,
    `${what}: Monte Carlo ${observed} over ${runs} runs vs exact ${exact.toFixed(5)}; |difference| ${distance.toFixed(5)} > 3 standard errors (${(3 * standardError).toFixed(5)})`,
  );
}

/** Every number in the value is finite (JSON would silently turn NaN and Infinity into null). */
export function assertAllFinite(value: unknown, where = 'result'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, index) => assertAllFinite(item, `${where}[${index}]`));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertAllFinite(item, `${where}.${key}`);
}

/** Φ(z) by Simpson's rule on the normal density: about 1e-13 accurate, independent of the engine's approximations. */
export function normalCdf(z: number): number {
  const intervals = 4000;
  const h = z / intervals;
  let sum = 0;
  for (let i = 0; i <= intervals; i++) {
    const t = i * h;
    const weight = i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(-0.5 * t * t);
  }
  return 0.5 + ((h / 3) * sum) / Math.sqrt(2 * Math.PI);
}

/** The report's browser code bundled as the build bundles it (platform browser, iife), with chart.js's UMD build. */
export function buildReportAssets(): ReportAssets {
  const bundle = buildSync({
    entryPoints: [path.join(REPO_ROOT, 'webview', 'report-charts.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: REPORT_CHARTS_GLOBAL,
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return { reportCharts: bundle.outputFiles[0].text, chartJs: readFileSync(chartJsFromNodeModules()!, 'utf8') };
}
