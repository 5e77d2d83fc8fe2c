// `stagegate simulate` says what it could not model: a plan without a modelled gate is "not gated" in every output
// (JSON `gated`, `gates`, located `notes`; the first line of text; the matrix). A plan with schema errors is not
// simulated unless --force, and then says so. Through the built command, as a CI job runs it.

import * as assert from 'assert';
import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../helpers';

const BIN = path.join(REPO_ROOT, 'bin', 'stagegate.js');
const EXAMPLE = 'examples/checkout/checkout.release.yaml';
const ROLLOUT = 'test/fixtures/simulate/not-gated/smoke-only.rollout.yaml';
const CANARY = 'test/fixtures/simulate/not-gated/templated.canary.yaml';
const SCHEMA_ERROR = 'test/fixtures/simulate/schema-error.release.yaml';

/** `node bin/stagegate.js …` in the repository, as CI runs it: its exit code and both streams (pipes, not a terminal). */
function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function json(...argv: string[]): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await cli(['simulate', ...argv, '--format', 'json']);
  assert.strictEqual(code, 0, stderr);
  return JSON.parse(stdout) as Record<string, unknown>;
}

interface Note {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** `line:column severity message` of each note, the message cut after `words` words. */
function placed(notes: unknown, words = 6): string[] {
  return (notes as Note[]).map(
    (note) => `${note.line}:${note.column} ${note.severity} ${note.message.split(' ').slice(0, words).join(' ')}`,
  );
}

describe('simulate says when a plan has no modelled gate', () => {
  it('a file that is not YAML or JSON, named by mistake, gets one line saying so, not its syntax errors', async () => {
    const { code, stdout, stderr } = await cli(['simulate', 'README.md']);
    assert.strictEqual(code, 2);
    assert.strictEqual(stdout, '');
    assert.match(
      stderr,
      /^stagegate: README\.md is not a release plan, an Argo Rollout or a Flagger Canary: it does not read as YAML or JSON \(\d+ syntax errors, the first at line \d+, column \d+\)\.$/m,
    );
    assert.doesNotMatch(stderr, /syntax-error/);
  });

  it('gates per stage for stage names that are also properties of every object (constructor, __proto__, toString)', async () => {
    const run = await json('test/fixtures/simulate/odd-stage-names.release.yaml');
    assert.strictEqual(run.gated, true);
    assert.deepStrictEqual(Object.entries(run.gates as object), [
      ['constructor', 1],
      ['__proto__', 2],
      ['toString', 0],
    ]);
  });

  it('one run as JSON: gated false, no gate on any stage, and every assumption and opaque metric as a note at its place', async () => {
    const run = await json(ROLLOUT);
    assert.strictEqual(run.gated, false);
    assert.deepStrictEqual(run.gates, { 'steps[1] analysis': 0, 'steps[3] pause 1h': 0, 'steps[5] pause 10m': 0 });
    assert.strictEqual(run.outcome, 'completed');
    const notes = run.notes as Note[];
    assert.deepStrictEqual(Object.keys(notes[0]), ['file', 'ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn']);
    // Notes are not findings of a rule: they share one id, which the docs (simulator.md) explain.
    assert.deepStrictEqual([...new Set(notes.map((note) => `${note.file} ${note.ruleId}`))], [`${ROLLOUT} simulation-assumption`]);
    assert.deepStrictEqual(placed(notes), [
      '6:9 info Traffic: 250 requests per second, from',
      '6:9 info Baseline: errorRate 0.002, latencyP95Ms 180, from',
      '26:31 info Metric "smoke-test" of AnalysisTemplate "smoke-only-checks" takes',
      '26:31 info Metric "smoke-test" of template "smoke-only-checks" is',
      '26:31 info Metric "release-check" of template "smoke-only-checks" is',
      '28:18 info steps[3] waits for someone to promote',
    ]);
    assert.match(notes[3].message, /is opaque to Stagegate \(a job provider passes or fails on the job's exit code\)/);
    assert.match(notes[4].message, /is opaque to Stagegate \(its condition does not compare the result to one number\)/);
    // The same places `check --format json` would give: line 26 is the templateName the analysis step names.
    assert.strictEqual(readFileSync(path.join(REPO_ROOT, ROLLOUT), 'utf8').split('\n')[25].slice(30, 47), 'smoke-only-checks');
  });

  it('--runs and --all-scenarios carry the same gates and notes; the matrix states them once, not per scenario', async () => {
    const run = await json(ROLLOUT);
    const summary = await json(ROLLOUT, '--runs', '20');
    const matrix = await json(ROLLOUT, '--all-scenarios', '--runs', '20');
    for (const output of [summary, matrix]) {
      assert.strictEqual(output.gated, false);
      assert.deepStrictEqual(output.gates, run.gates);
      assert.deepStrictEqual(output.notes, run.notes);
    }
    assert.strictEqual(summary.detectionRate, 0);
    const rows = matrix.scenarios as Record<string, unknown>[];
    assert.ok(rows.length >= 4);
    for (const row of rows)
      assert.ok(!('gated' in row) && !('gates' in row) && !('start' in row) && !('notes' in row), String(row.scenario));
    assert.deepStrictEqual(Object.keys(matrix), ['plan', 'runs', 'seed', 'gated', 'gates', 'start', 'scenarios', 'notes']);
  });

  it('a Flagger Canary whose metrics all come from templateRefs is not gated; each metric has its note at its name', async () => {
    const run = await json(CANARY);
    assert.strictEqual(run.gated, false);
    assert.deepStrictEqual(Object.values(run.gates as Record<string, number>), [0, 0, 0, 0, 0]);
    const notes = placed(run.notes, 3);
    assert.ok(notes.includes('22:15 info Metric "not-found-percentage" is'), notes.join('\n'));
    assert.ok(notes.includes('29:15 info Metric "latency-p99" is'), notes.join('\n'));
    assert.ok(notes.includes('38:15 info Webhook "gate" (confirm-rollout)'), notes.join('\n'));
    const text = readFileSync(path.join(REPO_ROOT, CANARY), 'utf8').split('\n');
    assert.strictEqual(text[21].slice(14, 34), 'not-found-percentage');
    assert.strictEqual(text[28].slice(14, 25), 'latency-p99');
  });

  it('text says so in its first line, for one run, a summary and the matrix, and ends with the notes', async () => {
    for (const extra of [[], ['--runs', '20'], ['--all-scenarios', '--runs', '20']]) {
      const { code, stdout, stderr } = await cli(['simulate', ROLLOUT, ...extra]);
      assert.strictEqual(code, 0, stderr);
      const lines = stdout.trimEnd().split('\n');
      assert.strictEqual(
        lines[0],
        'Not gated: no gate of smoke-only is modelled, so nothing in this simulation can stop the rollout (the notes say why).',
        extra.join(' '),
      );
      assert.ok(lines.includes('Notes (6):'), extra.join(' '));
      assert.strictEqual(
        lines[lines.length - 1],
        `  ${ROLLOUT}:28:18  steps[3] waits for someone to promote the rollout: replayed as a 1h wait (simulation.manualPause).`,
      );
      // In the output, not also on stderr.
      assert.strictEqual(stderr, '', extra.join(' '));
    }
    const single = (await cli(['simulate', ROLLOUT])).stdout.split('\n');
    assert.match(
      single[2],
      /^error-spike not caught: no gate is modelled, so the rollout completed at minute \d+; [\d,]+ requests failed\.$/,
    );
    assert.strictEqual(
      (await cli(['simulate', ROLLOUT, '--runs', '20'])).stdout.split('\n')[2],
      'not gated: no gate is modelled, so no run could be stopped.',
    );
  });

  it('the text matrix marks every scenario "not gated" rather than 0% caught', async () => {
    const { stdout } = await cli(['simulate', CANARY, '--all-scenarios', '--runs', '20']);
    const rows = stdout.split('\n').map((line) => line.split(/ {2,}/));
    const header = rows.findIndex((cells) => cells[0] === 'scenario');
    assert.deepStrictEqual(rows[header].slice(0, 3), ['scenario', 'caught', 'false rollbacks']);
    assert.deepStrictEqual(rows.find((cells) => cells[0] === 'error-spike')?.slice(1, 3), ['not gated', '-']);
    assert.deepStrictEqual(rows.find((cells) => cells[0] === 'healthy')?.slice(1, 3), ['-', 'not gated']);
    assert.doesNotMatch(stdout, /\b0%/);
  });

  it('a gated plan says gated true, counts the gates of each stage, and its first line is the run', async () => {
    const run = await json(EXAMPLE);
    assert.strictEqual(run.gated, true);
    assert.deepStrictEqual(run.gates, { internal: 2, 'canary-1': 2, 'canary-10': 3, 'rollout-50': 3, full: 1 });
    assert.deepStrictEqual(run.notes, []);
    const { stdout } = await cli(['simulate', EXAMPLE]);
    assert.match(stdout.split('\n')[0], /^checkout-2\.4 · error-spike \(seed 1\): /);
    assert.doesNotMatch(stdout, /not gated|Notes/i);
  });

  it("a plan's default baseline, unknown breakdown and KPI gate without its KPI are notes at their places; that gate is not counted", async () => {
    const file = 'test/fixtures/simulate/assumptions.release.yaml';
    const run = await json(file);
    assert.strictEqual(run.gated, true);
    assert.deepStrictEqual(run.gates, { canary: 1, full: 1 });
    assert.deepStrictEqual(
      (run.notes as Note[]).map((note) => `${note.file}:${note.line}:${note.column}-${note.endLine}:${note.endColumn} ${note.message}`),
      [
        `${file}:11:1-11:9 baseline.latencyP95Ms is not given: the current version is simulated with a p95 of 200 ms (the default).`,
        `${file}:17:25-17:31 Stage canary: breakdown "device" is not a dimension of traffic.dimensions and is ignored.`,
        `${file}:21:17-21:29 Stage canary: gate kpi:checkout is skipped, its KPI is not in baseline.kpis.`,
      ],
    );
  });

  it('the same seed gives byte-identical JSON, gates and notes included', async () => {
    for (const extra of [[], ['--runs', '30', '--seed', '4'], ['--all-scenarios', '--runs', '15', '--seed', '9']]) {
      const first = await cli(['simulate', ROLLOUT, ...extra, '--format', 'json']);
      const second = await cli(['simulate', ROLLOUT, ...extra, '--format', 'json']);
      assert.ok(first.stdout.length > 0 && first.stdout === second.stdout, extra.join(' '));
    }
  });
});

describe('simulate on a plan with schema errors', () => {
  const error = `${SCHEMA_ERROR}:16:5  error  Unknown key "intervall" in stages[0]. Did you mean "interval"?  schema`;

  it('exits 2 and prints the errors, whatever the format, with nothing on stdout', async () => {
    for (const format of ['text', 'json', 'html']) {
      const { code, stdout, stderr } = await cli(['simulate', SCHEMA_ERROR, '--format', format]);
      assert.strictEqual(code, 2, format);
      assert.strictEqual(stdout, '', format);
      const lines = stderr.trimEnd().split('\n');
      assert.strictEqual(lines[0], error, format);
      assert.strictEqual(
        lines[lines.length - 1],
        `stagegate: ${SCHEMA_ERROR} has a schema error: fix it, or pass --force to simulate what could be read.`,
      );
    }
  });

  it('with --force simulates what could be read, and says first that it did, with the error among the notes', async () => {
    const { code, stdout, stderr } = await cli(['simulate', SCHEMA_ERROR, '--force']);
    assert.strictEqual(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.strictEqual(
      lines[0],
      `Simulated despite 1 error in ${SCHEMA_ERROR}: the plan replayed is what could be read of it (the notes list them).`,
    );
    assert.match(lines[1], /^schema-error · error-spike \(seed 1\): /);
    assert.deepStrictEqual(lines.slice(-2), ['Notes (1):', `  ${error}`]);

    const forced = await cli(['simulate', SCHEMA_ERROR, '--force', '--format', 'json']);
    assert.strictEqual(forced.code, 0, forced.stderr);
    const run = JSON.parse(forced.stdout) as { gated: boolean; notes: Note[] };
    assert.strictEqual(run.gated, true);
    assert.deepStrictEqual(run.notes, [
      {
        file: SCHEMA_ERROR,
        ruleId: 'schema',
        severity: 'error',
        message: 'Unknown key "intervall" in stages[0]. Did you mean "interval"?',
        line: 16,
        column: 5,
        endLine: 16,
        endColumn: 14,
      },
    ]);
    // Beside JSON, the person at the terminal reads the error on stderr too.
    assert.ok(forced.stderr.startsWith(error), forced.stderr);
  });

  it("other rules' errors (breakdown-unknown-dimension, gate-unknown-kpi) do not stop it: only the schema's do", async () => {
    const file = 'test/fixtures/simulate/assumptions.release.yaml';
    const check = await cli(['check', file, '--format', 'json']);
    assert.strictEqual(check.code, 1, 'check finds errors in it');
    const { code, stdout, stderr } = await cli(['simulate', file]);
    assert.strictEqual(code, 0, stderr);
    assert.match(stdout, /^assumptions · error-spike/);
  });
});
