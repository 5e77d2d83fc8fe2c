// The language server's workspace scan over stdio recognises files as `stagegate check` does: flagd files by a
// modeline, a `$schema` or their shape, the `files:` map of `.stagegate.yaml` and the `stagegate.files` setting, and
// no decoy; open documents are recognised the same way.

import * as assert from 'assert';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ClientCapabilities } from 'vscode-languageserver-protocol';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../helpers';
import { LspSession, PUSH_CLIENT } from './lsp-client';

const RECOGNITION = path.join(FIXTURES, 'recognition');

/** A client that answers `workspace/configuration`, as VS Code does with the `stagegate` settings. */
const CONFIGURED_CLIENT: ClientCapabilities = {
  ...PUSH_CLIENT,
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
};

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

/** The files `check . --verbose` reads in `root`, relative to it. */
async function filesCheckReads(root: string): Promise<string[]> {
  const result = await cli(['check', '.', '--verbose', '--format', 'json'], root);
  return result.stderr
    .split('\n')
    .filter((line) => line.startsWith('stagegate: read '))
    .map((line) => line.slice('stagegate: read '.length).split(': ')[0])
    .sort();
}

describe('the language server recognises files as check does', function () {
  this.timeout(60_000);
  const sessions: LspSession[] = [];
  const start = () => {
    const session = LspSession.start();
    sessions.push(session);
    return session;
  };
  afterEach(() => {
    for (const session of sessions.splice(0)) session.kill();
  });

  it('its workspace scan reads the flagd files, the files: map’s files and no decoy: the same files as check', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-scan-'));
    cpSync(path.join(RECOGNITION, 'configured'), root, { recursive: true });
    cpSync(path.join(RECOGNITION, 'flagd'), path.join(root, 'flagd'), { recursive: true });
    cpSync(path.join(RECOGNITION, 'decoys'), path.join(root, 'decoys'), { recursive: true });
    const session = start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    const scanned = (await session.status()).files.map((file) => path.relative(root, file)).sort();
    assert.deepStrictEqual(scanned, [
      'deploy/flags/production/payments.json',
      'flagd/modeline/flags.yaml',
      'flagd/modeline/ops.yml',
      'flagd/schema/payments.json',
      'flagd/schema/search.json',
      'flagd/shape/flagd.yaml',
      'flagd/shape/flags.json',
      'flagd/shape/testbed/testing-flags.json',
      'plans/checkout.yaml',
    ]);
    assert.deepStrictEqual(scanned, await filesCheckReads(root));
    await session.waitFor(() => session.publishedUris().length === scanned.length);
    const modeline = `file://${path.join(root, 'flagd', 'modeline', 'flags.yaml')}`;
    assert.ok(session.diagnosticsOf(modeline)!.some((diagnostic) => diagnostic.code === 'flag-default-not-a-variant'));
    assert.ok(session.messages.some((message) => message.includes('files."legacy/*.yaml": "launchdarkly" is not a kind')));
  });

  it('honours the stagegate.files setting in its scan, again when the setting changes, and for open documents', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-setting-'));
    const onlyVariants = '{ "flags": { "a": { "variants": { "on": true, "off": false }, "targeting": { "if": [true, "of"] } } } }\n';
    for (const folder of ['flags', 'more', 'notes']) mkdirSync(path.join(root, folder));
    writeFileSync(path.join(root, 'flags', 'app.json'), onlyVariants);
    writeFileSync(path.join(root, 'more', 'extra.json'), onlyVariants);
    let settings: Record<string, unknown> = { files: { 'flags/*.json': 'flagd', 'notes/*.json': 'no-such-kind' } };
    const session = start();
    session.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
    await session.initialize(root, CONFIGURED_CLIENT);
    await session.initialized();
    const scanned = async () => (await session.status()).files.map((file) => path.relative(root, file)).sort();
    assert.deepStrictEqual(await scanned(), ['flags/app.json']);
    assert.ok(
      session.messages.some((message) => message.includes('stagegate.files."notes/*.json": "no-such-kind" is not a kind Stagegate reads')),
      session.messages.join('\n'),
    );

    settings = { files: { 'flags/*.json': 'flagd', 'more/**/*.json': 'flagd' } };
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await session.waitFor(() => session.diagnosticsOf(`file://${path.join(root, 'more', 'extra.json')}`) !== undefined);
    assert.deepStrictEqual(await scanned(), ['flags/app.json', 'more/extra.json']);

    // Open documents, unsaved: one a glob of the setting names, one declaring flagd's schema in a modeline, one neither.
    const open = async (name: string, text: string) => {
      const uri = `file://${path.join(root, name)}`;
      await session.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: name.endsWith('.json') ? 'json' : 'yaml', version: 1, text },
      });
      return uri;
    };
    const mapped = await open('flags/new.json', onlyVariants);
    const declared = await open(
      'notes/flags.yaml',
      '# yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json\nflags:\n  b: { state: ENABLED, variants: { "on": true }, defaultVariant: "of" }\n',
    );
    const neither = await open('notes/other.json', onlyVariants);
    await session.waitFor(
      () =>
        (session.diagnosticsOf(mapped) ?? []).some((diagnostic) => diagnostic.code === 'flagd-targeting-unknown-variant') &&
        (session.diagnosticsOf(declared) ?? []).some((diagnostic) => diagnostic.code === 'flag-default-not-a-variant'),
    );
    assert.deepStrictEqual(await scanned(), ['flags/app.json', 'flags/new.json', 'more/extra.json', 'notes/flags.yaml']);
    assert.strictEqual(session.diagnosticsOf(neither), undefined);

    // A glob added while the document is open, unsaved and untouched: it is read at once, not at the next keystroke.
    settings = { files: { 'flags/*.json': 'flagd', 'more/**/*.json': 'flagd', 'notes/*.json': 'flagd' } };
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await session.waitFor(() =>
      (session.diagnosticsOf(neither) ?? []).some((diagnostic) => diagnostic.code === 'flagd-targeting-unknown-variant'),
    );
    assert.ok((await scanned()).includes('notes/other.json'));
  });
});
