// Property-based tests over the whole engine: real files, edited the way people and tools break them, must still
// give an answer with every range inside the document. Seeds are fixed; fast-check prints the seed and path of a
// failure, and STAGEGATE_FUZZ_SEED=<seed> replays it. STAGEGATE_FUZZ_RUNS=10000 runs 100× longer.

import * as assert from 'assert';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { checkAlone, FuzzWorkspace, runs, seed, seedFiles, timeBudgetMs, type SeedFile } from './harness';
import { applyAll, HOSTILE_CHARACTERS, HOSTILE_SCALARS, mutations } from './mutations';
import { corpusAvailable } from '../corpus';

const SEED = 20261126;
const SEEDS = seedFiles();
// The examples' files Stagegate reads (not the offline example's saved history, data for backtest --history).
const EXAMPLE_PATHS = SEEDS.filter((file) => file.origin.startsWith('examples/') && file.enginePath === `/fuzz/${file.origin}`);
const YAML_OR_JSON = SEEDS.filter((file) => !/\.sql$/i.test(file.origin));

/** fast-check options shared by every property; the run count actually reached is logged when the budget cuts it short. */
function options(name: string, numRuns: number, budgetMs: number): fc.Parameters<unknown> {
  return {
    seed: seed(SEED),
    numRuns: runs(numRuns),
    interruptAfterTimeLimit: timeBudgetMs(budgetMs),
    markInterruptAsFailure: false,
    reporter: (details) => {
      if (details.failed) throw new Error(`${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`);
      if (details.interrupted) console.log(`      (${name}: time budget reached after ${details.numRuns} runs; every run passed)`);
    },
  };
}

describe(`robustness: property-based checks of the engine (fast-check seed ${seed(SEED)})`, function () {
  this.timeout(5 * 60 * 1000);

  it(`finds ${SEEDS.length} seed files (examples, fixtures${corpusAvailable() ? ', the external corpus' : ''}) to mutate`, () => {
    assert.ok(
      SEEDS.some((file) => file.origin.startsWith('examples/')),
      'examples/ missing',
    );
    assert.ok(
      SEEDS.some((file) => file.origin.startsWith('test/fixtures/')),
      'test/fixtures/ missing',
    );
    // The corpus adds seeds where it exists; the project's own files are enough without it.
    if (corpusAvailable())
      assert.ok(
        SEEDS.some((file) => file.origin.startsWith('corpus/')),
        'corpus files missing from the seeds',
      );
  });

  it('every seed file as it is: no exception, ranges inside', async () => {
    for (const file of SEEDS) await checkAlone(file.enginePath, file.text);
  });

  it('any seed file after up to four edits (bytes, lines, values, unicode, CRLF, BOM, tabs, nesting)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS), mutations, async (file: SeedFile, edits) => {
        await checkAlone(file.enginePath, applyAll(file.text, edits));
      }),
      options('mutated seed files', 2000, 20_000),
    );
  });

  it('a long-lived workspace with the checkout example, one file edited at a time (cross-file rules, cached parses)', async () => {
    const fuzz = new FuzzWorkspace();
    for (const file of EXAMPLE_PATHS) fuzz.set(file.enginePath, file.text);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EXAMPLE_PATHS), mutations, async (file: SeedFile, edits) => {
        fuzz.set(file.enginePath, applyAll(file.text, edits));
        try {
          await fuzz.check();
        } finally {
          fuzz.set(file.enginePath, file.text);
        }
      }),
      options('workspace edits', 500, 10_000),
    );
    // Back to the original texts, the example is clean again: no edit left a stale parse or analysis behind.
    const reports = await fuzz.check();
    assert.deepStrictEqual(
      reports.flatMap((report) => report.findings.map((finding) => `${report.path}: ${finding.ruleId}`)),
      [],
    );
  });

  it('values of the wrong type, out of range or unrepresentable anywhere in a plan or flag set, as YAML and as JSON', async () => {
    const documents = YAML_OR_JSON.filter((file) => /\.(release|flags)\./.test(file.enginePath))
      .map((file) => ({ file, value: tryParse(file.text) }))
      .filter((entry): entry is { file: SeedFile; value: object } => typeof entry.value === 'object' && entry.value !== null);
    const replacement = fc.oneof(
      fc.constantFrom(...HOSTILE_SCALARS.map((scalar) => tryParse(`v: ${scalar}`)?.v ?? scalar)),
      fc.constantFrom(
        -1,
        0,
        -0,
        101,
        1e308,
        -1e308,
        Number.MAX_SAFE_INTEGER + 2,
        5e-324,
        'NaN',
        'Infinity',
        '-Infinity',
        '1e999',
        '',
        ' ',
        null,
        true,
        [],
        {},
      ),
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        replacement,
        fc.boolean(),
        async ({ file, value }, route, newValue, asJson) => {
          const copy = structuredClone(value);
          setAlong(copy, route, newValue);
          const enginePath = asJson ? file.enginePath.replace(/\.ya?ml$/i, '.json') : file.enginePath.replace(/\.json$/i, '.yaml');
          await checkAlone(enginePath, asJson ? JSON.stringify(copy, null, 2) : stringify(copy));
        },
      ),
      options('wrong values', 1000, 10_000),
    );
  });

  it('token soup: arbitrary sequences of YAML punctuation, keys, hostile values and characters', async () => {
    const tokens = [
      'apiVersion: stagegate.dev/v1\n',
      'kind: ReleasePlan\n',
      'kind: FlagSet\n',
      'stages:\n',
      'flags:\n',
      '  - name: a\n',
      '    weight: ',
      '    gates:\n',
      '      - metric: errorRate\n',
      '        max: ',
      'traffic:\n',
      '  requestsPerSecond: ',
      '  f:\n',
      '    type: release\n',
      '    expires: ',
      '    dependsOn: [',
      '    variants: {',
      '  ',
      '    ',
      '- ',
      '? ',
      ': ',
      ', ',
      '\n',
      '\r\n',
      ...HOSTILE_SCALARS,
      ...HOSTILE_CHARACTERS,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...tokens), { maxLength: 80 }),
        fc.constantFrom('/soup/a.release.yaml', '/soup/a.flags.yaml', '/soup/a.flags.json'),
        async (pieces, enginePath) => {
          await checkAlone(enginePath, pieces.join(''));
        },
      ),
      options('token soup', 1500, 10_000),
    );
  });
});

describe('robustness: every prefix of a file, as while typing it', function () {
  this.timeout(5 * 60 * 1000);
  /**
   * Small files are cut at every offset, and so are the examples' plans and flag files; larger ones at evenly spaced
   * offsets (every prefix of the offline example's 87 KB saved history would be 87,000 checks of up to 87 KB).
   */
  const EVERY_OFFSET_UP_TO = 400;
  const EVERY_OFFSET_OF_EXAMPLES_UP_TO = 20_000;
  const SAMPLED_OFFSETS = 24;

  for (const file of SEEDS) {
    const everyOffset =
      file.text.length <= EVERY_OFFSET_UP_TO ||
      ((file.origin.startsWith('examples/') || file.origin.startsWith('test/fixtures/foundation/')) &&
        file.text.length <= EVERY_OFFSET_OF_EXAMPLES_UP_TO);
    const cuts = everyOffset
      ? Array.from({ length: file.text.length + 1 }, (_, i) => i)
      : Array.from({ length: SAMPLED_OFFSETS + 1 }, (_, i) => Math.round((i * file.text.length) / SAMPLED_OFFSETS));
    it(`${file.origin}: ${everyOffset ? 'every one' : `${cuts.length} evenly spaced ones`} of its ${file.text.length + 1} prefixes`, async () => {
      const fuzz = new FuzzWorkspace();
      for (const cut of cuts) {
        fuzz.set(file.enginePath, file.text.slice(0, cut));
        await fuzz.check();
      }
    });
  }
});

function tryParse(text: string): any {
  try {
    return parse(text, { uniqueKeys: false, logLevel: 'silent' });
  } catch {
    return undefined;
  }
}

/** Walks `route` (fractions choosing a child at each level) into the value and replaces what it reaches. */
function setAlong(root: unknown, route: number[], newValue: unknown): void {
  let node = root as Record<string, unknown> | unknown[];
  for (let depth = 0; depth < route.length; depth++) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[Math.min(keys.length - 1, Math.floor(route[depth] * keys.length))];
    const child = (node as Record<string | number, unknown>)[key];
    const last = depth === route.length - 1 || typeof child !== 'object' || child === null;
    if (last) {
      (node as Record<string | number, unknown>)[key] = newValue;
      return;
    }
    node = child as Record<string, unknown>;
  }
}
