// Calibrate and backtest in the language server, over LSP: no query leaves before the client allows the address (the
// VS Code client through `stagegate/metricsAccess`, any other editor through `window/showMessageRequest`, asked once),
// a refusal sends nothing, the calibration's edit writes the plan as `stagegate calibrate --write` does, and a
// credential (from the environment or the client's secret store) appears nowhere the user can see, even when the
// server echoes it back.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { FIXTURES, freePort, runCli } from '../helpers';
import { DEFAULT_HISTORY, generateHistory } from '../calibrate/history';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';
import { LspSession, PUSH_CLIENT } from './lsp-client';

const FROM = '2025-11-03T00:00Z';
const TO = '2025-11-10T00:00Z';
const ENV_SECRET = 'env-tenant-9f1c2e77d0';
const STORED_SECRET = 'stored-token-4b7e11a0c3';

interface Access {
  address: string;
  server: string;
  namedBy: string;
}

interface TextEditJson {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** A plan's text with `metrics.prometheus.url` set. */
function withUrl(text: string, url: string): string {
  assert.match(text, /\n {2}prometheus:\n/);
  return text.replace(/\n {2}prometheus:\n/, `\n  prometheus:\n    url: ${url}\n`);
}

function applyEdit(text: string, edit: TextEditJson): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; character: number }) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

/** A real HTTP server standing for an unknown address: counts what reaches it, answers as `answer` says. */
async function recordingServer(
  answer: (request: http.IncomingMessage, body: string) => { status: number; body: unknown },
): Promise<{ url: string; requests: { headers: http.IncomingHttpHeaders; body: string }[]; close(): Promise<void> }> {
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ headers: request.headers, body });
      const reply = answer(request, body);
      response.writeHead(reply.status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('calibrate and backtest over LSP', function () {
  this.timeout(120_000);
  let prometheus: PrometheusServer;
  let root: string;
  let session: LspSession | undefined;
  const saved = process.env.STAGEGATE_TEST_TENANT;

  before(async () => {
    prometheus = await startPrometheus(generateHistory(DEFAULT_HISTORY));
  });
  after(async () => {
    await prometheus?.stop();
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-lsp-metrics-'));
  });
  afterEach(async () => {
    session?.kill();
    session = undefined;
    if (saved === undefined) delete process.env.STAGEGATE_TEST_TENANT;
    else process.env.STAGEGATE_TEST_TENANT = saved;
    await fs.rm(root, { recursive: true, force: true });
  });

  /** A plan in a fresh workspace, and a server started on it (the environment as set now). */
  async function start(name: string, text: string, metricsAccess: boolean): Promise<{ uri: string; session: LspSession }> {
    await fs.writeFile(path.join(root, name), text);
    session = LspSession.start();
    await session.initialize(root, { ...PUSH_CLIENT, workspace: { ...PUSH_CLIENT.workspace, applyEdit: true } }, { metricsAccess });
    await session.initialized();
    await session.status();
    return { uri: `file://${path.join(root, name)}`, session };
  }

  it('asks before any query, and a refusal sends nothing (the VS Code client, then another editor, asked once)', async () => {
    const unknown = await recordingServer(() => ({ status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } }));
    try {
      const plan = withUrl(await fs.readFile(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8'), `${unknown.url}/prom`);
      const { uri, session } = await start('checkout.release.yaml', plan, true);
      const asked: Access[] = [];
      session.connection.onRequest('stagegate/metricsAccess', (params: Access) => {
        asked.push(params);
        return { allowed: false, reason: 'refused in the test' };
      });
      const refused = await session.connection.sendRequest('stagegate/calibrate', { uri, from: FROM, to: TO });
      assert.deepStrictEqual(refused, { refused: 'refused in the test' });
      const port = new URL(unknown.url).port;
      assert.deepStrictEqual(asked, [
        { address: `http://127.0.0.1:${port}`, server: `${unknown.url}/prom`, namedBy: 'checkout.release.yaml' },
      ]);
      assert.deepStrictEqual(await session.connection.sendRequest('stagegate/backtest', { uri, from: FROM, to: TO }), {
        refused: 'refused in the test',
      });
      assert.strictEqual(unknown.requests.length, 0, 'no request reached the address');
      session.kill();

      // An editor without Stagegate's client: the plain LSP question, its answer remembered while the server runs.
      const other = await start('checkout.release.yaml', plan, false);
      const questions: { message: string; actions: { title: string }[] }[] = [];
      other.session.connection.onRequest('window/showMessageRequest', (params: { message: string; actions: { title: string }[] }) => {
        questions.push(params);
        return { title: 'Do Not Allow' };
      });
      for (let run = 0; run < 2; run++) {
        const answer = (await other.session.connection.sendRequest('stagegate/calibrate', { uri: other.uri, from: FROM, to: TO })) as {
          refused?: string;
        };
        assert.match(answer.refused ?? '', /is not allowed: no query was sent/);
      }
      assert.strictEqual(questions.length, 1, 'asked once');
      assert.match(
        questions[0].message,
        new RegExp(`checkout\\.release\\.yaml asks to query the metrics server http://127\\.0\\.0\\.1:${port}`),
      );
      assert.deepStrictEqual(
        questions[0].actions.map((action) => action.title),
        ['Allow', 'Do Not Allow'],
      );
      assert.strictEqual(unknown.requests.length, 0, 'no request reached the address');
    } finally {
      await unknown.close();
    }
  });

  it('calibrates from a real Prometheus once allowed; its edit writes the plan as `stagegate calibrate --write` does', async () => {
    const original = await fs.readFile(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8');
    const plan = withUrl(original, prometheus.url);
    // The plan's env:STAGEGATE_TEST_TENANT is not set: the header comes from the client's secret store.
    delete process.env.STAGEGATE_TEST_TENANT;
    const { uri, session } = await start('checkout.release.yaml', plan, true);
    session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: true, headers: { 'X-Scope-OrgID': STORED_SECRET } }));
    const result = (await session.connection.sendRequest('stagegate/calibrate', { uri, from: FROM, to: TO })) as {
      error?: string;
      calibration: { traffic: { requestsPerSecond: number } };
      summary: string;
      target: string;
      targetExists: boolean;
      baseText: string;
      edit: TextEditJson;
    };
    assert.strictEqual(result.error, undefined, result.error);
    assert.strictEqual(result.target, uri);
    assert.strictEqual(result.targetExists, true);
    assert.strictEqual(result.baseText, plan);
    assert.match(
      result.summary,
      /^Calibrated from http:\/\/127\.0\.0\.1:\d+, 2025-11-03T00:00:00Z to 2025-11-10T00:00:00Z: 336 windows of 30m/,
    );
    const written = applyEdit(plan, result.edit);
    assert.strictEqual(parse(written).traffic.requestsPerSecond, result.calibration.traffic.requestsPerSecond);
    // The edit replaces only what changed: the head of the file is not in it.
    assert.ok(result.edit.range.start.line > 0);

    // The CLI's --write on a copy of the same plan gives the same file, apart from the minute the stamp gives.
    const copy = path.join(root, 'cli-copy.release.yaml');
    await fs.writeFile(copy, plan);
    // (The server's environment was fixed when it started; the CLI runs in this process.)
    process.env.STAGEGATE_TEST_TENANT = STORED_SECRET;
    const cli = await runCli(['calibrate', copy, '--from', FROM, '--to', TO, '--write'], root);
    assert.strictEqual(cli.code, 0, cli.stderr);
    const stampless = (text: string) => text.replace(/calibrate at \S+ from/, 'calibrate at (time) from');
    assert.strictEqual(stampless(written), stampless(await fs.readFile(copy, 'utf8')));
  });

  it("calibrates an Argo Rollout from its AnalysisTemplate's query; the edit creates .stagegate.yaml as --write does", async () => {
    const argo = path.join(FIXTURES, 'calibrate', 'argo');
    for (const file of await fs.readdir(argo)) {
      const text = await fs.readFile(path.join(argo, file), 'utf8');
      await fs.writeFile(path.join(root, file), text.replace(/http:\/\/prometheus\.monitoring[\w.]*:9090/g, prometheus.url));
    }
    const rollout = await fs.readFile(path.join(root, 'rollout.yaml'), 'utf8');
    const { uri, session } = await start('rollout.yaml', rollout, true);
    const asked: Access[] = [];
    session.connection.onRequest('stagegate/metricsAccess', (params: Access) => {
      asked.push(params);
      return { allowed: true, headers: {} };
    });
    const result = (await session.connection.sendRequest('stagegate/calibrate', { uri, from: FROM, to: TO })) as {
      error?: string;
      target: string;
      targetExists: boolean;
      baseText: string;
      edit: TextEditJson;
      notes: string[];
    };
    assert.strictEqual(result.error, undefined, result.error);
    assert.deepStrictEqual(
      asked.map((access) => access.namedBy),
      ['rollout.yaml (through the templates it references)'],
    );
    assert.strictEqual(result.target, `file://${path.join(root, '.stagegate.yaml')}`);
    assert.deepStrictEqual([result.targetExists, result.baseText], [false, '']);
    assert.ok(
      result.notes.some((note) => /requests from success-rate\/success-rate: .*\[30m\]/.test(note)),
      result.notes.join('\n'),
    );
    const written = applyEdit('', result.edit);
    assert.match(written, /^simulation:\n {2}# Calibrated by stagegate calibrate at /);

    const cli = await runCli(['calibrate', path.join(root, 'rollout.yaml'), '--from', FROM, '--to', TO, '--write'], root);
    assert.strictEqual(cli.code, 0, cli.stderr);
    const stampless = (text: string) => text.replace(/calibrate at \S+ from/, 'calibrate at (time) from');
    assert.strictEqual(stampless(written), stampless(await fs.readFile(path.join(root, '.stagegate.yaml'), 'utf8')));
  });

  it('backtests a plan on a real Prometheus once allowed, answering what `backtest --format json` prints', async () => {
    const original = await fs.readFile(path.join(FIXTURES, 'backtest', 'checkout.release.yaml'), 'utf8');
    const plan = original.replace('metrics:\n', `metrics:\n  prometheus:\n    url: ${prometheus.url}\n`);
    const { session } = await start('other.release.yaml', plan, true);
    // A plan written after the server started and not opened: asked about before any file event reaches the server.
    await fs.writeFile(path.join(root, 'checkout.release.yaml'), plan);
    const uri = `file://${path.join(root, 'checkout.release.yaml')}`;
    session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: true, headers: {} }));
    const answer = (await session.connection.sendRequest('stagegate/backtest', {
      uri,
      from: FROM,
      to: '2025-11-05T00:00Z',
      every: '30m',
    })) as {
      error?: string;
      plan: { name: string };
      replays: number;
      byGate: unknown[];
      source: { server: string };
    };
    assert.strictEqual(answer.error, undefined, answer.error);
    const copy = path.join(root, 'copy.release.yaml');
    await fs.writeFile(copy, original);
    const cli = await runCli(
      ['backtest', copy, '--prometheus', prometheus.url, '--from', FROM, '--to', '2025-11-05T00:00Z', '--every', '30m', '--format', 'json'],
      root,
    );
    assert.strictEqual(cli.code, 0, cli.stderr);
    assert.deepStrictEqual(answer, JSON.parse(cli.stdout));
    assert.strictEqual(answer.plan.name, 'checkout-2.5');
    assert.ok(answer.replays > 0);
  });

  it('never shows a credential, even one the server echoes back, in answers, messages or a written plan', async () => {
    // A server that quotes the request's headers in its error, as some proxies do; and one that returns them as label values.
    const echoing = await recordingServer((request) => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: `refused headers ${JSON.stringify(request.headers)}` },
    }));
    const labelling = await recordingServer((request) => ({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [{ metric: { region: String(request.headers['x-scope-orgid']) }, values: [[1762128000 + 1800, '1']] }],
        },
      },
    }));
    try {
      process.env.STAGEGATE_TEST_TENANT = ENV_SECRET;
      const original = await fs.readFile(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8');
      const seen: string[] = [];
      for (const [server, metricsAccess] of [
        [echoing, true],
        [labelling, true],
        [echoing, false],
      ] as const) {
        const { uri, session } = await start('checkout.release.yaml', withUrl(original, server.url), metricsAccess);
        session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: true, headers: { Authorization: STORED_SECRET } }));
        session.connection.onRequest('window/showMessageRequest', () => ({ title: 'Allow' }));
        const before = server.requests.length;
        seen.push(JSON.stringify(await session.connection.sendRequest('stagegate/calibrate', { uri, from: FROM, to: TO })));
        seen.push(JSON.stringify(await session.connection.sendRequest('stagegate/backtest', { uri, from: FROM, to: TO })));
        // The path of other editors: the server shows the outcome itself.
        seen.push(
          JSON.stringify(
            await session.connection.sendRequest('workspace/executeCommand', { command: 'stagegate.calibrate', arguments: [uri] }),
          ),
        );
        assert.ok(server.requests.length > before, 'the server was reached');
        await session.status();
        seen.push(...session.messages);
        session.kill();
      }
      // The credentials were sent (so a leak was possible), and are nowhere in what came back.
      assert.ok(echoing.requests.some((request) => request.headers['x-scope-orgid'] === ENV_SECRET));
      assert.ok(echoing.requests.some((request) => request.headers.authorization === STORED_SECRET));
      const all = seen.join('\n');
      assert.match(all, /refused headers/);
      assert.match(all, /\[redacted\]/);
      assert.match(all, /answered with a credential among its values: nothing is written/);
      assert.ok(!all.includes(ENV_SECRET), 'the environment credential is not shown');
      assert.ok(!all.includes(STORED_SECRET), 'the stored credential is not shown');
    } finally {
      await echoing.close();
      await labelling.close();
    }
  });
});
