// Readiness items 1 and 4 measured through the CLI against a real Prometheus: generated request series of several
// services, each carrying or lacking the version label, the flag's label and the region label. Each missing label
// gives its finding at what needs it, with the query that showed it; present labels give none; `check` without
// --metrics contacts no server; a server that is down, refuses the credentials or holds no series is named, never a
// crash.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, freePort, runCli } from '../helpers';
import { labelledSeries } from './labelled-series';
import { startPrometheus, type PrometheusServer } from './prometheus-server';

const FOLDER = path.join(FIXTURES, 'readiness-metrics');
const TODAY = ['--today', '2026-11-30'];
const SECRET = 'Basic c2VjcmV0LXRva2VuLXZhbHVl';

interface Row {
  file: string;
  line: number;
  column: number;
  message: string;
  ruleId: string;
}

describe('readiness measured against the series (check --metrics, calibrate)', function () {
  this.timeout(120_000);
  let server: PrometheusServer;
  let folder: string;

  before(async () => {
    server = await startPrometheus(labelledSeries(Date.now() / 1000));
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-readiness-'));
  });
  after(async () => {
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  /** The fixture plan and its flag file, the plan's queries reading `service`'s series; `edit` changes the plan's text. */
  async function planFor(service: string, edit: (text: string) => string = (text) => text): Promise<{ dir: string; text: string }> {
    const dir = path.join(folder, `${service}-${Math.random().toString(36).slice(2, 8)}`);
    await fs.mkdir(dir);
    await fs.copyFile(path.join(FOLDER, 'checkout.flags.yaml'), path.join(dir, 'checkout.flags.yaml'));
    const text = edit(
      (await fs.readFile(path.join(FOLDER, 'checkout.release.yaml'), 'utf8')).replaceAll('service="checkout"', `service="${service}"`),
    );
    await fs.writeFile(path.join(dir, 'checkout.release.yaml'), text);
    return { dir, text };
  }

  /** 1-based line and column of `needle` in `text` (its `occurrence`-th appearance). */
  function at(text: string, needle: string, occurrence = 1): { line: number; column: number } {
    let index = -1;
    for (let n = 0; n < occurrence; n++) index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `${needle} is in the plan`);
    const before = text.slice(0, index).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  async function checkJson(dir: string, ...extra: string[]): Promise<{ code: number; rows: Row[]; stderr: string }> {
    const { code, stdout, stderr } = await runCli(['check', '.', '--format', 'json', ...TODAY, ...extra], dir);
    return { code, rows: (JSON.parse(stdout) as Row[]).filter((row) => row.ruleId === 'metrics-label-missing'), stderr };
  }

  /** The readiness lines of `check --readiness`: `[x]`/`[ ]` and the reason, by item number (1-based). */
  function items(stdout: string): { ready: boolean; reason: string }[] {
    const lines = stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('Readiness of '));
    assert.ok(start >= 0, stdout);
    return [0, 1, 2, 3, 4].map((index) => ({
      ready: lines[start + 1 + 2 * index].includes('[x]'),
      reason: lines[start + 2 + 2 * index].trim(),
    }));
  }

  const countQuery = (selector: string) => `count by (version, flag_new_checkout, region) (last_over_time(${selector}[24h]))`;

  it('without --metrics, check contacts no server and says the two items were not measured, and how to measure them', async () => {
    const { dir } = await planFor('unversioned');
    const saved = process.env.STAGEGATE_PROMETHEUS_URL;
    process.env.STAGEGATE_PROMETHEUS_URL = server.url;
    try {
      const { code, stdout } = await runCli(['check', '.', '--readiness', ...TODAY], dir);
      assert.strictEqual(code, 0, stdout);
      assert.ok(!stdout.includes('metrics-label-missing'), 'no series were read: the unversioned series would give findings');
      const [version, , , flags] = items(stdout);
      assert.ok(version.ready, 'from the files, metadata.version is set');
      assert.match(
        version.reason,
        /Not measured against the recorded series: `stagegate check --readiness --metrics` checks that they carry the "version" label and the breakdown labels \(region\)\./,
      );
      assert.match(flags.reason, /Not measured against the recorded series: .*a label for each flag \(flag_new_checkout\)\./);
    } finally {
      if (saved === undefined) delete process.env.STAGEGATE_PROMETHEUS_URL;
      else process.env.STAGEGATE_PROMETHEUS_URL = saved;
    }
  });

  it('series that carry every label give no finding, and both items are measured ready', async () => {
    const { dir } = await planFor('checkout');
    const { code, rows, stderr } = await checkJson(dir, '--metrics', '--prometheus', server.url);
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(rows, []);
    const text = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', server.url, ...TODAY], dir);
    const [version, , , flags] = items(text.stdout);
    assert.ok(version.ready && flags.ready, text.stdout);
    // 2 versions × 2 flag states × 2 regions: for both codes in the requests' selector, for one in the errors'.
    assert.match(
      version.reason,
      /Measured: the series of http_requests_total\{service="checkout"\} \(16\) and http_requests_total\{service="checkout",code=~"5.."\} \(8\) in the 24h before .* carry the "version" label and the breakdown labels \(region\)\./,
    );
    assert.match(flags.reason, /Measured: .* carry a label for each flag \(flag_new_checkout\)\./);
  });

  it('a missing version label is a finding on each query whose series lack it, with the query that showed it', async () => {
    const { dir, text } = await planFor('unversioned');
    const { code, rows, stderr } = await checkJson(dir, '--metrics', '--prometheus', server.url);
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(
      rows.map((row) => ({ line: row.line, column: row.column })),
      [
        at(text, 'sum by (region) (rate(http_requests_total{service="unversioned"}['),
        at(text, 'sum by (region) (rate(http_requests_total{service="unversioned",code'),
      ],
    );
    assert.ok(
      rows[0].message.startsWith(
        'The requests series cannot be split by version: 8 of 8 series of http_requests_total{service="unversioned"}',
      ),
      rows[0].message,
    );
    assert.ok(rows[0].message.includes(`The query: ${countQuery('http_requests_total{service="unversioned"}')}`), rows[0].message);
    assert.ok(rows[1].message.includes(`4 of 4 series of http_requests_total{service="unversioned",code=~"5.."}`), rows[1].message);
    assert.ok(
      rows[1].message.includes(`The query: ${countQuery('http_requests_total{service="unversioned",code=~"5.."}')}`),
      rows[1].message,
    );
    const readiness = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', server.url, ...TODAY], dir);
    const [version, , , flags] = items(readiness.stdout);
    assert.ok(!version.ready, version.reason);
    assert.match(
      version.reason,
      /Measured in the 24h before .*: 8 of 8 series of http_requests_total\{service="unversioned"\} carry no "version" label/,
    );
    assert.ok(flags.ready, 'the flag label is there');
  });

  it('only the query whose series lack the label gets the finding', async () => {
    const { dir, text } = await planFor('partial');
    const { rows } = await checkJson(dir, '--metrics', '--prometheus', server.url);
    assert.deepStrictEqual(
      rows.map((row) => ({ line: row.line, column: row.column })),
      [at(text, 'sum by (region) (rate(http_requests_total{service="partial"}[')],
    );
    assert.match(
      rows[0].message,
      /^The requests series cannot be split by version: 4 of 12 series of http_requests_total\{service="partial"\} /,
    );
  });

  it('a missing flag label is a finding on the flag, naming the label the flag maps to and the query', async () => {
    const { dir, text } = await planFor('unflagged');
    const { rows } = await checkJson(dir, '--metrics', '--prometheus', server.url);
    const flagAt = at(text, 'new-checkout');
    assert.deepStrictEqual(
      rows.map((row) => ({ line: row.line, column: row.column })),
      [flagAt, flagAt],
    );
    for (const row of rows)
      assert.match(
        row.message,
        /^Flag new-checkout: its states are not visible in the metrics: \d of \d series of .* carry no "flag_new_checkout" label/,
      );
    assert.ok(rows.some((row) => row.message.includes(`The query: ${countQuery('http_requests_total{service="unflagged"}')}`)));
    const readiness = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', server.url, ...TODAY], dir);
    const [version, , , flags] = items(readiness.stdout);
    assert.ok(version.ready && !flags.ready, readiness.stdout);
  });

  it('a breakdown dimension the series do not carry is a finding on the breakdown', async () => {
    const { dir, text } = await planFor('unregioned');
    const { rows } = await checkJson(dir, '--metrics', '--prometheus', server.url);
    const breakdownAt = at(text, 'region]');
    assert.deepStrictEqual(
      rows.map((row) => ({ line: row.line, column: row.column })),
      [breakdownAt, breakdownAt],
    );
    assert.match(
      rows[0].message,
      /^breakdown: \[region\] cannot be judged on the recorded series: \d of \d series of .* carry no "region" label/,
    );
    assert.ok(rows.some((row) => row.message.includes(countQuery('http_requests_total{service="unregioned"}'))));
    const readiness = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', server.url, ...TODAY], dir);
    assert.ok(!items(readiness.stdout)[0].ready, readiness.stdout);
  });

  it('metrics.labels names the version label and the flag labels', async () => {
    const named = await planFor('renamed', (text) =>
      text.replace('metrics:\n', 'metrics:\n  labels: { version: app_version, flag: "ff_{flag}" }\n'),
    );
    const { code, rows, stderr } = await checkJson(named.dir, '--metrics', '--prometheus', server.url);
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(rows, []);
    const unnamed = await planFor('renamed');
    const defaults = await checkJson(unnamed.dir, '--metrics', '--prometheus', server.url);
    assert.deepStrictEqual([...new Set(defaults.rows.map((row) => /carry no "([^"]+)" label/.exec(row.message)?.[1]))].sort(), [
      'flag_new_checkout',
      'version',
    ]);
  });

  it('calibrate reports the same findings, measured at the end of its history', async () => {
    const { dir, text } = await planFor('unversioned');
    const { code, stdout, stderr } = await runCli(
      ['calibrate', 'checkout.release.yaml', '--prometheus', server.url, '--last', '2h', '--format', 'json'],
      dir,
    );
    assert.strictEqual(code, 0, stderr);
    const labels = (JSON.parse(stdout) as { labels: { findings: Row[] } }).labels;
    assert.deepStrictEqual(
      labels.findings.map((row) => ({ line: row.line, column: row.column, ruleId: row.ruleId })),
      [
        { ...at(text, 'sum by (region) (rate(http_requests_total{service="unversioned"}['), ruleId: 'metrics-label-missing' },
        { ...at(text, 'sum by (region) (rate(http_requests_total{service="unversioned",code'), ruleId: 'metrics-label-missing' },
      ],
    );
    assert.ok(
      labels.findings[0].message.includes('last_over_time(http_requests_total{service="unversioned"}[2h])'),
      labels.findings[0].message,
    );
    const plain = await runCli(['calibrate', 'checkout.release.yaml', '--prometheus', server.url, '--last', '2h'], dir);
    assert.match(
      plain.stdout,
      /labels \(readiness: version, flags, breakdown\)\n {2}checkout\.release\.yaml:\d+:\d+ {2}warning {2}The requests series cannot be split by version/,
    );
  });

  it('a plan whose selectors match no series is named, with the query, and check exits 2', async () => {
    const { dir } = await planFor('absent');
    const { code, stdout, stderr } = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', server.url, ...TODAY], dir);
    assert.strictEqual(code, 2, stderr);
    assert.match(
      stderr,
      /checkout\.release\.yaml: labels not measured: the labels of the requests series: http_requests_total\{service="absent"\} matched no series in the 24h before .*The query was: count by \(version, flag_new_checkout, region\) \(last_over_time\(http_requests_total\{service="absent"\}\[24h\]\)\)/,
    );
    const [version, , , flags] = items(stdout);
    assert.match(version.reason, /Not measured: .*matched no series/);
    assert.match(flags.reason, /Not measured: .*matched no series/);
  });

  it('a server that is down is named, and the check still prints its findings and checklist', async () => {
    const { dir } = await planFor('checkout');
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await runCli(['check', '.', '--readiness', '--metrics', '--prometheus', down, ...TODAY], dir);
    assert.strictEqual(code, 2);
    assert.match(
      stderr,
      new RegExp(
        `labels not measured: the labels of the requests series: cannot reach Prometheus at ${down.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)`,
      ),
    );
    assert.match(items(stdout)[0].reason, /Not measured: .*cannot reach Prometheus/);
  });

  it('gives up after --timeout on a server that accepts the connection and never answers', async () => {
    const { dir } = await planFor('checkout');
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await runCli(
        ['check', '.', '--metrics', '--prometheus', `http://127.0.0.1:${port}`, '--timeout', '1s', ...TODAY],
        dir,
      );
      assert.strictEqual(code, 2);
      assert.match(
        stderr,
        /labels not measured: the labels of the requests series: http:\/\/127\.0\.0\.1:\d+ did not answer within 1 s \(--timeout\)\./,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('without an address, --metrics says where to give one', async () => {
    const { dir } = await planFor('checkout');
    const saved = process.env.STAGEGATE_PROMETHEUS_URL;
    delete process.env.STAGEGATE_PROMETHEUS_URL;
    try {
      const { code, stderr } = await runCli(['check', '.', '--metrics', ...TODAY], dir);
      assert.strictEqual(code, 2);
      assert.match(
        stderr,
        /labels not measured: no Prometheus address: pass --prometheus URL, set STAGEGATE_PROMETHEUS_URL, or write metrics\.prometheus\.url in the plan\./,
      );
    } finally {
      if (saved !== undefined) process.env.STAGEGATE_PROMETHEUS_URL = saved;
    }
  });

  it('--prometheus without --metrics is a usage error: check alone never contacts a server', async () => {
    const { dir } = await planFor('checkout');
    const { code, stderr } = await runCli(['check', '.', '--prometheus', server.url, ...TODAY], dir);
    assert.strictEqual(code, 2);
    assert.match(stderr, /--prometheus names the server --metrics asks; check alone never contacts one\./);
    const timeout = await runCli(['check', '.', '--timeout', '5s', ...TODAY], dir);
    assert.strictEqual(timeout.code, 2);
    assert.match(timeout.stderr, /--timeout goes with --metrics\./);
  });

  describe('behind authentication', () => {
    let guarded: PrometheusServer;
    before(async () => {
      // Any well-formed bcrypt hash: no password given here matches it, so every request is refused.
      guarded = await startPrometheus(labelledSeries(Date.now() / 1000), {
        webConfig: `basic_auth_users:\n  stagegate: $2y$04$${'a'.repeat(22)}${'b'.repeat(31)}\n`,
      });
    });
    after(async () => guarded?.stop());

    it('a 401 says to check the credentials, and never shows them', async () => {
      const { dir } = await planFor('checkout', (text) =>
        text.replace('metrics:\n', 'metrics:\n  prometheus:\n    headers: { Authorization: env:STAGEGATE_TEST_PROM_AUTH }\n'),
      );
      process.env.STAGEGATE_TEST_PROM_AUTH = SECRET;
      try {
        const { code, stdout, stderr } = await runCli(
          ['check', '.', '--readiness', '--metrics', '--prometheus', guarded.url, ...TODAY],
          dir,
        );
        assert.strictEqual(code, 2);
        assert.match(
          stderr,
          /labels not measured: the labels of the requests series: http:\/\/127\.0\.0\.1:\d+ answered 401 Unauthorized: check the credentials of metrics\.prometheus\.headers\./,
        );
        assert.ok(!`${stdout}${stderr}`.includes(SECRET) && !`${stdout}${stderr}`.includes('c2VjcmV0'), 'the credential is not shown');
      } finally {
        delete process.env.STAGEGATE_TEST_PROM_AUTH;
      }
    });
  });
});
