// The readiness items measured against the series reach the status bar in the real VS Code: before "Calibrate from
// Prometheus" the status bar says the two items are not measured; after it (the address allowed in the user's
// place), they are measured, the one whose series lack the version label is no longer ready, and
// `metrics-label-missing` is a diagnostic on the plan.

import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MetricsPrompts } from '../../../src/extension/metrics';
import { labelledSeries } from '../../unit/calibrate/labelled-series';
import { startPrometheus, type PrometheusServer } from '../../unit/calibrate/prometheus-server';
import { activateExtension, openDocument, ruleId, waitForDiagnostics, writeFile } from './helpers';

const REPOSITORY = path.resolve(__dirname, '..', '..', '..', '..');
const FOLDER = path.join(REPOSITORY, 'test', 'fixtures', 'readiness-metrics');

describe('readiness labels in the status bar of the real VS Code', function () {
  this.timeout(120_000);
  let prometheus: PrometheusServer;
  let original: MetricsPrompts;
  const asked: string[] = [];

  before(async () => {
    prometheus = await startPrometheus(labelledSeries(Date.now() / 1000));
    const api = await activateExtension();
    original = api.metrics.prompts;
    api.metrics.prompts = {
      allowAddress: async ({ address }) => {
        asked.push(address);
        return true;
      },
      writeCalibration: async () => false,
    };
  });

  after(async () => {
    (await activateExtension()).metrics.prompts = original;
    await prometheus?.stop();
  });

  it('Calibrate measures the readiness labels: the status bar counts them and the missing label is a diagnostic', async () => {
    const api = await activateExtension();
    await writeFile('labels/checkout.flags.yaml', await fs.readFile(path.join(FOLDER, 'checkout.flags.yaml'), 'utf8'));
    const text = (await fs.readFile(path.join(FOLDER, 'checkout.release.yaml'), 'utf8'))
      .replaceAll('service="checkout"', 'service="unversioned"')
      .replace('metrics:\n', `metrics:\n  prometheus:\n    url: ${prometheus.url}\n`);
    const uri = await writeFile('labels/checkout.release.yaml', text);
    await openDocument(uri);
    // The server reads the flag file the plan names as it scans: until then the plan's flags are unknown and fewer
    // items are ready. With both files read, the files make every item ready, two of them not measured.
    const deadline = Date.now() + 30_000;
    do {
      await api.status.update();
      if (api.status.text.includes('5/5 ready (2 not measured)')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    assert.match(api.status.text, /Stagegate 5\/5 ready \(2 not measured\) · /);

    const outcome = await vscode.commands.executeCommand<{ error?: string; written?: boolean }>('stagegate.calibrate', uri, {
      last: '2h',
    });
    assert.strictEqual(outcome.error, undefined, outcome.error);
    assert.strictEqual(asked.length, 1);

    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleId(diagnostic) === 'metrics-label-missing'));
    const missing = diagnostics.filter((diagnostic) => ruleId(diagnostic) === 'metrics-label-missing');
    assert.deepStrictEqual(
      missing.map((diagnostic) => diagnostic.range.start.line),
      [text.split('\n').findIndex((line) => line.includes('requests:')), text.split('\n').findIndex((line) => line.includes('errors:'))],
    );
    await api.status.update();
    assert.ok(!api.status.text.includes('not measured'), api.status.text);
    // Item 4 (flags) is measured ready; item 1 is not: the series carry no version label.
    assert.match(api.status.text, /Stagegate 4\/5 ready · /);
  });
});
