// baseline.dispersion through the CLI: the schema checks it, the simulator's noise follows it, check's false-rollback
// figure follows it the same way, and a plan without it is replayed as before.
import * as assert from 'assert';
import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lines, runCli } from '../helpers';
import { betaQuantile, rateStrata, regularizedBeta } from '../../../src/engine/stats/dispersion';

function plan(bound: string, dispersion?: string): string {
  return lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: drift, service: checkout, owner: team-payments }',
    'traffic: { requestsPerSecond: 1000 }',
    `baseline: { errorRate: 0.002, latencyP95Ms: 200${dispersion ? `, dispersion: ${dispersion}` : ''} }`,
    'rollback: { automatic: true }',
    'stages:',
    '  - name: canary',
    '    weight: 5',
    '    duration: 2h',
    '    interval: 30m',
    `    gates: [{ metric: errorRate, ${bound} }, { metric: latencyP95Ms, max: 260 }]`,
    '  - name: full',
    '    weight: 100',
    '    duration: 1h',
  );
}

interface Row {
  ruleId: string;
  message: string;
  line: number;
  column: number;
}

async function measure(text: string) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-dispersion-'));
  writeFileSync(path.join(folder, 'drift.release.yaml'), text);
  const check = await runCli(['check', 'drift.release.yaml', '--format', 'json'], folder);
  const rows = JSON.parse(check.stdout) as Row[];
  const finding = rows.find((row) => row.ruleId === 'gate-false-rollback-likely' && /errorRate/.test(row.message));
  const stated = finding ? Number(/with probability ([\d.]+)% over the stage/.exec(finding.message)![1]) / 100 : undefined;
  const simulate = await runCli(['simulate', 'drift.release.yaml', '--scenario', 'healthy', '--runs', '3000', '--format', 'json'], folder);
  assert.strictEqual(simulate.code, 0, simulate.stderr);
  const measured = (JSON.parse(simulate.stdout) as { falseRollbackRate: number }).falseRollbackRate;
  return { rows, stated, measured };
}

describe('baseline.dispersion', () => {
  it('an absolute bound that is safe under binomial noise rolls back good releases once error rates drift', async () => {
    const calm = await measure(plan('max: 0.3%'));
    const drifting = await measure(plan('max: 0.3%', '{ errorRate: 0.0002 }'));
    assert.strictEqual(calm.stated, undefined, 'without dispersion, check finds the bound safe');
    assert.ok(calm.measured < 0.05, `without dispersion the simulator agrees: ${calm.measured}`);
    assert.ok(drifting.stated !== undefined && drifting.stated > 0.2, `check sees the drift: ${drifting.stated}`);
    const standardError = Math.sqrt((drifting.measured * (1 - drifting.measured)) / 3000);
    assert.ok(
      Math.abs(drifting.stated - drifting.measured) <= 3 * standardError + 0.02,
      `check says ${drifting.stated}, simulate measures ${drifting.measured}`,
    );
  });

  it('a relative bound compares the drift away: both versions drift together', async () => {
    const calm = await measure(plan('maxIncrease: 50%'));
    const drifting = await measure(plan('maxIncrease: 50%', '{ errorRate: 0.0002 }'));
    const absolute = await measure(plan('max: 0.3%', '{ errorRate: 0.0002 }'));
    assert.ok(drifting.measured < absolute.measured / 2, `relative ${drifting.measured}, absolute ${absolute.measured}`);
    assert.ok(Math.abs(drifting.measured - calm.measured) < 0.05, `relative with drift ${drifting.measured}, without ${calm.measured}`);
  });

  it('p95 drift: an absolute latency bound trips on slow windows of a healthy release', async () => {
    const calm = await measure(plan('maxIncrease: 200%'));
    const drifting = await measure(plan('maxIncrease: 200%', '{ latencyP95Ms: 0.15 }'));
    assert.ok(calm.measured < 0.01, `without dispersion: ${calm.measured}`);
    assert.ok(drifting.measured > 0.05, `with a 15% window-to-window spread of the p95: ${drifting.measured}`);
    const latency = drifting.rows.find((row) => row.ruleId === 'gate-false-rollback-likely' && /latencyP95Ms/.test(row.message));
    assert.ok(latency, 'check reports the latency gate too');
    const stated = Number(/with probability ([\d.]+)% over the stage/.exec(latency.message)![1]) / 100;
    const standardError = Math.sqrt((drifting.measured * (1 - drifting.measured)) / 3000);
    assert.ok(Math.abs(stated - drifting.measured) <= 3 * standardError + 0.02, `check ${stated}, simulate ${drifting.measured}`);
  });

  it('is checked by the schema: a correlation of 1 or more is an error at the value, and simulate will not guess', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-dispersion-'));
    writeFileSync(path.join(folder, 'drift.release.yaml'), plan('max: 1%', '{ errorRate: 1.5, latencyP95Ms: 0.1 }'));
    const check = await runCli(['check', 'drift.release.yaml', '--format', 'json'], folder);
    const schema = (JSON.parse(check.stdout) as Row[]).filter((row) => row.ruleId === 'schema');
    assert.deepStrictEqual(
      schema.map((row) => `${row.line}:${row.column} ${row.message}`),
      ['5:75 baseline.dispersion.errorRate must be less than 1.'],
    );
    const simulate = await runCli(['simulate', 'drift.release.yaml'], folder);
    assert.strictEqual(simulate.code, 2);
    assert.match(simulate.stderr, /baseline\.dispersion\.errorRate must be less than 1/);
  });

  it('strata of a Beta keep its mean and variance', () => {
    const mean = 0.002;
    const rho = 0.0002;
    const strata = rateStrata(mean, rho);
    const total = strata.reduce((sum, { mass }) => sum + mass, 0);
    const first = strata.reduce((sum, { value, mass }) => sum + value * mass, 0);
    const second = strata.reduce((sum, { value, mass }) => sum + (value - mean) ** 2 * mass, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
    assert.ok(Math.abs(first / mean - 1) < 0.01, `mean ${first}`);
    assert.ok(Math.abs(second / (rho * mean * (1 - mean)) - 1) < 0.03, `variance ${second}`);
    // The incomplete beta against closed forms: I_x(1, b) = 1 − (1 − x)^b, I_x(a, 1) = x^a.
    assert.ok(Math.abs(regularizedBeta(0.3, 1, 4) - (1 - 0.7 ** 4)) < 1e-12);
    assert.ok(Math.abs(regularizedBeta(0.3, 2.5, 1) - 0.3 ** 2.5) < 1e-12);
    assert.ok(Math.abs(betaQuantile(0.5, 3, 3) - 0.5) < 1e-9);
  });
});
