// The CI integrations' definition files, as GitHub and pre-commit read them: action.yml (a composite action) and
// .pre-commit-hooks.yaml. No Actions runner here, and pre-commit would install every development dependency from
// the registry: package.test.ts runs the action's steps with the packed CLI; this checks the files' shape, their
// scripts' syntax, the hook's file pattern and what pre-commit reads of `npm pack`.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { readAction } from './composite-action';
import { REPO_ROOT } from './helpers';

describe('action.yml', () => {
  const action = readAction(path.join(REPO_ROOT, 'action.yml'));
  const steps = action.runs.steps;

  it('is a composite action with a name, a description and the documented inputs and outputs', () => {
    assert.strictEqual(action.name, 'Stagegate');
    assert.ok(typeof action.description === 'string' && action.description.length > 0);
    assert.strictEqual(action.runs.using, 'composite');
    assert.deepStrictEqual(Object.keys(action.inputs), [
      'paths',
      'config',
      'fail-on',
      'max-warnings',
      'sarif',
      'upload',
      'category',
      'node-version',
    ]);
    for (const [name, input] of Object.entries(action.inputs)) {
      assert.ok(input.description, `input ${name} has a description`);
      assert.strictEqual(typeof input.default, 'string', `input ${name} has a default (a string, as runners pass inputs)`);
    }
    assert.deepStrictEqual(Object.keys(action.outputs), ['sarif', 'exit-code']);
  });

  it('runs the check with SARIF output through npx, uploads it to code scanning, and fails last', () => {
    const check = steps.find((step) => step.id === 'check');
    assert.match(check?.run ?? '', /npx --yes --package="\$STAGEGATE_TARBALL" -- stagegate/);
    assert.match(check?.run ?? '', /--format sarif/);
    const names = steps.map((step) => step.uses?.replace(/@.*/, '') ?? step.id ?? step.name);
    assert.deepStrictEqual(names, ['actions/setup-node', 'package', 'check', 'github/codeql-action/upload-sarif', 'Fail on findings']);
  });

  it('runs bash scripts that parse, and passes inputs to them through the environment only', () => {
    for (const step of steps.filter((candidate) => candidate.run !== undefined)) {
      assert.strictEqual(step.shell, 'bash', `${step.name}: composite run steps need a shell`);
      assert.ok(!step.run!.includes('${{'), `${step.name}: no expression pasted into the script`);
      const syntax = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
      assert.strictEqual(syntax.status, 0, `${step.name}: ${syntax.stderr}`);
    }
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8'));

  it('defines the stagegate hook: node, the package bin, the whole repository checked', () => {
    assert.ok(Array.isArray(hooks) && hooks.length === 1, JSON.stringify(hooks));
    const [hook] = hooks;
    assert.deepStrictEqual(
      { id: hook.id, language: hook.language, entry: hook.entry, pass_filenames: hook.pass_filenames, args: hook.args },
      { id: 'stagegate', language: 'node', entry: 'stagegate check', pass_filenames: false, args: ['.'] },
    );
    assert.ok(hook.name && hook.description);
    const bin = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bin;
    assert.ok(hook.entry.split(' ')[0] in bin, 'the entry is a bin of the package pre-commit installs');
  });

  it('runs when a file of a kind Stagegate reads is committed, and not for others', () => {
    const [hook] = hooks;
    // pre-commit reads the pattern as a Python regex; `(?i)` at its start is its case-insensitive flag.
    const source = String(hook.files);
    const files = source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source);
    for (const name of [
      'deploy/checkout.release.yaml',
      'flags/app.flags.yml',
      'flagd/flags.json',
      'rollouts/canary.YAML',
      'db/migrations/0001_init.sql',
      '.stagegate.yaml',
    ])
      assert.ok(files.test(name), `${name} triggers the hook`);
    for (const name of ['README.md', 'src/app.ts', 'Dockerfile', 'db/schema.sql.bak']) assert.ok(!files.test(name), `${name} does not`);
  });

  it('npm pack prints only the tarball name on standard output, which pre-commit installs as a path', function () {
    // pre-commit runs `npm pack` in its clone and passes all of its standard output to `npm install -g`; the prepack
    // build's banner there made the path `> stagegate@… prepack\n…\nstagegate-….tgz`. --dry-run runs prepack too.
    this.timeout(120_000);
    const { name, version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const packed = spawnSync('npm', ['pack', '--dry-run'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.strictEqual(packed.status, 0, packed.stderr);
    assert.strictEqual(packed.stdout, `${name}-${version}.tgz\n`);
  });
});
