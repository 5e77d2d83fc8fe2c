// The table of agreement with squawk (squawk-agreement.ts) as a test: each of squawk's own cases in the corpus is
// checked by Stagegate's CLI (one call, each case alone in its own folder) and by the real squawk (the dev
// dependency, a peer, not a mock), and every row of the table must hold for both. Prints the summary.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { corpusPath, describeCorpus } from '../corpus';
import { REPO_ROOT, runCli } from '../helpers';
import type { PlacedFinding } from '../../../src/engine/finding';
import { AGREEMENT, type AgreementRow, type Verdict } from './squawk-agreement';

const PREFIX = 'sq-';

/** A `-- name: value` line of the case's header. */
function header(text: string, name: string): string {
  const match = new RegExp(`^-- ${name}: (.*)$`, 'm').exec(text);
  assert.ok(match, `no "-- ${name}:" header`);
  return match[1].trim();
}

interface SquawkDiagnostic {
  file: string;
  rule_name: string;
}

/** The installed squawk over some files, with one set of arguments: the rule names it reports per file. */
function runSquawk(files: string[], args: string[]): Map<string, Set<string>> {
  // scripts/install-test-tools.sh (run by `npm test`) installs squawk-cli there.
  const bin = path.join(
    REPO_ROOT,
    '.vscode-test',
    'squawk',
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'squawk.cmd' : 'squawk',
  );
  assert.ok(existsSync(bin), `no squawk at ${bin}: run bash scripts/install-test-tools.sh`);
  const result = spawnSync(bin, ['--reporter', 'json', ...args, ...files], { encoding: 'utf8' });
  assert.ok(result.status === 0 || result.status === 1, `squawk exited ${result.status}: ${result.stderr}`);
  const byFile = new Map<string, Set<string>>(files.map((file) => [file, new Set<string>()]));
  for (const diagnostic of JSON.parse(result.stdout) as SquawkDiagnostic[]) byFile.get(diagnostic.file)?.add(diagnostic.rule_name);
  return byFile;
}

const WHO = { stagegate: 'Stagegate is right', squawk: 'squawk is right', 'depends on the tool': 'depends on the tool' };

const verdict = (fires: boolean): Verdict => (fires ? 'hazard' : 'safe');

describeCorpus('squawk corpus: the table of agreement with squawk', () => {
  const folder = corpusPath('squawk');
  let work: string;
  const texts = new Map<string, string>();
  const stagegate = new Map<string, Set<string>>();
  const autocommit = new Map<string, Set<string>>();
  let autocommitWork: string;
  const wrapped = new Map<string, Set<string>>();
  let wrappedWork: string;
  const squawk = new Map<string, Set<string>>();

  before(async function () {
    this.timeout(120_000);
    work = mkdtempSync(path.join(os.tmpdir(), 'stagegate-squawk-'));
    // The same cases where the tool runs each statement on its own, as squawk assumes by default.
    autocommitWork = mkdtempSync(path.join(os.tmpdir(), 'stagegate-squawk-autocommit-'));
    writeFileSync(
      path.join(autocommitWork, '.stagegate.yaml'),
      'rules:\n  migration-work-after-lock:\n    options:\n      fileRunsInTransaction: false\n',
    );
    // And where the tool wraps every file in a transaction (Django does), as squawk's --assume-in-transaction says.
    wrappedWork = mkdtempSync(path.join(os.tmpdir(), 'stagegate-squawk-wrapped-'));
    writeFileSync(path.join(wrappedWork, '.stagegate.yaml'), 'migrations:\n  tool: django\n');
    const byArgs = new Map<string, string[]>();
    for (const row of AGREEMENT) {
      const source = path.join(folder, `${PREFIX}${row.case}.sql`);
      const text = readFileSync(source, 'utf8');
      texts.set(row.case, text);
      // Each case alone in a folder: the cases are unrelated migrations, not one migration history.
      mkdirSync(path.join(work, row.case));
      copyFileSync(source, path.join(work, row.case, `${row.case}.sql`));
      stagegate.set(row.case, new Set());
      if (row.autocommit) {
        mkdirSync(path.join(autocommitWork, row.case));
        copyFileSync(source, path.join(autocommitWork, row.case, `${row.case}.sql`));
        autocommit.set(row.case, new Set());
      }
      if (row.wrapped) {
        mkdirSync(path.join(wrappedWork, row.case));
        copyFileSync(source, path.join(wrappedWork, row.case, `${row.case}.sql`));
        wrapped.set(row.case, new Set());
      }
      const args = header(text, 'squawk-args');
      byArgs.set(args, [...(byArgs.get(args) ?? []), source]);
    }
    for (const [into, cwd] of [
      [stagegate, work],
      [autocommit, autocommitWork],
      [wrapped, wrappedWork],
    ] as const) {
      const { code, stdout, stderr } = await runCli(['check', '.', '--format', 'json'], cwd);
      assert.ok(code === 0 || code === 1, stderr);
      for (const finding of JSON.parse(stdout) as PlacedFinding[]) into.get(finding.file.split('/')[0])?.add(finding.ruleId);
    }
    for (const [args, files] of byArgs) {
      const reported = runSquawk(files, args === '-' ? [] : args.split(/\s+/));
      for (const [file, rules] of reported) squawk.set(path.basename(file, '.sql').slice(PREFIX.length), rules);
    }
  });

  after(() => {
    for (const folder of [work, autocommitWork]) if (folder) rmSync(folder, { recursive: true, force: true });
    const both = AGREEMENT.filter((row) => row.stagegate.length > 0);
    const differ = both.filter((row) => row.disagreement);
    const right = (who: string) => differ.filter((row) => row.disagreement?.right === who).length;
    console.log(
      [
        `      squawk agreement: ${both.length - differ.length} of ${both.length} cases both tools have a rule for agree;`,
        `      ${differ.length} disagree (Stagegate right on ${right('stagegate')}, squawk on ${right('squawk')}, ${right('depends on the tool')} depend on the tool);`,
        `      ${AGREEMENT.length - both.length} case(s) with no Stagegate rule.`,
        ...differ.map((row) => `        ${row.case}: ${WHO[row.disagreement?.right ?? 'stagegate']}: ${row.disagreement?.reason}`),
        ...AGREEMENT.filter((row) => row.gap).map((row) => `        ${row.case}: no Stagegate rule: ${row.gap}`),
      ].join('\n'),
    );
  });

  it('has one row for each case in the corpus', () => {
    const cases = readdirSync(folder)
      .filter((name) => name.startsWith(PREFIX) && name.endsWith('.sql'))
      .map((name) => name.slice(PREFIX.length, -'.sql'.length))
      .sort();
    assert.deepStrictEqual(AGREEMENT.map((row) => row.case).sort(), cases);
  });

  for (const row of AGREEMENT) {
    it(row.case, () => checkRow(row, texts.get(row.case) ?? '', squawk.get(row.case), stagegate.get(row.case)));
    if (row.autocommit)
      it(`${row.case}, statements run one by one`, () => {
        const reported = autocommit.get(row.case);
        assert.ok(reported, 'Stagegate did not check the case');
        assert.deepStrictEqual(
          row.stagegate.filter((id) => reported.has(id)),
          row.autocommit,
          `Stagegate reported ${[...reported].join(', ')}`,
        );
      });
    if (row.wrapped)
      it(`${row.case}, every file wrapped in a transaction (migrations.tool: django)`, () => {
        const reported = wrapped.get(row.case);
        assert.ok(reported, 'Stagegate did not check the case');
        assert.deepStrictEqual(
          row.stagegate.filter((id) => reported.has(id)),
          row.wrapped,
          `Stagegate reported ${[...reported].join(', ')}`,
        );
      });
  }
});

function checkRow(row: AgreementRow, text: string, squawkRules: Set<string> | undefined, stagegateRules: Set<string> | undefined): void {
  // squawk's verdict: as its own test expects (the header), and as the installed squawk reports.
  assert.strictEqual(header(text, 'expect'), row.squawk.verdict, 'the header disagrees with the table');
  assert.ok(
    header(text, 'squawk-rule')
      .split(/[\s,]+/)
      .includes(row.squawk.rule),
    `the header names ${header(text, 'squawk-rule')}`,
  );
  assert.ok(squawkRules, 'squawk did not report on the case');
  assert.strictEqual(verdict(squawkRules.has(row.squawk.rule)), row.squawk.verdict, `squawk reported ${[...squawkRules].join(', ')}`);
  // Stagegate's verdict through the CLI.
  assert.ok(stagegateRules, 'Stagegate did not check the case');
  const fires = row.stagegate.filter((id) => stagegateRules.has(id));
  assert.deepStrictEqual(fires, row.fires, `Stagegate reported ${[...stagegateRules].join(', ')}`);
  if (row.stagegate.length === 0) {
    assert.ok(row.gap, 'a case without a Stagegate rule says why');
    assert.ok(!row.disagreement);
    return;
  }
  assert.ok(!row.gap);
  const differ = verdict(fires.length > 0) !== row.squawk.verdict;
  assert.strictEqual(Boolean(row.disagreement), differ, differ ? 'the verdicts differ: say who is right and why' : 'the verdicts agree');
}
