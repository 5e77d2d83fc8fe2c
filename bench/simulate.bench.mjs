// Benchmark of the simulator on the bundled example (9 segments, one-minute steps, 27 hours of stages):
// single-run time, runs per second for --runs 1000, simulated requests per second. Medians of repeated
// measurements, one process, one thread. Run with `npm run bench` (add `-- --json` for machine-readable output).
//
// Two workloads:
// - the example as written: a healthy run covers the whole ladder (1% of runs roll back), a failing one stops
//   early;
// - "full-length": the same plan with every gate bound widened so no gate trips, so each run replays all 27 hours
//   (1,620 steps × 9 segments) and evaluates every gate window. This is the workload the 1-second goal is about.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { bundleEngine, root } from '../scripts/bundle-engine.mjs';
const json = process.argv.includes('--json');
const REPEATS_BATCH = 7;
const REPEATS_SINGLE = 21;
const RUNS = 1000;

const { engine } = await bundleEngine('simulate-engine', [
  "export * from './src/engine/simulate/index';",
  "export { ScenarioRunner } from './src/engine/simulate/runner';",
  "export { readPlan } from './src/engine/model/plan';",
]);
const { parse } = createRequire(import.meta.url)(join(root, 'node_modules', 'yaml'));

const examplePath = join(root, 'examples', 'checkout', 'checkout.release.yaml');
const exampleText = readFileSync(examplePath, 'utf8');
// The example plan as read from its file (the simulation cost is measured here, not the parse).
const example = engine.Simulator.create(engine.readPlan(parse(exampleText)).plan).simulator;

const raw = parse(exampleText);
for (const stage of raw.stages) {
  for (const gate of stage.gates ?? []) {
    if (gate.maxIncrease !== undefined) gate.maxIncrease = '1000%';
    if (gate.minRatio !== undefined) gate.minRatio = 0.5;
    if (gate.max !== undefined) gate.max = gate.metric === 'errorRate' ? 0.5 : 100000;
  }
}
const fullLength = engine.Simulator.create(engine.readPlan(raw).plan).simulator;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Requests and segment-steps one batch replays, from the runs' end minutes. */
function workload(simulator, scenario, seed, runs) {
  const runner = new engine.ScenarioRunner(simulator.compiled, simulator.scenario(scenario));
  const compiled = simulator.compiled;
  let minutes = 0;
  for (let i = 0; i < runs; i++) minutes += runner.run(seed + i).endMinute;
  const requestsPerMinute = compiled.plan.traffic.requestsPerSecond * 60;
  return {
    minutesPerRun: minutes / runs,
    requests: minutes * requestsPerMinute,
    segmentSteps: (minutes / compiled.stepMinutes) * compiled.segments.length,
  };
}

function measure(label, simulator, scenario) {
  // Warm up the JIT and the binomial tables, as a second invocation in one process would find them.
  simulator.runMany(scenario, 1, RUNS);
  simulator.run(scenario, 1);
  const single = median(Array.from({ length: REPEATS_SINGLE }, (_, i) => time(() => simulator.run(scenario, 1 + i))));
  const batch = median(Array.from({ length: REPEATS_BATCH }, () => time(() => simulator.runMany(scenario, 1, RUNS))));
  const load = workload(simulator, scenario, 1, RUNS);
  return {
    workload: label,
    scenario,
    segments: simulator.compiled.segments.length,
    stepMinutes: simulator.compiled.stepMinutes,
    plannedHours: (simulator.compiled.totalSteps * simulator.compiled.stepMinutes) / 60,
    simulatedHoursPerRun: Math.round((load.minutesPerRun / 60) * 100) / 100,
    singleRunMs: Math.round(single * 100) / 100,
    runs1000Ms: Math.round(batch),
    runsPerSecond: Math.round((RUNS / batch) * 1000),
    simulatedRequestsPerSecond: Math.round((load.requests / batch) * 1000),
    segmentStepsPerSecond: Math.round((load.segmentSteps / batch) * 1000),
  };
}

const results = [
  measure('full-length (gates widened)', fullLength, 'healthy'),
  measure('full-length (gates widened)', fullLength, 'slow-burn'),
  measure('example as written', example, 'healthy'),
  measure('example as written', example, 'error-spike'),
];
const matrixMs = median(Array.from({ length: 3 }, () => time(() => example.matrix(1, RUNS))));

if (json) {
  process.stdout.write(JSON.stringify({ node: process.version, results, matrix1000Ms: Math.round(matrixMs) }, null, 2) + '\n');
} else {
  const format = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : value);
  const header = [
    'workload',
    'scenario',
    'simulated h/run',
    'single run ms',
    '1000 runs ms',
    'runs/s',
    'simulated requests/s',
    'segment-steps/s',
  ];
  const rows = results.map((r) =>
    [
      r.workload,
      r.scenario,
      r.simulatedHoursPerRun,
      r.singleRunMs,
      r.runs1000Ms,
      r.runsPerSecond,
      r.simulatedRequestsPerSecond,
      r.segmentStepsPerSecond,
    ].map(format),
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  console.log(
    `stagegate simulate benchmark · node ${process.version} · ${results[0].segments} segments, ${results[0].stepMinutes}-minute steps, ${results[0].plannedHours} planned hours`,
  );
  console.log(`medians of ${REPEATS_SINGLE} single runs and ${REPEATS_BATCH} batches of ${RUNS} runs\n`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    `\nscenario matrix of the example (7 scenarios × ${RUNS} runs): ${Math.round(matrixMs).toLocaleString('en-US')} ms (median of 3)`,
  );
}
