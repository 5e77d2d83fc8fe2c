// Benchmark of `stagegate backtest` on a long, fine history read offline: 14 days at 1-minute windows, 9 segments
// (3 regions × 3 devices), a rollout starting every hour, read through `--history` from a file this script writes in a
// temporary folder (seeded, so every run of the benchmark reads the same bytes). Whole-process wall time, median of
// the runs, and the peak resident memory of the CLI process (its own `process.resourceUsage().maxRSS`, reported by a
// preload at exit). Builds dist/ first, so it measures the current sources.
// `node bench/backtest.bench.mjs [--json] [--quick]`; `npm run bench` runs it with the others.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../scripts/bundle-engine.mjs';

const json = process.argv.includes('--json');
const runs = process.argv.includes('--quick') ? 2 : 5;
const DAYS = 14;
const STEP = 60;
const FROM = Date.UTC(2025, 10, 3) / 1000; // a Monday
const REGIONS = { 'eu-west': 0.4, 'us-east': 0.45, 'ap-south': 0.15 };
const DEVICES = { web: 0.55, ios: 0.25, android: 0.2 };
const REQUESTS_PER_SECOND = 1200;
const SEED = 20251103;

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** mulberry32: a small seeded generator, so the history is the same bytes on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUERIES = {
  requests: 'sum by (region, device) (rate(http_requests_total{service="checkout"}[$window]))',
  errors: 'sum by (region, device) (rate(http_requests_total{service="checkout",code=~"5.."}[$window]))',
  latencyP95Ms:
    '1000 * histogram_quantile(0.95, sum by (le, region, device) (rate(http_request_duration_seconds_bucket{service="checkout"}[$window])))',
};

const PLAN = `apiVersion: stagegate.dev/v1
kind: ReleasePlan
metadata: { name: checkout-bench, service: checkout, owner: team-payments }
traffic:
  requestsPerSecond: ${REQUESTS_PER_SECOND}
  dimensions:
    region: { ${Object.entries(REGIONS)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} }
    device: { ${Object.entries(DEVICES)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} }
baseline: { errorRate: 0.005, latencyP95Ms: 180 }
metrics:
  queries:
${Object.entries(QUERIES)
  .map(([signal, query]) => `    ${signal}: ${query}`)
  .join('\n')}
stages:
  - name: canary
    weight: 5
    duration: 1h
    interval: 10m
    minSamples: 100
    breakdown: [region]
    gates:
      - { metric: errorRate, max: 5% }
      - { metric: latencyP95Ms, max: 400 }
  - name: half
    weight: 50
    duration: 2h
    interval: 15m
    breakdown: [region, device]
    gates:
      - { metric: errorRate, maxIncrease: 50% }
      - { metric: latencyP95Ms, maxIncrease: 20% }
  - name: full
    weight: 100
    duration: 1h
    interval: 30m
    gates:
      - { metric: errorRate, maxIncrease: 25% }
rollback:
  automatic: true
`;

/** The three queries' `query_range` bodies: a daily wave of traffic, an error rate and a p95 that wander by window. */
function history() {
  const next = random(SEED);
  const windows = (DAYS * 86_400) / STEP;
  const segments = [];
  for (const [region, regionShare] of Object.entries(REGIONS))
    for (const [device, deviceShare] of Object.entries(DEVICES)) segments.push({ region, device, share: regionShare * deviceShare });
  const series = { requests: [], errors: [], latencyP95Ms: [] };
  for (const segment of segments) {
    const requests = [];
    const errors = [];
    const latency = [];
    for (let i = 1; i <= windows; i++) {
      const time = FROM + i * STEP;
      const wave = 1 + 0.5 * Math.sin((2 * Math.PI * (time / 3600 - 9)) / 24);
      const rate = REQUESTS_PER_SECOND * segment.share * wave * (0.9 + 0.2 * next());
      const errorRate = 0.005 * (0.5 + next()) * (next() < 0.001 ? 20 : 1);
      requests.push([time, String(rate)]);
      errors.push([time, String(rate * errorRate)]);
      latency.push([time, String(180 * (0.85 + 0.3 * next()))]);
    }
    const metric = { region: segment.region, device: segment.device };
    series.requests.push({ metric, values: requests });
    series.errors.push({ metric, values: errors });
    series.latencyP95Ms.push({ metric, values: latency });
  }
  const window = `${STEP / 60}m`;
  return {
    format: 'stagegate-metrics-history',
    version: 1,
    savedBy: 'bench/backtest.bench.mjs',
    savedAt: new Date(0).toISOString(),
    source: { server: 'http://bench.invalid' },
    range: { from: new Date(FROM * 1000).toISOString(), to: new Date((FROM + windows * STEP) * 1000).toISOString() },
    window,
    step: STEP,
    queries: Object.entries(QUERIES).map(([signal, query]) => {
      // Prometheus answers at most 11,000 points per series: the parts a real run asks and saves.
      const responses = [];
      for (let start = 0; start < windows; start += 10_000)
        responses.push({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: series[signal].map((one) => ({ metric: one.metric, values: one.values.slice(start, start + 10_000) })),
          },
        });
      return { signal, query: query.replaceAll('$window', window), start: FROM + STEP, end: FROM + windows * STEP, step: STEP, responses };
    }),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const work = mkdtempSync(join(tmpdir(), 'stagegate-backtest-bench-'));
try {
  const plan = join(work, 'checkout.release.yaml');
  const file = join(work, 'history.json');
  const preload = join(work, 'max-rss.cjs');
  writeFileSync(plan, PLAN);
  writeFileSync(file, JSON.stringify(history()));
  // The CLI's own peak resident set, in kB (resourceUsage's unit), on stderr as it exits.
  writeFileSync(
    preload,
    "process.on('exit', () => require('fs').writeSync(2, `\\nstagegate-bench-maxrss ${process.resourceUsage().maxRSS}\\n`));\n",
  );
  const args = ['-r', preload, join(root, 'bin/stagegate.js'), 'backtest', plan, '--history', file, '--window', '1m', '--every', '1h'];
  const times = [];
  const rss = [];
  let output;
  for (let round = 0; round <= runs; round++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...args, '--format', 'json'], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`backtest exited with ${result.status}: ${result.stderr.slice(0, 2000)}`);
    const peak = /stagegate-bench-maxrss (\d+)/.exec(result.stderr);
    // The first round warms the page cache for the rest.
    if (round > 0) {
      times.push(ms);
      rss.push(Number(peak[1]) / 1024);
    }
    output = JSON.parse(result.stdout);
  }
  const summary = {
    node: process.version,
    days: DAYS,
    window: '1m',
    segments: Object.keys(REGIONS).length * Object.keys(DEVICES).length,
    historyMB: Math.round((statSync(file).size / 2 ** 20) * 10) / 10,
    replays: output.replays,
    runs,
    medianMs: Math.round(median(times)),
    maxRssMB: Math.round(Math.max(...rss)),
  };
  if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else {
    console.log(
      `stagegate backtest benchmark · node ${summary.node} · ${summary.days} days of ${summary.window} windows, ${summary.segments} segments, hourly starts`,
    );
    console.log(`history file ${summary.historyMB} MB (--history), ${summary.replays} rollouts replayed`);
    console.log(
      `wall time ${summary.medianMs.toLocaleString('en-US')} ms (median of ${runs} runs), peak resident memory ${summary.maxRssMB} MB`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
