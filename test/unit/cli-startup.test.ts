// What a `check` run loads as a whole process: the SQL parser (its loader and its WASM) only when there is SQL to read,
// and never the language server. A preload script records what the process compiles and requires.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { REPO_ROOT } from './helpers';

const RECORDER = `
const fs = require('fs');
const Module = require('module');
const seen = [];
for (const name of ['instantiate', 'instantiateStreaming', 'compile', 'compileStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = function (...args) { seen.push('wasm:' + name); return original.apply(this, args); };
}
globalThis.Function = new Proxy(Function, {
  construct(target, args) { seen.push('new Function'); return Reflect.construct(target, args); },
});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request.startsWith('.') || request.startsWith('/')) seen.push('require:' + path.basename(request));
  return load.apply(this, arguments);
};
const path = require('path');
process.on('exit', () => fs.writeFileSync(process.env.STAGEGATE_TEST_RECORD, seen.join('\\n')));
`;

describe('CLI start-up', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-startup-'));
    writeFileSync(path.join(folder, 'record.js'), RECORDER);
    writeFileSync(path.join(folder, 'one.sql'), 'ALTER TABLE orders ADD COLUMN note text;\n');
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  function check(target: string): { stdout: string; record: string[] } {
    return run(['check', target]);
  }

  function run(args: string[]): { stdout: string; record: string[] } {
    const record = path.join(folder, 'record.txt');
    rmSync(record, { force: true });
    let stdout: string;
    try {
      stdout = execFileSync(
        process.execPath,
        ['--require', path.join(folder, 'record.js'), path.join(REPO_ROOT, 'bin/stagegate.js'), ...args],
        {
          cwd: folder,
          env: { ...process.env, STAGEGATE_TEST_RECORD: record },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      stdout = String((error as { stdout?: string }).stdout);
    }
    return { stdout, record: readFileSync(record, 'utf8').split('\n') };
  }

  it('checks a plan with no migrations without loading the SQL parser or the language server, or compiling code', () => {
    const { stdout, record } = check(path.join(REPO_ROOT, 'test/fixtures/simulate/assumptions.release.yaml'));
    assert.ok(record.includes('require:cli.js'), `the recorder saw the bundle load: ${record.join(', ')}`);
    assert.deepStrictEqual(
      record.filter(
        (entry) =>
          entry.startsWith('wasm:') || entry === 'require:pg-parser.js' || entry === 'require:server.js' || entry === 'new Function',
      ),
      [],
    );
    assert.ok(!stdout.includes('internal error'), stdout);
    assert.ok(record.includes('require:schemas.js'), `a plan is validated by the precompiled validators: ${record.join(', ')}`);
    assert.ok(!record.includes('require:ajv.js'), `no schema is compiled: ${record.join(', ')}`);
    assert.ok(!record.includes('require:commands.js'), `check loads no other command: ${record.join(', ')}`);
  });

  it('checks a SQL file without loading the schemas, Ajv or the other commands', () => {
    const { record } = check(path.join(folder, 'one.sql'));
    assert.deepStrictEqual(
      record.filter((entry) => ['require:schemas.js', 'require:ajv.js', 'require:commands.js'].includes(entry)),
      [],
      record.join(', '),
    );
  });

  it('loads simulate from its sibling bundle', () => {
    const { stdout, record } = run(['simulate', path.join(REPO_ROOT, 'examples/checkout/checkout.release.yaml'), '--runs', '5']);
    assert.ok(record.includes('require:commands.js'), record.join(', '));
    assert.match(stdout, /caught in 100% of runs/);
  });

  it('loads the parser and compiles its WASM for a SQL file, and reports its finding', () => {
    const { stdout, record } = check(path.join(folder, 'one.sql'));
    assert.ok(record.includes('require:pg-parser.js'), record.join(', '));
    assert.ok(
      record.some((entry) => entry.startsWith('wasm:')),
      record.join(', '),
    );
    assert.ok(!record.includes('require:server.js'), record.join(', '));
    assert.match(stdout, /migration-missing-lock-timeout/);
  });

  it('reports schema problems byte for byte as the unbundled engine does, which compiles the schemas when first used', async () => {
    const args = ['check', path.join(REPO_ROOT, 'test/fixtures'), '--format', 'json', '--today', '2026-11-26'];
    let inProcess = '';
    await main(args, { stdout: (text) => (inProcess += text), stderr: () => undefined, cwd: folder });
    const bundled = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/stagegate.js'), ...args], {
      cwd: folder,
      encoding: 'utf8',
    }).stdout;
    assert.match(inProcess, /"ruleId": "schema/, 'the fixtures hold schema problems');
    assert.strictEqual(bundled, inProcess);
  });
});
