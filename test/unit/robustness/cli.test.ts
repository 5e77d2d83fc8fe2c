// `stagegate check` in CI: every problem with the command line or the files gives exit code 2 and one line on
// stderr naming the problem, never a stack trace; a gate that found nothing to check fails rather than pass.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { REPO_ROOT } from '../helpers';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

/** Exit 2, a first stderr line `stagegate: <message>`, nothing on stdout, no stack trace. */
function assertUsageProblem(result: Run, message: RegExp): void {
  assert.strictEqual(result.code, 2, `exit code ${result.code}; stderr: ${result.stderr}`);
  const firstLine = result.stderr.split('\n')[0];
  assert.match(firstLine, /^stagegate: /);
  assert.match(firstLine, message);
  assert.strictEqual(result.stdout, '');
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(result.stderr), `stack trace in stderr:\n${result.stderr}`);
  assert.ok(!/internal error/.test(result.stderr), result.stderr);
}

describe('robustness: the CLI in CI', function () {
  this.timeout(30_000);
  let folder: string;

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagegate-cli-'));
    fs.mkdirSync(path.join(folder, 'empty'));
    fs.mkdirSync(path.join(folder, 'docs-only'));
    fs.writeFileSync(path.join(folder, 'docs-only', 'notes.yaml'), 'title: not a plan\n');
    fs.writeFileSync(path.join(folder, 'docs-only', 'README.md'), '# nothing to check\n');
    fs.mkdirSync(path.join(folder, 'looks-like.release.yaml'));
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'foundation', 'warning-only.flags.yaml'), path.join(folder, 'ok.flags.yaml'));
  });

  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  describe('files and folders', () => {
    it('a folder without plans, flag files or migrations: exit 2, "nothing was checked"', async () => {
      for (const args of [
        ['check', 'empty'],
        ['check', 'docs-only'],
        ['check', 'empty', '--format', 'json'],
        ['check', 'docs-only', '--format', 'sarif'],
      ]) {
        assertUsageProblem(
          await run(args, folder),
          /^stagegate: (empty|docs-only): no release plans, flag files or SQL migrations found; nothing was checked\.$/,
        );
      }
    });

    it('a folder named like a plan is a folder: scanned, and empty, so exit 2', async () => {
      assertUsageProblem(await run(['check', 'looks-like.release.yaml'], folder), /looks-like\.release\.yaml: no release plans/);
    });

    it('no paths in a folder without plans: the current folder is scanned, exit 2', async () => {
      assertUsageProblem(await run(['check'], path.join(folder, 'empty')), /^stagegate: \.: no release plans/);
    });

    it('a missing file among good ones: exit 2 naming it, nothing checked', async () => {
      assertUsageProblem(
        await run(['check', 'ok.flags.yaml', 'gone.release.yaml'], folder),
        /^stagegate: gone\.release\.yaml: no such file or folder\.$/,
      );
    });

    it('a file of a kind Stagegate does not read, named explicitly: exit 2 saying what it reads', async () => {
      assertUsageProblem(await run(['check', 'docs-only/README.md'], folder), /README\.md: not a file Stagegate reads/);
    });

    it('an unreadable file: exit 2 with the system error code', async function () {
      const file = path.join(folder, 'locked.flags.yaml');
      fs.writeFileSync(file, 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags: {}\n');
      fs.chmodSync(file, 0o000);
      try {
        let readable = true;
        try {
          fs.readFileSync(file);
        } catch {
          readable = false;
        }
        if (readable) {
          // Root (as in this project's containers) reads any file whatever its mode: nothing to assert.
          console.log(`      (skipped the unreadable-file assertion: running as uid ${process.getuid?.()}, chmod 000 does not stop reads)`);
          this.skip();
        }
        assertUsageProblem(await run(['check', 'locked.flags.yaml'], folder), /^stagegate: locked\.flags\.yaml: cannot read \(EACCES\)\.$/);
      } finally {
        fs.chmodSync(file, 0o644);
        fs.rmSync(file);
      }
    });

    it('a file whose read fails even for root (a link to /proc/self/mem, EIO on Linux): exit 2 with the error code', async function () {
      if (!fs.existsSync('/proc/self/mem')) this.skip();
      fs.symlinkSync('/proc/self/mem', path.join(folder, 'proc.flags.yaml'));
      try {
        assertUsageProblem(await run(['check', 'proc.flags.yaml'], folder), /^stagegate: proc\.flags\.yaml: cannot read \(E[A-Z]+\)\.$/);
      } finally {
        fs.rmSync(path.join(folder, 'proc.flags.yaml'));
      }
    });

    it('a good file still exits 0 (warnings only) or 1 (errors), so the exit 2 above is specific', async () => {
      assert.strictEqual((await run(['check', 'ok.flags.yaml'], folder)).code, 0);
      assert.strictEqual((await run(['check', path.join(REPO_ROOT, 'test', 'fixtures', 'foundation')], folder)).code, 1);
    });
  });

  describe('options', () => {
    const cases: [string[], RegExp][] = [
      [['check', 'ok.flags.yaml', '--format', 'xml'], /--format must be one of stylish, json, sarif\./],
      [['check', 'ok.flags.yaml', '--format'], /--format <value>' argument missing/],
      [['check', 'ok.flags.yaml', '--max-warnings', 'many'], /--max-warnings takes a whole number, 0 or more\./],
      [['check', 'ok.flags.yaml', '--max-warnings', '1.5'], /--max-warnings takes a whole number/],
      [['check', 'ok.flags.yaml', '--max-warnings=-1'], /--max-warnings takes a whole number/],
      [['check', 'ok.flags.yaml', '--max-warnings', '-1'], /--max-warnings' argument is ambiguous/],
      [['check', 'ok.flags.yaml', '--today', '2026-13-45'], /--today takes a real date written YYYY-MM-DD \(got "2026-13-45"\)\./],
      [['check', 'ok.flags.yaml', '--today', 'tomorrow'], /--today takes a real date/],
      [['check', 'ok.flags.yaml', '--colour'], /Unknown option '--colour'/],
      [['check', 'ok.flags.yaml', '--fix=yes'], /--fix' does not take an argument/],
      [['check', 'ok.flags.yaml', '--config', 'missing.yaml'], /missing\.yaml: cannot read the configuration file\./],
      [['check', 'ok.flags.yaml', '--readiness', '--format', 'json'], /--readiness prints a text checklist/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      it(`${args.slice(1).join(' ') || args[0]}: exit 2, ${message.source.replace(/\\/g, '')}`, async () => {
        assertUsageProblem(await run(args, folder), message);
      });
    }

    it('no command prints the usage and exits 2; --help prints it and exits 0', async () => {
      const none = await run([], folder);
      assert.strictEqual(none.code, 2);
      assert.match(none.stdout, /^Usage:/);
      const help = await run(['check', '--help'], folder);
      assert.strictEqual(help.code, 0);
      assert.match(help.stdout, /^Usage:/);
    });
  });
});
