// Progress of long simulations: drawn on stderr when it is a terminal, never in the output, never in a log that is
// not a terminal. The writer alone with an injected terminal, then the built command under a pipe and under a
// pseudo-terminal (`script`, from util-linux).

import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { terminalProgress } from '../../../src/cli/progress';
import type { Io } from '../../../src/cli/io';
import { REPO_ROOT } from '../helpers';

const BIN = path.join(REPO_ROOT, 'bin', 'stagegate.js');
const EXAMPLE = 'examples/checkout/checkout.release.yaml';
const CLEAR = '\r\x1b[2K';
/** The matrix of the bundled example: 8 scenarios, enough runs for several progress steps. */
const MATRIX = ['simulate', EXAMPLE, '--all-scenarios', '--runs', '1500', '--format', 'json'];

function io(terminal: { isTTY: boolean; columns?: number }): { io: Io; written: string[] } {
  const written: string[] = [];
  return {
    written,
    io: {
      stdout: () => assert.fail('progress never writes to stdout'),
      stderr: (text) => written.push(text),
      cwd: REPO_ROOT,
      stderrIsTTY: terminal.isTTY,
      stderrColumns: terminal.columns,
    },
  };
}

describe('the progress line', () => {
  it('is not drawn when stderr is not a terminal', () => {
    assert.strictEqual(terminalProgress(io({ isTTY: false }).io, 'simulating plan.yaml'), undefined);
  });

  it('draws over itself on a terminal, at most once per 100 ms, and clears its line at the end', () => {
    const terminal = io({ isTTY: true, columns: 120 });
    const progress = terminalProgress(terminal.io, 'simulating plan.yaml')!;
    progress.hooks.progress!(0, 8, 'error-spike, seed 1');
    // Straight after: too soon to redraw.
    progress.hooks.progress!(1, 8, 'healthy, runs 1–250 of 1000');
    assert.deepStrictEqual(terminal.written, [`${CLEAR}stagegate: simulating plan.yaml: 0% (error-spike, seed 1)`]);
    progress.clear();
    assert.deepStrictEqual(terminal.written.slice(1), [CLEAR]);
    // Nothing drawn since: nothing to clear.
    progress.clear();
    assert.strictEqual(terminal.written.length, 2);
  });

  it("fits the terminal's width, and assumes 80 columns when the terminal does not say", () => {
    const narrow = io({ isTTY: true, columns: 30 });
    terminalProgress(narrow.io, 'simulating a-long-plan-name.release.yaml')!.hooks.progress!(3, 4, 'latency-creep');
    assert.strictEqual(narrow.written[0], `${CLEAR}stagegate: simulating a-long…`);
    assert.strictEqual(narrow.written[0].length - CLEAR.length, 29);
    const unknown = io({ isTTY: true, columns: 0 });
    terminalProgress(unknown.io, 'simulating x'.padEnd(100, 'x'))!.hooks.progress!(0, 1, 'y');
    assert.strictEqual(unknown.written[0].length - CLEAR.length, 79);
  });
});

describe('simulate shows progress only at a terminal', function () {
  this.timeout(120000);

  /** The built command with stdout and stderr as pipes, as in a CI job. */
  function piped(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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

  it('prints nothing but the output when stderr is a pipe (a CI log)', async () => {
    const { code, stdout, stderr } = await piped(MATRIX);
    assert.strictEqual(code, 0, stderr);
    assert.strictEqual(stderr, '');
    assert.strictEqual((JSON.parse(stdout) as { scenarios: unknown[] }).scenarios.length, 8);
  });

  it('draws progress on stderr under a pseudo-terminal, clears it, and leaves the JSON on stdout byte-identical', async function () {
    if (spawnSync('script', ['--version']).error) this.skip(); // util-linux's script gives the pseudo-terminal
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-progress-'));
    const out = path.join(folder, 'matrix.json');
    const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
    // Only stdout is redirected: stderr stays the terminal `script` made, and what it shows comes back here.
    const command = [process.execPath, BIN, ...MATRIX].map(quote).join(' ') + ` > ${quote(out)}`;
    const terminal = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const draws = terminal.split(CLEAR).filter((part) => part !== '');
    assert.ok(draws.length >= 2, JSON.stringify(terminal));
    for (const draw of draws) assert.match(draw, /^stagegate: simulating checkout\.release\.yaml: \d+% \(/, JSON.stringify(draw));
    assert.ok(terminal.endsWith(CLEAR), 'the last thing written clears the line');
    const { stdout } = await piped(MATRIX);
    assert.ok(readFileSync(out, 'utf8') === stdout, 'the JSON under a terminal differs from the JSON in a pipe');
  });
});
