// `simulate` on a Helm chart template says what it is and how to render it, exits 2, and lets no raw warning of the
// YAML parser reach the terminal.

import * as assert from 'assert';
import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { FIXTURES } from './helpers';

/** Runs the CLI, and collects the process warnings Node emits meanwhile (they print as "(node:…) Warning: …"). */
async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string; warnings: string[] }> {
  let stdout = '';
  let stderr = '';
  const warnings: string[] = [];
  const listener = (warning: Error) => warnings.push(warning.message);
  process.on('warning', listener);
  try {
    const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
    // Node emits process warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { code, stdout, stderr, warnings };
  } finally {
    process.off('warning', listener);
  }
}

const CHART = path.join(FIXTURES, 'helm');

describe('stagegate simulate on a Helm chart template', () => {
  it('a template that is not YAML: says it is a Helm template to render with helm template, at its first action, and exits 2', async () => {
    const result = await run(['simulate', 'checkout/templates/rollout.yaml'], CHART);
    assert.strictEqual(result.code, 2);
    assert.strictEqual(result.stdout, '');
    assert.match(
      result.stderr,
      /^checkout\/templates\/rollout\.yaml:4:9 {2}error {2}This file is a Helm chart template \(\{\{ include "checkout\.fullname" \. \}\} on line 4\), not a manifest as applied: .*Render it first, for example `helm template my-release \.\/chart --show-only templates\/rollout\.yaml > rendered\.yaml`, and simulate the rendered file\. {2}plan-not-simulable$/m,
    );
    assert.match(result.stderr, /^stagegate: checkout\/templates\/rollout\.yaml cannot be simulated\.$/m);
    assert.doesNotMatch(result.stderr, /syntax-error|not an Argo Rollout/);
    assert.deepStrictEqual(result.warnings, []);
  });

  it('a template that happens to parse as YAML is not replayed as if it were the manifest', async () => {
    const result = await run(['simulate', 'checkout/templates/rollout-flow.yaml', '--format', 'json'], CHART);
    assert.strictEqual(result.code, 2);
    assert.strictEqual(result.stdout, '');
    assert.match(
      result.stderr,
      /^checkout\/templates\/rollout-flow\.yaml:5:9 {2}error {2}This file is a Helm chart template \(\{\{ \.Release\.Name \}\} on line 5\)/m,
    );
    assert.deepStrictEqual(result.warnings, []);
  });

  it('no raw YAML warning reaches the terminal from .stagegate.yaml either', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-helm-'));
    writeFileSync(path.join(folder, '.stagegate.yaml'), 'simulation:\n  traffic: { requestsPerSecond: 300 }\n{{ .Values.extra }}: true\n');
    writeFileSync(
      path.join(folder, 'checkout.release.yaml'),
      [
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: checkout, service: checkout, owner: team-checkout }',
        'strategy: canary',
        'traffic: { requestsPerSecond: 300 }',
        'baseline: { errorRate: 0.002, latencyP95Ms: 180 }',
        'stages:',
        '  - { name: canary, weight: 10, duration: 10m, gates: [{ metric: errorRate, max: 1% }] }',
        '  - { name: all, weight: 100, duration: 10m }',
        'rollback: { automatic: true }',
        '',
      ].join('\n'),
    );
    const result = await run(['simulate', 'checkout.release.yaml'], folder);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.deepStrictEqual(result.warnings, []);
    assert.doesNotMatch(result.stderr, /Keys with collection values/);
  });
});
