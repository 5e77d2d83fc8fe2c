// Readiness items 1 and 4 in the editor: the language server measures a plan's labels only inside the Calibrate
// command, after the address check, against a real Prometheus holding series with and without the labels. Before it,
// the readiness says "not measured"; after it, the items count as measured and `metrics-label-missing` is a
// diagnostic where `check --metrics` places it; a refused address measures nothing; a change of the plan's queries
// drops the measurement, a change elsewhere keeps it.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, runCli } from '../helpers';
import { labelledSeries } from '../calibrate/labelled-series';
import { startPrometheus, type PrometheusServer } from '../calibrate/prometheus-server';
import { LspSession, PUSH_CLIENT } from './lsp-client';

const FOLDER = path.join(FIXTURES, 'readiness-metrics');
const RULE = 'metrics-label-missing';
const SECRET = 'label-tenant-7d21c9e05b';

interface Item {
  question: string;
  ready: boolean;
  reason: string;
  measured?: boolean;
}
interface Readiness {
  readyCount: number;
  items: Item[];
}

describe('readiness labels measured by the Calibrate command over LSP', function () {
  this.timeout(120_000);
  let prometheus: PrometheusServer;
  let root: string;
  let session: LspSession | undefined;

  before(async () => {
    prometheus = await startPrometheus(labelledSeries(Date.now() / 1000));
  });
  after(async () => {
    await prometheus?.stop();
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-lsp-labels-'));
  });
  afterEach(async () => {
    session?.kill();
    session = undefined;
    await fs.rm(root, { recursive: true, force: true });
  });

  /** The fixture plan reading `service`'s series from the test's Prometheus, its flag file, and a server on them. */
  async function start(service: string): Promise<{ uri: string; text: string; session: LspSession }> {
    await fs.copyFile(path.join(FOLDER, 'checkout.flags.yaml'), path.join(root, 'checkout.flags.yaml'));
    const text = (await fs.readFile(path.join(FOLDER, 'checkout.release.yaml'), 'utf8'))
      .replaceAll('service="checkout"', `service="${service}"`)
      .replace('metrics:\n', `metrics:\n  prometheus:\n    url: ${prometheus.url}\n`);
    await fs.writeFile(path.join(root, 'checkout.release.yaml'), text);
    session = LspSession.start();
    await session.initialize(root, PUSH_CLIENT, { metricsAccess: true });
    await session.initialized();
    await session.status();
    return { uri: `file://${path.join(root, 'checkout.release.yaml')}`, text, session };
  }

  async function readiness(session: LspSession, uri: string): Promise<Readiness> {
    const [plan] = (await session.connection.sendRequest('stagegate/readiness', { uri })) as Readiness[];
    assert.ok(plan, 'the plan has a readiness');
    return plan;
  }

  const labelDiagnostics = (session: LspSession, uri: string) =>
    (session.diagnosticsOf(uri) ?? []).filter((diagnostic) => diagnostic.code === RULE);
  const messageText = (message: string | { value: string }) => (typeof message === 'string' ? message : message.value);

  it('not measured before Calibrate; measured after it, with the findings `check --metrics` gives, at its ranges', async () => {
    const { uri, session } = await start('unversioned');
    const before = await readiness(session, uri);
    assert.deepStrictEqual([before.items[0].measured, before.items[3].measured], [false, false]);
    assert.match(before.items[0].reason, /Not measured against the recorded series/);
    assert.deepStrictEqual(labelDiagnostics(session, uri), []);

    const asked: string[] = [];
    session.connection.onRequest('stagegate/metricsAccess', (params: { address: string }) => {
      asked.push(params.address);
      return { allowed: true, headers: { 'X-Scope-OrgID': SECRET } };
    });
    const result = (await session.connection.sendRequest('stagegate/calibrate', { uri, last: '2h' })) as { error?: string };
    assert.strictEqual(result.error, undefined, result.error);
    assert.strictEqual(asked.length, 1);

    const after = await readiness(session, uri);
    const [version, , , flags] = after.items;
    assert.deepStrictEqual([version.measured, version.ready], [true, false], version.reason);
    assert.match(version.reason, /Measured .*"version"/);
    assert.deepStrictEqual([flags.measured, flags.ready], [true, true], flags.reason);
    assert.strictEqual(after.readyCount, before.readyCount - 1, 'the version item, ready from the files, is not ready measured');
    assert.ok(!JSON.stringify(after).includes(SECRET));

    await session.waitFor(() => labelDiagnostics(session, uri).length > 0);
    const diagnostics = labelDiagnostics(session, uri);
    const cli = await runCli(
      ['check', '.', '--metrics', '--prometheus', prometheus.url, '--format', 'json', '--today', '2026-11-30'],
      root,
    );
    const rows = (JSON.parse(cli.stdout) as { line: number; column: number; message: string; ruleId: string }[]).filter(
      (row) => row.ruleId === RULE,
    );
    assert.ok(rows.length > 0, cli.stderr);
    // Calibrate measures at the end of its history and over it (2h here), `check --metrics` now over a day: the same
    // findings at the same places, the window aside.
    const windowless = (message: string) =>
      message.replace(/ in the \S+ before \S+\. /, ' in the (window). ').replace(/\[\d+h\]/g, '[(window)]');
    assert.deepStrictEqual(
      diagnostics.map((diagnostic) => ({
        line: diagnostic.range.start.line + 1,
        column: diagnostic.range.start.character + 1,
        message: windowless(messageText(diagnostic.message)),
      })),
      rows.map(({ line, column, message }) => ({ line, column, message: windowless(message) })),
    );
    assert.match(messageText(diagnostics[0].message), / in the 2h before /);
    assert.ok(!session.messages.join('\n').includes(SECRET));
  });

  it('series carrying every label: both items measured ready, no diagnostic', async () => {
    const { uri, session } = await start('checkout');
    session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: true, headers: {} }));
    const result = (await session.connection.sendRequest('stagegate/calibrate', { uri, last: '2h' })) as { error?: string };
    assert.strictEqual(result.error, undefined, result.error);
    const [version, , , flags] = (await readiness(session, uri)).items;
    assert.deepStrictEqual(
      [version.measured, version.ready, flags.measured, flags.ready],
      [true, true, true, true],
      `${version.reason}\n${flags.reason}`,
    );
    await session.status();
    assert.deepStrictEqual(labelDiagnostics(session, uri), []);
  });

  it('a refused address measures nothing: still not measured, no diagnostic', async () => {
    const { uri, session } = await start('unversioned');
    session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: false, reason: 'refused in the test' }));
    assert.deepStrictEqual(await session.connection.sendRequest('stagegate/calibrate', { uri, last: '2h' }), {
      refused: 'refused in the test',
    });
    const [version, , , flags] = (await readiness(session, uri)).items;
    assert.deepStrictEqual([version.measured, flags.measured], [false, false]);
    await session.status();
    assert.deepStrictEqual(labelDiagnostics(session, uri), []);
  });

  it('a change to the plan that changes its queries drops the measurement; a change elsewhere keeps it', async () => {
    const { uri, text, session } = await start('unversioned');
    session.connection.onRequest('stagegate/metricsAccess', () => ({ allowed: true, headers: {} }));
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const result = (await session.connection.sendRequest('stagegate/calibrate', { uri, last: '2h' })) as { error?: string };
    assert.strictEqual(result.error, undefined, result.error);
    await session.waitFor(() => labelDiagnostics(session, uri).length > 0);

    // Elsewhere: the owner. The findings move with the text, the measurement stays.
    const owned = text.replace('owner: team-payments', 'owner: team-checkout-payments');
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: owned }],
    });
    assert.strictEqual((await readiness(session, uri)).items[0].measured, true);
    assert.ok(labelDiagnostics(session, uri).length > 0);

    // The queries: another service's series, not measured.
    const other = owned.replaceAll('service="unversioned"', 'service="checkout"');
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ text: other }],
    });
    const [version, , , flags] = (await readiness(session, uri)).items;
    assert.deepStrictEqual([version.measured, flags.measured], [false, false]);
    await session.waitFor(() => labelDiagnostics(session, uri).length === 0);
  });
});
