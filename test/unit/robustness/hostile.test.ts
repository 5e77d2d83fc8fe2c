// Inputs built to hurt a parser: each must end with a named finding at a range inside the file, never an
// exception, a hang or silence. Work is bounded by the limits in src/engine/limits.ts; these tests assert the
// check ends and what it says, and that nothing of a file stays once it is removed; never how long it took.
// STAGEGATE_HOSTILE_REPORT=1 prints time and heap per input.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { main } from '../../../src/cli/main';
import type { Finding } from '../../../src/engine/finding';
import {
  MAX_ALIAS_COUNT,
  MAX_FILE_BYTES,
  MAX_FLAGS,
  MAX_NESTING_DEPTH,
  MAX_SQL_STATEMENT_BYTES,
  MAX_STAGES,
} from '../../../src/engine/limits';
import { LineIndex } from '../../../src/engine/text/line-index';
import { at, FIXTURES } from '../helpers';
import { assertInside, FuzzWorkspace } from './harness';
import * as hostile from './hostile-inputs';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;

interface Measured {
  input: string;
  megabytes: number;
  milliseconds: number;
  /** Heap growth right after the check, garbage included: a rough view of what the check allocated. */
  heapAfterCheckMb: number;
  /** Heap still held after a full collection while the workspace holds the file (its cached parse). */
  retainedMb: number;
  /** Heap still held once the file is removed from the workspace: what would leak (only reported). */
  afterRemoveMb: number;
}

const measured: Measured[] = [];

function heapMb(): number {
  collectGarbage?.();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Checks `text` as `enginePath` in a fresh workspace, asserts the invariants, and records time and heap. */
async function checkHostile(input: string, enginePath: string, text: string): Promise<Finding[]> {
  const before = heapMb();
  const started = process.hrtime.bigint();
  const fuzz = new FuzzWorkspace();
  fuzz.set(enginePath, text);
  const reports = await fuzz.check();
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  const heapAfterCheckMb = process.memoryUsage().heapUsed / 1e6 - before;
  const retainedMb = heapMb() - before;
  const parsed = weakly(fuzz.workspace.source(enginePath));
  fuzz.remove(enginePath);
  // A weakly held object survives until the current job ends: collect after a turn of the event loop, a few
  // times, since a collection already under way when the file was removed may not be the one that frees it.
  let afterRemoveMb = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    afterRemoveMb = heapMb() - before;
    if (!parsed?.deref()) break;
  }
  measured.push({ input, megabytes: Buffer.byteLength(text) / 1e6, milliseconds, heapAfterCheckMb, retainedMb, afterRemoveMb });
  if (collectGarbage && parsed) {
    // Once the file is gone, its parse is gone: no cache (values, statistics, key indexes) keeps it alive.
    // Heap figures are only reported: in the full suite other tests' leftover work allocates meanwhile.
    assert.strictEqual(parsed.deref(), undefined, `${input}: the parsed file is still reachable after it was removed`);
  }
  return reports.find((report) => report.path === enginePath)?.findings ?? [];
}

/** A weak reference that leaves no strong one behind in the caller's scope. */
function weakly<T extends object>(target: T | undefined): WeakRef<T> | undefined {
  return target ? new WeakRef(target) : undefined;
}

function ruleIds(findings: Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.ruleId))].sort();
}

describe('robustness: hostile inputs end with a named finding', function () {
  this.timeout(120_000);

  after(() => {
    if (!process.env.STAGEGATE_HOSTILE_REPORT) return;
    console.log(
      `\n      ${'input'.padEnd(58)} ${'MB'.padStart(6)} ${'ms'.padStart(7)} ${'heap+ MB'.padStart(9)} ${'held MB'.padStart(8)} ${'freed MB'.padStart(9)}`,
    );
    for (const row of measured) {
      console.log(
        `      ${row.input.padEnd(58)} ${row.megabytes.toFixed(2).padStart(6)} ${row.milliseconds.toFixed(0).padStart(7)} ${row.heapAfterCheckMb.toFixed(0).padStart(9)} ${row.retainedMb.toFixed(1).padStart(8)} ${row.afterRemoveMb.toFixed(1).padStart(9)}`,
      );
    }
    if (!collectGarbage) console.log('      (no gc() available: heap figures include garbage)');
  });

  describe('YAML', () => {
    it(`a "billion laughs" alias bomb (9 levels of 9) stops at ${MAX_ALIAS_COUNT} expansions: yaml-alias-limit on the document`, async () => {
      const text = hostile.aliasBomb(9, 9);
      const findings = await checkHostile('alias bomb, 9^9 strings', '/hostile/bomb.flags.yaml', text);
      assert.deepStrictEqual(findings.map(at), [`yaml-alias-limit@0:0-${new LineIndex(text).lineCount - 2}:20`]);
      assert.match(findings[0].message, /more than 1000 aliases/);
    });

    it('a value holding itself through an alias (x: &a [*a]) in a resource other files refer to: checked, no crash', async () => {
      for (const [file, head] of [
        ['/hostile/metric-templates.yaml', 'apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\n'],
        ['/hostile/templates.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\n'],
      ]) {
        const findings = await checkHostile(
          'alias holding itself',
          file,
          `loop: &a [*a]\n${head}metadata:\n  name: error-budget\nspec: {}\n`,
        );
        assert.ok(!findings.some((finding) => finding.ruleId === 'internal-error'), JSON.stringify(findings));
      }
    });

    it('an alias to no anchor is a syntax error at the alias, not an alias bomb', async () => {
      const findings = await checkHostile(
        'alias to no anchor',
        '/hostile/typo.flags.yaml',
        'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a: *nope\n',
      );
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.message}`),
        ['syntax-error@3:5-3:10 Alias *nope refers to no anchor &nope before it.'],
      );
    });

    for (const [shape, generate] of [
      ['flow sequences', hostile.nestedFlowSequences],
      ['flow mappings', hostile.nestedFlowMappings],
      ['compact block sequences', hostile.nestedBlockSequences],
    ] as const) {
      it(`10,000 levels of ${shape}: nesting-too-deep on line 1, before the parser recurses`, async () => {
        const findings = await checkHostile(`10,000 levels of ${shape}`, '/hostile/deep.flags.yaml', generate(10_000));
        assert.deepStrictEqual(ruleIds(findings), ['nesting-too-deep']);
        assert.strictEqual(findings[0].range.start.line, 0);
        assert.match(findings[0].message, /nest 1000\d levels deep; Stagegate reads at most 200/);
      });
    }

    it('indented block mappings: 2,000 levels give nesting-too-deep, 10,000 (50 MB of indentation) file-too-large', async () => {
      assert.deepStrictEqual(
        ruleIds(await checkHostile('2,000 levels of indented mappings', '/hostile/deep.flags.yaml', hostile.nestedBlockMappings(2000))),
        ['nesting-too-deep'],
      );
      assert.deepStrictEqual(
        ruleIds(await checkHostile('10,000 levels of indented mappings', '/hostile/deep.flags.yaml', hostile.nestedBlockMappings(10_000))),
        ['file-too-large'],
      );
    });

    it('10,000 levels hidden from the pre-parse estimate by a stray quote: nesting-too-deep where the nesting is', async () => {
      const findings = await checkHostile(
        '10,000 levels behind a stray quote',
        '/hostile/deep.flags.yaml',
        hostile.nestingBehindAStrayQuote(10_000),
      );
      assert.deepStrictEqual(ruleIds(findings), ['nesting-too-deep']);
      assert.strictEqual(findings[0].range.start.line, 8);
    });

    it(`${MAX_NESTING_DEPTH + 50} levels hidden from the estimate: the exact depth, measured after parsing, is reported`, async () => {
      const findings = await checkHostile(
        `${MAX_NESTING_DEPTH + 50} levels behind a stray quote`,
        '/hostile/deep.flags.yaml',
        hostile.nestingBehindAStrayQuote(MAX_NESTING_DEPTH + 50),
      );
      // The document, flags, the flag and its variants are four levels above the lists.
      assert.deepStrictEqual(
        findings.map((finding) => finding.message),
        [`Collections nest ${MAX_NESTING_DEPTH + 50 + 4} levels deep; Stagegate reads at most ${MAX_NESTING_DEPTH}.`],
      );
    });

    it('10,000 nested explicit keys (`? ? ? x`): nesting-too-deep', async () => {
      assert.deepStrictEqual(
        ruleIds(await checkHostile('10,000 nested explicit keys', '/hostile/keys.flags.yaml', hostile.nestedExplicitKeys(10_000))),
        ['nesting-too-deep'],
      );
    });

    it('150 nested collection keys end (the yaml package alone needs minutes to stringify them): schema findings on the key', async () => {
      const findings = await checkHostile('150 nested collection keys', '/hostile/keys.flags.yaml', hostile.nestedExplicitKeys(150));
      assert.ok(
        findings.some((finding) => finding.ruleId === 'schema' && finding.range.start.line === 7),
        findings.map(at).join(', '),
      );
    });

    it('collection keys, small: each key is reported as an invalid flag name at its own range', async () => {
      const findings = await checkHostile(
        'collection keys fixture',
        '/hostile/collection-keys.flags.yaml',
        readHostile('collection-keys.flags.yaml'),
      );
      assert.deepStrictEqual(
        findings.filter((finding) => finding.ruleId === 'schema' && finding.message.includes('is not a valid name')).map(at),
        ['schema@6:4-6:23', 'schema@8:4-8:12', 'schema@10:4-10:15'],
      );
    });

    it('a syntax error on each of 200,000 lines: the syntax errors, then nesting-too-deep where the parser gave up', async () => {
      const findings = await checkHostile(
        'a syntax error on each of 200,000 lines',
        '/hostile/garbled.flags.yaml',
        hostile.syntaxErrorOnEveryLine(200_000),
      );
      // Whether the parser's stack runs out before the end depends on the stack already in use (test order, JIT
      // state): when it does, nesting-too-deep says so; either way the syntax errors are reported and nothing throws.
      const ids = ruleIds(findings).filter((id) => id !== 'too-many-findings');
      assert.ok(ids.includes('syntax-error'), ids.join(', '));
      assert.ok(
        ids.every((id) => id === 'syntax-error' || id === 'nesting-too-deep'),
        ids.join(', '),
      );
      assert.strictEqual(findings[0].message, 'Nested mappings are not allowed in compact mappings');
    });

    it('a 10 MB flag set: file-too-large on line 1, nothing parsed', async () => {
      const text = hostile.largeFlagSet(10 * 1024 * 1024);
      const findings = await checkHostile('10 MB flag set', '/hostile/big.flags.yaml', text);
      assert.deepStrictEqual(findings.map(at), ['file-too-large@0:0-0:28']);
      assert.match(
        findings[0].message,
        new RegExp(
          `File is ${Buffer.byteLength(text).toLocaleString('en-US')} bytes; Stagegate checks files up to ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes`,
        ),
      );
    });

    it('binary content (an image renamed to .release.yaml): invalid-encoding at the first NUL, with the count', async () => {
      const bytes = hostile.binaryBytes(100_000);
      const text = bytes.toString('utf8');
      const findings = await checkHostile('100 kB of binary as a plan', '/hostile/logo.release.yaml', text);
      const encoding = findings.filter((finding) => finding.ruleId === 'invalid-encoding');
      assert.strictEqual(encoding.length, 1);
      assert.deepStrictEqual(encoding[0].range.start, new LineIndex(text).positionAt(text.indexOf('\u0000')));
      assert.match(encoding[0].message, /NUL characters \([\d,]+ in the file\)/);
    });

    it('a Latin-1 file read as UTF-8: invalid-encoding at the replacement character, and nothing else', async () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'hostile', 'latin1.flags.yaml')).toString('utf8');
      const findings = await checkHostile('Latin-1 flag set', '/hostile/latin1.flags.yaml', text);
      assert.deepStrictEqual(findings.map(at), ['invalid-encoding@17:30-17:31']);
    });

    it('lone CR line breaks are lines, as editors count them: ranges stay inside those lines', async () => {
      const text = readHostile('lone-cr.release.yaml');
      const findings = await checkHostile('lone CR line breaks', '/hostile/lone-cr.release.yaml', text);
      assert.ok(findings.length > 0);
      const lines = new LineIndex(text);
      assert.strictEqual(lines.lineCount, text.split(/\r\n|\r|\n/).length);
      for (const finding of findings) assertInside(lines, finding.range, finding.ruleId);
    });

    it(`a plan with 100,000 stages: plan-too-large at the stages key (the limit is ${MAX_STAGES})`, async () => {
      const findings = await checkHostile('plan with 100,000 stages', '/hostile/huge.release.yaml', hostile.planWithStages(100_000));
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.message}`),
        [`plan-too-large@5:0-5:6 The plan has 100000 stages; Stagegate lints and simulates plans of up to ${MAX_STAGES}.`],
      );
    });

    it(`a flag set with 100,000 flags: flag-set-too-large at the flags key (the limit is ${MAX_FLAGS})`, async () => {
      const findings = await checkHostile('flag set with 100,000 flags', '/hostile/huge.flags.yaml', hostile.flagSetWithFlags(100_000));
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.message}`),
        [
          `flag-set-too-large@5:0-5:5 The flag set has 100000 flags; Stagegate lints flag sets of up to ${MAX_FLAGS}. Split it into several files.`,
        ],
      );
    });

    it(`a flag set of exactly ${MAX_FLAGS} flags is still checked`, async () => {
      const findings = await checkHostile(
        `flag set with ${MAX_FLAGS} flags`,
        '/hostile/limit.flags.yaml',
        hostile.flagSetWithFlags(MAX_FLAGS),
      );
      assert.ok(!findings.some((finding) => finding.ruleId === 'flag-set-too-large'));
      assert.ok(findings.some((finding) => finding.ruleId === 'flag-missing-description'));
    });

    it('a prerequisite chain of 19,999 flags ends without overflowing the stack, and finds no cycle', async () => {
      const findings = await checkHostile(
        'prerequisite chain of 19,999 flags',
        '/hostile/chain.flags.yaml',
        hostile.flagDependencyRing(MAX_FLAGS - 1, false),
      );
      assert.deepStrictEqual(ruleIds(findings), []);
    });

    it('a prerequisite cycle through 20,000 flags: flag-dependency-cycle on each, with a message of bounded length', async () => {
      const findings = await checkHostile(
        'prerequisite cycle of 20,000 flags',
        '/hostile/ring.flags.yaml',
        hostile.flagDependencyRing(MAX_FLAGS, true),
      );
      assert.deepStrictEqual(ruleIds(findings), ['flag-dependency-cycle', 'too-many-findings']);
      assert.match(
        findings[0].message,
        /^Flag "flag-0" is on a prerequisite cycle: flag-0 → flag-1 → .* → flag-19 → … → flag-0 \(20,000 flags\)\./,
      );
      assert.ok(findings.every((finding) => finding.message.length < 600));
    });
  });

  describe('SQL', () => {
    it('an unterminated dollar quote: migration-syntax-error where the quote opens; the statements it swallowed are not guessed at', async () => {
      const findings = await checkHostile('unterminated $body$', '/hostile/migrations/1.sql', readHostile('unterminated-dollar-quote.sql'));
      assert.deepStrictEqual(findings.map(at), ['migration-syntax-error@2:49-2:55']);
      assert.match(findings[0].message, /unterminated dollar-quoted string/);
    });

    it('nested dollar quotes, the outer one never closed: the statements before it are still checked', async () => {
      const findings = await checkHostile(
        'unterminated nested dollar quotes',
        '/hostile/migrations/2.sql',
        readHostile('unterminated-dollar-quote-nested.sql'),
      );
      assert.deepStrictEqual(findings.map(at), ['migration-drops-column@2:19-2:43', 'migration-syntax-error@3:7-3:23']);
    });

    it(`a 5 MB statement (under the file limit): migration-statement-too-large (the limit is ${MAX_SQL_STATEMENT_BYTES / 1024} KiB)`, async () => {
      const findings = await checkHostile('5 MB INSERT statement', '/hostile/migrations/3.sql', hostile.hugeStatement(5_000_000));
      assert.deepStrictEqual(ruleIds(findings), ['migration-statement-too-large']);
      assert.strictEqual(findings[0].range.start.line, 0);
    });

    it('a 10 MB migration: file-too-large, as for YAML, nothing parsed', async () => {
      const findings = await checkHostile('10 MB migration', '/hostile/migrations/4.sql', hostile.largeMigration(10 * 1024 * 1024));
      assert.deepStrictEqual(findings.map(at), ['file-too-large@0:0-0:24']);
    });

    it('binary content as a migration: invalid-encoding, and syntax errors with ranges inside the text', async () => {
      const findings = await checkHostile(
        '100 kB of binary as a migration',
        '/hostile/migrations/5.sql',
        hostile.binaryBytes(100_000).toString('utf8'),
      );
      assert.ok(ruleIds(findings).includes('invalid-encoding'));
      assert.ok(ruleIds(findings).includes('migration-syntax-error'));
    });
  });

  describe('through the CLI, bytes from disk', () => {
    let folder: string;
    before(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagegate-hostile-'));
    });
    after(() => fs.rmSync(folder, { recursive: true, force: true }));

    async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = '';
      let stderr = '';
      const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: folder });
      return { code, stdout, stderr };
    }

    it('invalid UTF-8 (a stray byte, an overlong form, a surrogate, a truncated sequence): one invalid-encoding warning at 1-based positions of the decoded text', async () => {
      const bytes = Buffer.concat([
        Buffer.from(
          'apiVersion: stagegate.dev/v1\nkind: FlagSet\nmetadata:\n  name: bytes\n  owner: team-a\nflags:\n  a:\n    type: kill-switch\n    default: false\n    description: "',
        ),
        Buffer.from([0xff, 0x20, 0xc0, 0xaf, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xf0, 0x9f, 0x98]),
        Buffer.from('"\n'),
      ]);
      fs.writeFileSync(path.join(folder, 'bytes.flags.yaml'), bytes);
      const result = await cli(['check', 'bytes.flags.yaml', '--format', 'json']);
      assert.strictEqual(result.code, 0, result.stderr);
      const rows = JSON.parse(result.stdout);
      assert.deepStrictEqual(
        rows.map((row: { ruleId: string; line: number; column: number }) => `${row.ruleId}@${row.line}:${row.column}`),
        ['invalid-encoding@10:19'],
      );
      assert.match(rows[0].message, /\(\d+ in the file\)/);
    });

    it('a UTF-8 BOM is dropped by the reader: no finding, positions unchanged', async () => {
      const plan = fs.readFileSync(path.join(FIXTURES, 'foundation', 'broken.release.yaml'));
      fs.writeFileSync(path.join(folder, 'bom.release.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plan]));
      fs.writeFileSync(path.join(folder, 'plain.release.yaml'), plan);
      const withBom = JSON.parse((await cli(['check', 'bom.release.yaml', '--format', 'json'])).stdout);
      const without = JSON.parse((await cli(['check', 'plain.release.yaml', '--format', 'json'])).stdout);
      assert.deepStrictEqual(
        withBom.map((row: { file: string }) => ({ ...row, file: 'x' })),
        without.map((row: { file: string }) => ({ ...row, file: 'x' })),
      );
    });

    it('a binary file named as a plan: exit 1 with findings, no stack trace', async () => {
      fs.writeFileSync(path.join(folder, 'logo.release.yaml'), hostile.binaryBytes(20_000));
      const result = await cli(['check', 'logo.release.yaml']);
      assert.strictEqual(result.code, 1);
      assert.match(result.stdout, /invalid-encoding/);
      assert.ok(!/\n\s+at /.test(result.stdout + result.stderr), 'no stack trace');
    });
  });
});

function readHostile(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, 'hostile', name), 'utf8');
}
