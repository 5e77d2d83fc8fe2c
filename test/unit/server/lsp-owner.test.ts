// The add-owner fix over LSP stdio: a client that takes snippet edits gets a tab stop on the placeholder; a client that
// does not gets no placeholder written as text; CODEOWNERS comes from the file's repository, below the workspace
// folder, and makes the fix a plain, safe edit.

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ClientCapabilities, CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspSession, PUSH_CLIENT } from './lsp-client';

/** A push client that also applies LSP 3.18 snippet text edits, as VS Code's client does. */
const SNIPPET_CLIENT: ClientCapabilities = {
  ...PUSH_CLIENT,
  workspace: { ...PUSH_CLIENT.workspace, workspaceEdit: { documentChanges: true, snippetEditSupport: true } },
};

const FLAGD = [
  '{',
  '  "flags": {',
  '    "search-ranking-v2": {',
  '      "state": "ENABLED",',
  '      "variants": { "on": true, "off": false },',
  '      "defaultVariant": "off",',
  '      "metadata": { "type": "permission" }',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

describe('the add-owner fix over LSP', function () {
  this.timeout(60_000);
  const sessions: LspSession[] = [];
  afterEach(() => {
    for (const session of sessions.splice(0)) session.kill();
  });

  /** A session on `root` with `search.flagd.json` open at `file`; resolves with its owner diagnostic and quick fixes. */
  async function ownerActions(root: string, file: string, capabilities: ClientCapabilities) {
    const session = LspSession.start();
    sessions.push(session);
    await session.initialize(root, capabilities);
    await session.initialized();
    const uri = `file://${file}`;
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'json', version: 1, text: FLAGD },
    });
    const isOwner = (diagnostic: Diagnostic) => diagnostic.code === 'flag-missing-owner';
    await session.waitFor(() => (session.diagnosticsOf(uri) ?? []).some(isOwner));
    const diagnostic = session.diagnosticsOf(uri)!.find(isOwner)!;
    const actions: CodeAction[] = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
    const fixAll: CodeAction[] = await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.stagegate'] },
    });
    return { session, uri, diagnostic, actions, fixAll };
  }

  it('a client that takes snippet edits gets "Add metadata.owner" with a tab stop on the placeholder; typing an owner clears it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-owner-'));
    const file = path.join(root, 'search.flagd.json');
    const { session, uri, diagnostic, actions, fixAll } = await ownerActions(root, file, SNIPPET_CLIENT);
    assert.match(String(diagnostic.message), /has no metadata\.owner/);
    const fix = actions.find((action) => action.title === 'Add metadata.owner');
    assert.ok(fix?.isPreferred, actions.map((action) => action.title).join(' | '));
    assert.strictEqual(fix.edit?.changes, undefined, 'no plain edit that would write the placeholder as text');
    const change = fix.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepStrictEqual(change.textDocument, { uri, version: 1 });
    assert.deepStrictEqual(change.edits, [
      {
        range: { start: { line: 6, character: 20 }, end: { line: 6, character: 20 } },
        snippet: { kind: 'snippet', value: '"owner": "${1:TODO-owner}", ' },
      },
    ]);
    assert.deepStrictEqual(fixAll, [], 'fix-all never applies an edit that waits for a value');
    // The editor selects the placeholder; the user types the owner over it.
    const edit = change.edits[0] as unknown as { range: Diagnostic['range']; snippet: { value: string } };
    const typed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, FLAGD), [
      { range: edit.range, newText: edit.snippet.value.replace('${1:TODO-owner}', 'team-search') },
    ]);
    assert.deepStrictEqual(JSON.parse(typed).flags['search-ranking-v2'].metadata, { owner: 'team-search', type: 'permission' });
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: typed }],
    });
    await session.waitFor(() => !(session.diagnosticsOf(uri) ?? []).some((candidate) => candidate.code === 'flag-missing-owner'));
    assert.strictEqual(await session.stop(), 0);
  });

  it('a client without snippet edits gets no add-owner action, and the warning stays', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-owner-'));
    const { session, actions, fixAll } = await ownerActions(root, path.join(root, 'search.flagd.json'), PUSH_CLIENT);
    assert.deepStrictEqual(
      actions.map((action) => action.title),
      ['Show documentation for flag-missing-owner'],
    );
    assert.deepStrictEqual(fixAll, []);
    assert.strictEqual(await session.stop(), 0);
  });

  it("with CODEOWNERS in the file's repository below the workspace folder, the fix sets that owner, as a safe plain edit", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-owner-'));
    const repository = path.join(root, 'shop');
    mkdirSync(path.join(repository, '.git'), { recursive: true });
    writeFileSync(path.join(repository, 'CODEOWNERS'), '*  @acme/platform\n/search/ @acme/search\n');
    mkdirSync(path.join(repository, 'search'));
    const file = path.join(repository, 'search', 'search.flagd.json');
    writeFileSync(file, FLAGD);
    const { session, uri, diagnostic, actions, fixAll } = await ownerActions(root, file, SNIPPET_CLIENT);
    assert.match(String(diagnostic.message), /CODEOWNERS suggests acme\/search\.$/);
    const fix = actions.find((action) => action.title === 'Set metadata.owner to acme/search (from CODEOWNERS)');
    assert.ok(fix?.edit?.changes, actions.map((action) => action.title).join(' | '));
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, FLAGD), fix.edit.changes[uri]);
    assert.deepStrictEqual(JSON.parse(fixed).flags['search-ranking-v2'].metadata, { owner: 'acme/search', type: 'permission' });
    assert.strictEqual(fixAll.length, 1, 'a known owner is a safe fix');
    assert.strictEqual(await session.stop(), 0);
  });

  it('New Flag in a flag set writes the owner the fix would (CODEOWNERS of its repository), not a placeholder', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-new-flag-'));
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, 'CODEOWNERS'), '/flags/ @acme/search\n');
    mkdirSync(path.join(root, 'flags'));
    const file = path.join(root, 'flags', 'search.flags.yaml');
    const text = 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nmetadata:\n  name: search\nflags: {}\n';
    writeFileSync(file, text);
    const session = LspSession.start();
    sessions.push(session);
    await session.initialize(root, SNIPPET_CLIENT);
    await session.initialized();
    const uri = `file://${file}`;
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const answer: { edit?: { newText: string } } = await session.connection.sendRequest('stagegate/newFlag', { uri, key: 'search-v3' });
    assert.match(answer.edit?.newText ?? JSON.stringify(answer), /"?owner"?: ?"?acme\/search"?/);
    assert.strictEqual(await session.stop(), 0);
  });
});
