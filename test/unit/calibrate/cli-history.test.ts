// `--save-history` and `--history` through the CLI: a run against a real Prometheus (a seeded week with one burst)
// saves every response it used; `calibrate` and `backtest` read back from the file give the same output as against
// the server (all but `source`), a file saved by `calibrate` serves `backtest` on the same plan, and the credential
// sent as a header is in no file and no output. Then every way a history file can fail to serve a run: each a named
// message and exit 2.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory, MONDAY } from './history';
import { startPrometheus, type PrometheusServer } from './prometheus-server';

const PLAN = path.join(FIXTURES, 'calibrate', 'checkout.release.yaml');
const RANGE = ['--from', '2025-11-03T00:00Z', '--to', '2025-11-10T00:00Z'];
const TENANT = 'tenant-h1st0ry-secret';
const BURST_FROM = MONDAY + 2 * 86_400 + 14 * 3600;
const HISTORY = { ...DEFAULT_HISTORY, errorBursts: [{ from: BURST_FROM, to: BURST_FROM + 1800, errorRate: 0.3 }] };

type Output = Record<string, unknown> & { source: Record<string, string> };

describe('stagegate calibrate and backtest with --save-history and --history', function () {
  this.timeout(180_000);
  let server: PrometheusServer;
  let folder: string;
  let saved: string;
  const savedTenant = process.env.STAGEGATE_TEST_TENANT;

  before(async () => {
    server = await startPrometheus(generateHistory(HISTORY));
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-history-'));
    saved = path.join(folder, 'calibrate.history.json');
    process.env.STAGEGATE_TEST_TENANT = TENANT;
  });
  after(async () => {
    if (savedTenant === undefined) delete process.env.STAGEGATE_TEST_TENANT;
    else process.env.STAGEGATE_TEST_TENANT = savedTenant;
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  let online: Output;
  it('calibrate --save-history writes every response it used; calibrate --history gives the same calibration offline', async () => {
    const first = await runCli(
      ['calibrate', PLAN, '--prometheus', server.url, ...RANGE, '--format', 'json', '--save-history', saved],
      folder,
    );
    assert.strictEqual(first.code, 0, first.stderr);
    assert.match(first.stderr, /saved the responses of 5 queries to .*calibrate\.history\.json/);
    online = JSON.parse(first.stdout) as Output;
    const text = await fs.readFile(saved, 'utf8');
    const envelope = JSON.parse(text) as {
      format: string;
      version: number;
      savedBy: string;
      source: { server: string };
      range: { from: string; to: string };
      window: string;
      step: number;
      queries: { signal: string; query: string; start: number; end: number; step: number; responses: { status: string }[] }[];
    };
    assert.strictEqual(envelope.format, 'stagegate-metrics-history');
    assert.strictEqual(envelope.version, 1);
    assert.strictEqual(envelope.savedBy, 'stagegate calibrate');
    assert.deepStrictEqual(envelope.source, { server: server.url });
    assert.deepStrictEqual(envelope.range, { from: '2025-11-03T00:00:00Z', to: '2025-11-10T00:00:00Z' });
    assert.deepStrictEqual([envelope.window, envelope.step], ['30m', 1800]);
    assert.deepStrictEqual(
      envelope.queries.map((query) => query.signal),
      ['requests', 'errors', 'latencyP95Ms', 'kpi:payment-success', 'gauge:cpu'],
    );
    assert.strictEqual(envelope.queries[0].query, 'sum by (region) (rate(http_requests_total[30m]))');
    assert.deepStrictEqual([envelope.queries[0].start, envelope.queries[0].end], [MONDAY + 1800, MONDAY + 7 * 86_400]);
    for (const query of envelope.queries) assert.ok(query.responses.every((body) => body.status === 'success'));
    // The header's value was sent to the server, and is in neither the file nor the output.
    for (const where of [text, first.stdout, first.stderr]) assert.ok(!where.includes(TENANT));
    assert.deepStrictEqual(await fs.readdir(folder), ['calibrate.history.json'], 'no temporary file left beside it');

    // Offline: no server, no credential in the environment, and no range given (the file's own is used).
    delete process.env.STAGEGATE_TEST_TENANT;
    try {
      const again = await runCli(['calibrate', PLAN, '--history', saved, '--format', 'json'], folder);
      assert.strictEqual(again.code, 0, again.stderr);
      const offline = JSON.parse(again.stdout) as Output;
      assert.deepStrictEqual(offline.source, { server: server.url, history: saved });
      // The label counts readiness needs are asked of the server alone.
      assert.match(
        (offline as { labels?: { notMeasured?: string } }).labels?.notMeasured ?? '',
        /saved history holds the range queries only/,
      );
      assert.deepStrictEqual({ ...offline, source: undefined, labels: undefined }, { ...online, source: undefined, labels: undefined });
      const textOutput = await runCli(['calibrate', PLAN, '--history', saved], folder);
      assert.match(textOutput.stdout, new RegExp(`^Calibrated from ${escape(saved)} \\(saved from ${escape(server.url)}\\), 2025-11-03`));
    } finally {
      process.env.STAGEGATE_TEST_TENANT = TENANT;
    }
  });

  it('the file calibrate saved serves backtest on the same plan, over its range or part of it, as the server does', async () => {
    const args = ['backtest', PLAN, '--every', '1h', '--format', 'json'];
    const live = await runCli([...args, '--prometheus', server.url, ...RANGE], folder);
    assert.strictEqual(live.code, 0, live.stderr);
    const fromServer = JSON.parse(live.stdout) as Output & { trips: unknown[]; replays: number };
    // The burst stops some rollouts: the comparison is not of two empty results.
    assert.ok(fromServer.trips.length > 0 && fromServer.replays === 7 * 24 - 1);
    const replayed = await runCli([...args, '--history', saved], folder);
    assert.strictEqual(replayed.code, 0, replayed.stderr);
    const fromFile = JSON.parse(replayed.stdout) as Output;
    assert.deepStrictEqual(fromFile.source, { server: server.url, history: saved });
    assert.deepStrictEqual({ ...fromFile, source: undefined }, { ...fromServer, source: undefined });

    const part = ['--from', '2025-11-05T00:00Z', '--to', '2025-11-06T12:00Z'];
    const livePart = JSON.parse((await runCli([...args, '--prometheus', server.url, ...part], folder)).stdout) as Output;
    const filePart = await runCli([...args, '--history', saved, ...part], folder);
    assert.strictEqual(filePart.code, 0, filePart.stderr);
    assert.deepStrictEqual({ ...(JSON.parse(filePart.stdout) as Output), source: undefined }, { ...livePart, source: undefined });
    // calibrate pools every point it is given: the part read from the file holds the part's points only.
    const calibrateArgs = ['calibrate', PLAN, ...part, '--format', 'json'];
    const calibrateLive = JSON.parse((await runCli([...calibrateArgs, '--prometheus', server.url], folder)).stdout) as Output;
    const calibrateFile = await runCli([...calibrateArgs, '--history', saved], folder);
    assert.strictEqual(calibrateFile.code, 0, calibrateFile.stderr);
    assert.deepStrictEqual(
      { ...(JSON.parse(calibrateFile.stdout) as Output), source: undefined, labels: undefined },
      { ...calibrateLive, source: undefined, labels: undefined },
    );

    const text = await runCli(['backtest', PLAN, '--every', '1h', '--history', saved], folder);
    assert.match(text.stdout, new RegExp(`^Backtested on ${escape(saved)} \\(saved from ${escape(server.url)}\\), 2025-11-03T00:00:00Z`));
  });

  it('backtest --save-history saves what backtest read, and backtest --history replays it identically', async () => {
    const own = path.join(folder, 'backtest.history.json');
    const args = ['backtest', PLAN, ...RANGE, '--every', '2h', '--format', 'json'];
    const live = await runCli([...args, '--prometheus', server.url, '--save-history', own], folder);
    assert.strictEqual(live.code, 0, live.stderr);
    assert.match(live.stderr, /saved the responses of 4 queries/);
    const replayed = await runCli([...args, '--history', own], folder);
    assert.strictEqual(replayed.code, 0, replayed.stderr);
    assert.deepStrictEqual(
      { ...(JSON.parse(replayed.stdout) as Output), source: undefined },
      { ...(JSON.parse(live.stdout) as Output), source: undefined },
    );
    assert.ok(!(await fs.readFile(own, 'utf8')).includes(TENANT));
    // backtest reads requests, errors, latency and the KPIs its gates judge: the file does not serve calibrate's gauge
    // query, and says so.
    const calibrate = await runCli(['calibrate', PLAN, '--history', own], folder);
    assert.strictEqual(calibrate.code, 2);
    assert.match(
      calibrate.stderr,
      /^stagegate: gauge:cpu: .*backtest\.history\.json holds no response for the query .* \(it holds queries for requests, errors, latencyP95Ms, kpi:payment-success\): save the history again with this plan\.\n$/,
    );
    await fs.rm(own);
  });

  it('names the query, field or option when a history cannot serve the run, exit 2, never a crash', async () => {
    const cases: { args: string[]; file?: string; content?: string; message: RegExp }[] = [
      // A range outside the file.
      {
        args: ['--from', '2025-11-02T00:00Z', '--to', '2025-11-04T00:00Z'],
        message:
          /requests: .*calibrate\.history\.json covers 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z; this run asks 2025-11-02T00:00:00Z to 2025-11-04T00:00:00Z: pass --from and --to within it\./,
      },
      // Another window than the one it was saved with.
      {
        args: ['--window', '5m'],
        message:
          /requests: .*calibrate\.history\.json was saved with 30m windows \(step 1800 s\); this run uses 5m: pass --window 30m, or save the history again\./,
      },
      { args: [], file: 'missing.json', message: /missing\.json: cannot read \(ENOENT\)\./ },
      { args: [], content: '{"format": "stagegate-metrics-history", "version": 1', message: /is not a metrics history: it is not JSON/ },
      { args: [], content: '{"results": []}', message: /is not a metrics history: "format" is missing, not "stagegate-metrics-history"\./ },
      {
        args: [],
        content: '{"format": "stagegate-metrics-history", "version": 2}',
        message: /"version" is 2: this Stagegate reads version 1/,
      },
      // OpenMetrics text: raw series, which the plan's PromQL cannot be evaluated on here.
      {
        args: [],
        content: generateHistory({ ...DEFAULT_HISTORY, days: 1 }).slice(0, 2000) + '\n# EOF\n',
        message:
          /is OpenMetrics \(or Prometheus text\) exposition, which holds raw series: .*need a PromQL engine to answer, which Stagegate does not have/,
      },
    ];
    const envelope = JSON.parse(await fs.readFile(saved, 'utf8')) as {
      step: unknown;
      queries: { responses: { data: { result: { values: unknown[] }[] } }[] }[];
    };
    const damaged = structuredClone(envelope);
    damaged.queries[1].responses[0].data.result[1].values[7] = [MONDAY, 12];
    cases.push({
      args: [],
      content: JSON.stringify(damaged),
      message:
        /errors: .*"queries\[1\]\.responses\[0\]": "data\.result\[1\]\.values\[7\]" must be \[unix seconds, "value"\] \(got \[1762128000,12\]\)\./,
    });
    cases.push({
      args: [],
      content: JSON.stringify({ ...envelope, step: '30m' }),
      message: /"step" must be the evaluation window in seconds/,
    });
    // Prometheus writes infinities as "+Inf"/"-Inf": not damage, read as the live client reads them.
    const infinite = structuredClone(envelope);
    infinite.queries[2].responses[0].data.result[0].values[3] = [MONDAY + 4 * 1800, '+Inf'];
    const infiniteFile = path.join(folder, 'infinite.json');
    await fs.writeFile(infiniteFile, JSON.stringify(infinite));
    const read = await runCli(['calibrate', PLAN, '--history', infiniteFile, '--format', 'json'], folder);
    assert.strictEqual(read.code, 0, read.stderr);
    for (const [index, { args, file, content, message }] of cases.entries()) {
      let history = file ? path.join(folder, file) : saved;
      if (content !== undefined) {
        history = path.join(folder, `case-${index}.json`);
        await fs.writeFile(history, content);
      }
      for (const command of ['calibrate', 'backtest']) {
        const { code, stdout, stderr } = await runCli([command, PLAN, '--history', history, ...args], folder);
        assert.strictEqual(code, 2, `${command} case ${index}: ${stderr}`);
        assert.strictEqual(stdout, '');
        assert.match(stderr, message, `${command} case ${index}`);
        assert.doesNotMatch(stderr, /internal error/);
      }
    }
  });

  it('refuses --history with --prometheus or --save-history, and says when the history cannot be saved', async () => {
    const both = await runCli(['backtest', PLAN, '--history', saved, '--prometheus', server.url], folder);
    assert.strictEqual(both.code, 2);
    assert.match(both.stderr, /--history and --prometheus exclude each other/);
    const resave = await runCli(['calibrate', PLAN, '--history', saved, '--save-history', path.join(folder, 'x.json')], folder);
    assert.strictEqual(resave.code, 2);
    assert.match(resave.stderr, /--history and --save-history exclude each other/);
    const nowhere = path.join(folder, 'no-such-folder', 'h.json');
    const unsaved = await runCli(['calibrate', PLAN, '--prometheus', server.url, ...RANGE, '--save-history', nowhere], folder);
    assert.strictEqual(unsaved.code, 2);
    assert.match(unsaved.stderr, /no-such-folder\/h\.json: history not saved \(ENOENT\)\./);
    assert.strictEqual(unsaved.stdout, '');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
