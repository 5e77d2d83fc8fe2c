// Recognition in the engine: modelines, schema URIs, flagd's shape, the files: map; and, through the CLI, flagd's own
// test files (the external corpus) recognised by their shape once their `$schema` is taken away.

import * as assert from 'assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { configuredKind, readFileKinds } from '../../src/engine/config/file-kinds';
import {
  CONFIGURED_KINDS,
  documentKind,
  looksLikeFlagd,
  modelineSchema,
  recogniseFile,
  schemaKind,
} from '../../src/engine/formats/recognise';
import { corpusPath, describeCorpus } from './corpus';
import { REPO_ROOT } from './helpers';

describe('recognition', () => {
  it('reads a modeline among the comment lines that open a file, as yaml-language-server does', () => {
    assert.strictEqual(
      modelineSchema('# yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json\nflags: {}\n'),
      'https://flagd.dev/schema/v0/flags.json',
    );
    assert.strictEqual(modelineSchema('%YAML 1.2\n---\n\n# about\n#\tyaml-language-server : $schema=./flagd.json other\n'), './flagd.json');
    assert.strictEqual(modelineSchema('# $schema: ../flags.json\n'), '../flags.json');
    assert.strictEqual(
      modelineSchema('#yaml-language-server: $schema=./flags.json\n'),
      undefined,
      'yaml-language-server wants a space after #',
    );
    assert.strictEqual(modelineSchema('flags: {}\n# yaml-language-server: $schema=./flags.json\n'), undefined);
    assert.strictEqual(modelineSchema('# a comment with $schema=./flags.json in it\n'), undefined);
  });

  it('names the kind a schema URI or path describes, with any version, query or fragment', () => {
    const kinds = {
      'https://flagd.dev/schema/v0/flags.json': 'flagd',
      'https://flagd.dev/schema/v1/flagd.json#': 'flagd',
      '../../../flags.json': 'flagd',
      'schemas/flagd.schema.json?ref=main': 'flagd',
      'https://raw.githubusercontent.com/open-feature/flagd-schemas/main/json/flags.yaml': 'flagd',
      'https://stagegate.dev/schemas/v1/release-plan.schema.json': 'release-plan',
      '../schemas/flag-set.schema.json': 'flag-set',
      'https://json.schemastore.org/tsconfig': undefined,
      'https://json.schemastore.org/package.json': undefined,
      'my-flags.json': undefined,
    };
    for (const [uri, kind] of Object.entries(kinds)) assert.strictEqual(schemaKind(uri), kind, uri);
  });

  it('flagd’s shape: flagd’s top-level keys, and flags each with a field of flagd’s', () => {
    const flag = { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' };
    assert.ok(looksLikeFlagd({ flags: { a: flag } }));
    assert.ok(looksLikeFlagd({ $schema: 'x', flags: { a: flag, b: {} }, $evaluators: {}, metadata: { owner: 'a' } }));
    assert.ok(looksLikeFlagd({ flags: [{ key: 'a', ...flag }] }));
    assert.ok(looksLikeFlagd({ flags: { a: { variants: { on: true } }, b: { state: 'DISABLED' } } }));
    assert.ok(!looksLikeFlagd({ flags: { a: { variants: { on: true } } } }), 'variants alone: a flag set without its kind has them too');
    assert.ok(!looksLikeFlagd({ flags: {} }));
    assert.ok(!looksLikeFlagd({ flags: [flag] }), 'a list of flags without keys');
    assert.ok(!looksLikeFlagd({ flags: { a: flag }, image: { tag: '1' } }), 'other top-level keys (Helm values)');
    assert.ok(!looksLikeFlagd({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, flags: { a: flag } }));
    assert.ok(!looksLikeFlagd({ flags: { a: flag, verbose: { type: 'boolean' } } }));
    assert.ok(!looksLikeFlagd({ flags: { a: { ...flag, state: 1 } } }));
    assert.ok(!looksLikeFlagd({ flags: { a: 'on' } }));
  });

  it('a document’s own kind wins over what the file declares, which wins over its $schema and its name', () => {
    assert.strictEqual(documentKind({ kind: 'FlagSet' }, 'a.json', 'flagd'), 'flag-set');
    assert.strictEqual(documentKind({ flags: {} }, 'a.flags.yaml', 'flagd'), 'flagd');
    assert.strictEqual(documentKind({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: {} }, 'a.flags.json'), 'flagd');
    assert.strictEqual(documentKind({ flags: { a: { state: 'ENABLED' } } }, 'a.json'), 'flagd');
    assert.strictEqual(documentKind({ flags: { a: { state: 'ENABLED' } } }, 'a.flags.json'), 'flag-set');
  });

  it('only the head decides, unless it looks like flagd; then the whole text, within the size limit', () => {
    const head = '{ "flags": { "a": { "state": "ENABLED"';
    assert.deepStrictEqual(recogniseFile('a.json', head, { head: { size: 200_000 } }), { kind: undefined, needsWholeText: true });
    assert.deepStrictEqual(recogniseFile('a.json', head, { head: { size: 5_000_000 } }), { kind: undefined, skipped: 'too-large' });
    assert.deepStrictEqual(recogniseFile('a.json', '{ "name": "x" }', { head: { size: 200_000 } }), {
      kind: undefined,
      skipped: 'unrecognised',
    });
    assert.deepStrictEqual(recogniseFile('a.json', '{ "a": "\0" }'), { kind: undefined, skipped: 'not-text' });
    assert.deepStrictEqual(recogniseFile('a.txt', 'flags: {}'), { kind: undefined, skipped: 'unknown-name' });
    assert.deepStrictEqual(recogniseFile('a.json', '{}', { configured: 'flagd' }), {
      kind: 'yaml',
      by: 'configuration',
      declared: 'flagd',
    });
    assert.deepStrictEqual(recogniseFile('a.sql', 'select 1;', { configured: 'flagd' }), { kind: 'sql', by: 'name' });
    assert.deepStrictEqual(recogniseFile('a.sql', 'select 1;', { configured: 'sql-migration' }), { kind: 'sql', by: 'configuration' });
  });

  it('a head of blank lines is read in one pass: looking for apiVersion or kind does not retry from every line', function () {
    // Each of the three patterns took about 7 s on 64 KiB of line breaks when a line's leading space could span lines.
    this.timeout(3_000);
    for (const blank of ['\n', '\r\n', ' \n\t\n'])
      assert.deepStrictEqual(recogniseFile('blank.yaml', blank.repeat(65_536 / blank.length)), {
        kind: undefined,
        skipped: 'unrecognised',
      });
    const plan = `${'\n'.repeat(60_000)}  apiVersion: stagegate.dev/v1\n`;
    assert.deepStrictEqual(recogniseFile('plan.yaml', plan), { kind: 'yaml', by: 'content' });
  });

  it('the files: map: globs relative to their root, the last match wins, unknown kinds are problems', () => {
    const problems: string[] = [];
    const globs = readFileKinds(
      { 'deploy/**/*.json': 'flagd', 'deploy/plans/*.json': 'release-plan', 'x/*': 'flagg', './y/*.yaml': 'flag-set' },
      problems,
      'files',
      '/repo',
    );
    assert.deepStrictEqual(problems, [
      'files."x/*": "flagg" is not a kind Stagegate reads (did you mean flagd?); the kinds are release-plan, flag-set, flagd, argo-rollout, argo-analysis-template, flagger-canary, flagger-metric-template, flagger-alert-provider, sql-migration. The glob does nothing.',
    ]);
    assert.strictEqual(configuredKind(globs, '/repo/deploy/a/b.json'), 'flagd');
    assert.strictEqual(configuredKind(globs, '/repo/deploy/plans/b.json'), 'release-plan');
    assert.strictEqual(configuredKind(globs, '/repo/y/set.yaml'), 'flag-set');
    assert.strictEqual(configuredKind(globs, '/elsewhere/deploy/a/b.json'), undefined);
    assert.strictEqual(configuredKind(globs, '/repo/deploy.json'), undefined);
  });

  it('the stagegate.files setting offers exactly the kinds the files: map knows', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['stagegate.files'];
    assert.deepStrictEqual(setting.additionalProperties.enum, CONFIGURED_KINDS);
  });
});

describeCorpus('recognition of flagd’s own test files (open-feature/flagd-schemas)', () => {
  it('every file, its $schema taken away and named after nothing, is still read by check, by its shape', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-corpus-shape-'));
    const names: string[] = [];
    for (const set of ['positive', 'negative']) {
      for (const name of readdirSync(corpusPath('flagd', set))
        .filter((file) => file.endsWith('.json'))
        .sort()) {
        const value = JSON.parse(readFileSync(corpusPath('flagd', set, name), 'utf8')) as Record<string, unknown>;
        delete value.$schema;
        // Without the names that give them away (`.flagd.json`), as flagd's default flags.json.
        const bare = `${set}-${names.length}.json`;
        writeFileSync(path.join(folder, bare), JSON.stringify(value, null, 2));
        names.push(bare);
      }
    }
    let stderr = '';
    const code = await main(['check', '.', '--verbose', '--format', 'json'], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      cwd: folder,
    });
    assert.ok(code === 0 || code === 1, stderr);
    const read = stderr.split('\n').filter((line) => line.startsWith('stagegate: read '));
    assert.deepStrictEqual(
      read,
      names.sort().map((name) => `stagegate: read ${name}: flagd file, by its content`),
    );
  });
});
