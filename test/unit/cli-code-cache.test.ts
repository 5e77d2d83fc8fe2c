// The CLI's bundles as a whole process runs them: V8's code cache between runs (bin/code-cache.js), and commands kept
// in sibling bundles (dist/commands.js, dist/trace.js) reporting usage errors as the main bundle does.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readerForOneRun } from '../../src/node/files';
import { REPO_ROOT } from './helpers';

describe('CLI code cache and sibling bundles', () => {
  let folder: string;
  let cache: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-code-cache-'));
    cache = path.join(folder, 'cache');
    writeFileSync(path.join(folder, 'one.sql'), 'ALTER TABLE orders ADD COLUMN note text;\n');
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  function stagegate(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/stagegate.js'), ...args], {
      cwd: folder,
      env: { ...process.env, STAGEGATE_CODE_CACHE: undefined, STAGEGATE_CACHE_DIR: cache, ...env },
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  const cached = (): string[] => {
    try {
      return readdirSync(cache).sort();
    } catch {
      return [];
    }
  };

  it('caches the code of the bundles a run loaded, and gives the same output from the cache', () => {
    rmSync(cache, { recursive: true, force: true });
    const first = stagegate(['check', 'one.sql']);
    assert.strictEqual(first.status, 0, first.stderr);
    const files = cached();
    assert.deepStrictEqual(
      files.map((file) => file.replace(/-v\d.*$/, '')),
      ['cli', 'pg-parser'],
      files.join(', '),
    );
    for (const file of files) assert.ok(file.startsWith(`${file.split('-v')[0]}-${process.version}-${process.arch}-`), file);
    const second = stagegate(['check', 'one.sql']);
    assert.strictEqual(second.stdout, first.stdout);
    assert.match(second.stdout, /migration-missing-lock-timeout/);
    assert.deepStrictEqual(cached(), files, 'an accepted cache is not written again');
  });

  it('replaces a cache V8 rejects, and still runs', () => {
    const cli = cached().find((file) => file.startsWith('cli-'));
    assert.ok(cli, 'the first test left a cache of cli.js');
    writeFileSync(path.join(cache, cli), 'not a code cache');
    const run = stagegate(['check', 'one.sql']);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.match(run.stdout, /migration-missing-lock-timeout/);
    assert.notStrictEqual(readFileSync(path.join(cache, cli), 'utf8'), 'not a code cache');
  });

  it('writes nothing with STAGEGATE_CODE_CACHE=off, and runs where the cache folder cannot be written', () => {
    rmSync(cache, { recursive: true, force: true });
    const off = stagegate(['check', 'one.sql'], { STAGEGATE_CODE_CACHE: 'off' });
    assert.strictEqual(off.status, 0, off.stderr);
    assert.deepStrictEqual(cached(), []);
    // A file where the folder should be: the cache cannot be written, the run is unaffected.
    writeFileSync(cache, '');
    const blocked = stagegate(['check', 'one.sql']);
    assert.strictEqual(blocked.status, 0, blocked.stderr);
    assert.strictEqual(blocked.stdout, off.stdout);
    assert.strictEqual(blocked.stderr, off.stderr);
    rmSync(cache, { force: true });
  });

  it('runs trace, whose bundle imports PGlite as an ES module, through the cache', () => {
    for (const round of [1, 2]) {
      const run = stagegate(['trace', path.join(REPO_ROOT, 'test/fixtures/trace/add-column')]);
      assert.strictEqual(run.status, 0, `round ${round}: ${run.stderr}`);
      assert.match(run.stderr, /traced 5 statements of 2 files on PGlite/);
    }
    assert.ok(!cached().some((file) => file.startsWith('trace-')), cached().join(', '));
  });

  it('caches only bundles that never call import(), which a script compiled through vm cannot do', () => {
    const launcher = readFileSync(path.join(REPO_ROOT, 'bin/stagegate.js'), 'utf8');
    const names = JSON.parse(/useCodeCache\([^,]+, (\[[^\]]*\])\)/.exec(launcher)![1].replace(/'/g, '"')) as string[];
    assert.ok(names.includes('cli.js'), names.join(', '));
    for (const name of names)
      assert.doesNotMatch(readFileSync(path.join(REPO_ROOT, 'dist', name), 'utf8'), /[^\w$.]import\(/, `${name} calls import()`);
  });

  for (const command of ['simulate', 'trace', 'calibrate', 'backtest']) {
    it(`reports a usage error of ${command}, which runs from a sibling bundle, with exit 2 and the usage`, () => {
      const run = stagegate([command, 'one.sql', '--format', 'xml']);
      assert.strictEqual(run.status, 2, run.stderr);
      assert.match(run.stderr, /^stagegate: .*--format/);
      assert.match(run.stderr, /Usage:/);
      assert.doesNotMatch(run.stderr, /internal error/);
    });
  }
});

describe('readerForOneRun', () => {
  it('reads files that exist, and answers for missing ones from one listing of their folder', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-reader-'));
    try {
      writeFileSync(path.join(folder, '001_add.up.sql'), '\ufeffSELECT 1;\n');
      const reader = readerForOneRun();
      assert.strictEqual(await reader.read(path.join(folder, '001_add.up.sql')), 'SELECT 1;\n');
      assert.strictEqual(await reader.read(path.join(folder, '001_add.down.sql')), undefined);
      assert.strictEqual(await reader.read(path.join(folder, 'missing', 'flyway.toml')), undefined);
      assert.strictEqual(await reader.read(path.join(folder, '001_add.up.sql', 'below-a-file')), undefined);
      // A folder is not a file's text.
      assert.strictEqual(await reader.read(folder), undefined);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
