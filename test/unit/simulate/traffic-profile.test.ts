// traffic.profile.hourOfWeek through the CLI: the simulator's traffic follows it from --start, reproducibly; check's
// gate figures assume the week's quietest hour and say so; a plan without a profile ignores --start.
import * as assert from 'assert';
import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lines, runCli } from '../helpers';

/** Weekdays 1.5 from 08:00 to 20:00 UTC, 0.5 at night; weekends 0.4 by day, 0.2 at night (Sunday 04:00 is 0.1). */
function week(): number[] {
  const factors: number[] = [];
  for (let day = 0; day < 7; day++)
    for (let hour = 0; hour < 24; hour++) {
      const weekend = day >= 5;
      const daytime = hour >= 8 && hour < 20;
      factors.push(day === 6 && hour === 4 ? 0.1 : weekend ? (daytime ? 0.4 : 0.2) : daytime ? 1.5 : 0.5);
    }
  return factors;
}

function plan(profile: boolean): string {
  return lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: diurnal, service: checkout, owner: team-payments }',
    'traffic:',
    '  requestsPerSecond: 200',
    ...(profile ? [`  profile: { hourOfWeek: [${week().join(', ')}] }`] : []),
    'baseline: { errorRate: 0.002, latencyP95Ms: 200 }',
    'rollback: { automatic: true }',
    'stages:',
    '  - name: canary',
    '    weight: 1',
    '    duration: 1h',
    '    interval: 30m',
    '    gates: [{ metric: errorRate, max: 0.5% }]',
    '  - name: full',
    '    weight: 100',
    '    duration: 1h',
  );
}

function folderWith(text: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-profile-'));
  writeFileSync(path.join(folder, 'diurnal.release.yaml'), text);
  return folder;
}

interface Run {
  start?: string;
  stages: { name: string; requests: number }[];
  traffic: { totalRequests: number };
  notes: { ruleId: string; message: string }[];
}

async function simulate(folder: string, ...extra: string[]) {
  const result = await runCli(['simulate', 'diurnal.release.yaml', '--scenario', 'healthy', '--format', 'json', ...extra], folder);
  assert.strictEqual(result.code, 0, result.stderr);
  return { run: JSON.parse(result.stdout) as Run, stdout: result.stdout };
}

describe('traffic.profile.hourOfWeek', () => {
  const profiled = folderWith(plan(true));

  it('scales traffic by the hour of the week from --start (Monday 00:00 UTC is hour 0)', async () => {
    // Tuesday 10:00 UTC: weekday daytime, 1.5 × 200 rps; Sunday 04:00 UTC: 0.1 × 200 rps (factors of mean 1 here
    // after scaling: the list's mean is below 1, so every factor is divided by it).
    const factors = week();
    const mean = factors.reduce((sum, factor) => sum + factor, 0) / 168;
    const busy = await simulate(profiled, '--start', '2026-12-01T10:00Z');
    const quiet = await simulate(profiled, '--start', '2026-12-06T04:00Z');
    const total = (factor: number) => 200 * (factor / mean) * 3600;
    // Two hours from the start: the canary's hour and the full stage's hour.
    const busyTotal = total(1.5) + total(1.5);
    const quietTotal = total(0.1) + total(0.2);
    assert.ok(Math.abs(busy.run.traffic.totalRequests - busyTotal) <= 2, `${busy.run.traffic.totalRequests} vs ${busyTotal}`);
    assert.ok(Math.abs(quiet.run.traffic.totalRequests - quietTotal) <= 2, `${quiet.run.traffic.totalRequests} vs ${quietTotal}`);
    // The canary's 1%: binomial around its share of the hour.
    for (const [run, factor] of [
      [busy.run, 1.5],
      [quiet.run, 0.1],
    ] as const) {
      const expected = total(factor) * 0.01;
      assert.ok(Math.abs(run.stages[0].requests - expected) <= 5 * Math.sqrt(expected), `${run.stages[0].requests} vs ${expected}`);
    }
  });

  it('states the start in the output, and the same start and seed give the same bytes', async () => {
    const first = await simulate(profiled, '--start', '2026-12-06T04:00Z');
    const second = await simulate(profiled, '--start', '2026-12-06T04:00Z');
    assert.strictEqual(first.stdout, second.stdout);
    const note = first.run.notes.find((candidate) => /traffic\.profile\.hourOfWeek/.test(candidate.message));
    assert.ok(note, 'a note names the start');
    assert.match(note.message, /from a rollout start at 2026-12-06T04:00Z \(given\)/);
    // And as a field, after the gates, for tools that read the JSON.
    assert.strictEqual(first.run.start, '2026-12-06T04:00Z');
    assert.deepStrictEqual(Object.keys(first.run).slice(6, 9), ['gated', 'gates', 'start']);
    const summary = await simulate(profiled, '--start', '2026-12-06T04:00Z', '--runs', '3');
    assert.strictEqual(summary.run.start, '2026-12-06T04:00Z');
    const now = await simulate(profiled);
    assert.match(now.run.start ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    assert.match(
      now.run.notes.map((candidate) => candidate.message).join('\n'),
      /from a rollout start at \d{4}-\d\d-\d\dT\d\d:\d\dZ \(now; pass --start to choose it\)/,
    );
  });

  it('records the start as a field of every JSON output (one run, --runs, --all-scenarios), given or now', async () => {
    const outputs = async (folder: string, ...extra: string[]) =>
      Promise.all(
        [
          ['--scenario', 'healthy'],
          ['--scenario', 'healthy', '--runs', '5'],
          ['--all-scenarios', '--runs', '5'],
        ].map(async (mode) => {
          const result = await runCli(['simulate', 'diurnal.release.yaml', ...mode, '--format', 'json', ...extra], folder);
          assert.strictEqual(result.code, 0, result.stderr);
          return JSON.parse(result.stdout) as { start: string | null; gates: unknown };
        }),
      );
    for (const output of await outputs(profiled, '--start', '2026-12-06T04:37+02:00')) {
      assert.strictEqual(output.start, '2026-12-06T02:37Z');
      // Beside the plan's other facts, before what happened.
      const keys = Object.keys(output);
      assert.strictEqual(keys.indexOf('start'), keys.indexOf('gates') + 1, keys.join(', '));
    }
    const before = Math.floor(Date.now() / 60_000) * 60_000;
    const now = await outputs(profiled);
    const after = Date.now();
    for (const output of now) {
      assert.match(output.start ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
      const time = Date.parse(output.start!);
      assert.ok(time >= before && time <= after, `${output.start} is the time of the run`);
    }
    // Without a profile the start changes nothing, and there is none to record.
    for (const output of await outputs(folderWith(plan(false)), '--start', '2026-12-06T04:00Z')) assert.strictEqual(output.start, null);
  });

  it('leaves a plan without a profile as it was: --start changes nothing', async () => {
    const flat = folderWith(plan(false));
    const without = await simulate(flat);
    const withStart = await simulate(flat, '--start', '2026-12-06T04:00Z');
    assert.strictEqual(without.stdout, withStart.stdout);
    assert.strictEqual(without.run.traffic.totalRequests, 200 * 7200);
    assert.strictEqual(without.run.start, null, 'no start: traffic does not depend on it');
  });

  it('rejects a start without a zone', async () => {
    const result = await runCli(['simulate', 'diurnal.release.yaml', '--start', '2026-12-06 04:00'], profiled);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /--start takes an ISO 8601 time with its zone/);
  });

  it('check judges the gates at the week’s quietest hour, says so, and simulate agrees when started then', async () => {
    const check = await runCli(['check', 'diurnal.release.yaml', '--format', 'json'], profiled);
    const rows = JSON.parse(check.stdout) as { ruleId: string; message: string }[];
    const underpowered = rows.find((row) => row.ruleId === 'gate-underpowered');
    assert.ok(underpowered, check.stdout);
    assert.match(underpowered.message, /traffic\.profile, a rollout starting at the week's quietest hour, Sunday 04:00 UTC/);
    const falseRollback = rows.find((row) => row.ruleId === 'gate-false-rollback-likely');
    assert.ok(falseRollback, check.stdout);
    const stated = Number(/with probability ([\d.]+)% over the stage/.exec(falseRollback.message)![1]) / 100;
    const result = await runCli(
      ['simulate', 'diurnal.release.yaml', '--scenario', 'healthy', '--runs', '3000', '--start', '2026-12-06T04:00Z', '--format', 'json'],
      profiled,
    );
    const measured = (JSON.parse(result.stdout) as { falseRollbackRate: number }).falseRollbackRate;
    const standardError = Math.sqrt((measured * (1 - measured)) / 3000);
    assert.ok(Math.abs(stated - measured) <= 3 * standardError + 0.01, `check ${stated}, simulate ${measured}`);
    // Without the profile, the same plan at its average rate has neither finding.
    const flat = await runCli(['check', 'diurnal.release.yaml', '--format', 'json'], folderWith(plan(false)));
    const flatRules = (JSON.parse(flat.stdout) as { ruleId: string }[]).map((row) => row.ruleId);
    assert.ok(!flatRules.includes('gate-underpowered') && !flatRules.includes('gate-false-rollback-likely'), flat.stdout);
  });
});
