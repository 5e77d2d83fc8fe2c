// The plan's "Calibrated …" CodeLens over LSP: read back from the comment `stagegate calibrate --write` puts above
// `traffic:` (written here by the same writer), beside Simulate and Scenario matrix; none on a plan never calibrated.

import * as assert from 'assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Calibration } from '../../../src/engine/calibrate/fit';
import { writeCalibration } from '../../../src/engine/calibrate/write';
import { FIXTURES } from '../helpers';
import { LspSession, PUSH_CLIENT } from './lsp-client';

const CALIBRATION: Calibration = {
  window: { from: '2025-11-03T00:00:00Z', to: '2025-11-10T00:00:00Z' },
  traffic: { requestsPerSecond: 100, dimensions: {} },
  baseline: { errorRate: 0.01, kpis: {}, gauges: {} },
  dispersion: {},
  samples: { window: '30m', windows: 336, requests: 60_480_000 },
  notes: [],
};

describe('the calibrated CodeLens over LSP', function () {
  this.timeout(60_000);
  let session: LspSession | undefined;
  afterEach(() => session?.kill());

  it('shows when and from what history the plan was calibrated, and nothing before its first calibration', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-calibrated-'));
    const original = readFileSync(path.join(FIXTURES, 'calibrate', 'checkout.release.yaml'), 'utf8');
    const calibrated = writeCalibration(original, false, CALIBRATION, { at: '2026-11-30T00:20:00Z', server: 'http://prometheus:9090' });
    writeFileSync(path.join(root, 'calibrated.release.yaml'), calibrated);
    writeFileSync(path.join(root, 'guessed.release.yaml'), original);
    session = LspSession.start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    const titles = async (name: string): Promise<string[]> => {
      const uri = `file://${path.join(root, name)}`;
      const text = readFileSync(path.join(root, name), 'utf8');
      await session!.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      await session!.status();
      const lenses: { range: { start: { line: number } }; command: { title: string } }[] = await session!.connection.sendRequest(
        'textDocument/codeLens',
        { textDocument: { uri } },
      );
      return lenses.map((lens) => `${lens.range.start.line}: ${lens.command.title}`);
    };
    const line = calibrated.split('\n').findIndex((text) => text.startsWith('# Calibrated by stagegate calibrate'));
    assert.ok(line > 0);
    assert.deepStrictEqual(
      (await titles('calibrated.release.yaml')).filter((title) => title.includes('Calibrated')),
      [`${line}: Calibrated 2026-11-30 00:20 UTC from 2025-11-03 00:00 to 2025-11-10 00:00 (30m windows, http://prometheus:9090)`],
    );
    assert.deepStrictEqual(
      (await titles('guessed.release.yaml')).map((title) => title.replace(/^\d+: /, '')),
      ['Simulate', 'Scenario matrix', 'Calibrate from Prometheus', 'Backtest'],
    );
  });
});
