// The language server over stdio keeps a folder of migrations in step: when an earlier migration changes (typed in
// an open document, or changed on disk), the later migrations of its folder are checked again and their
// diagnostics follow.

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lines } from '../helpers';
import { LspSession, PUSH_CLIENT } from './lsp-client';

const CHECK_ADDED = 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL) NOT VALID;';
const VALIDATED = 'ALTER TABLE authors VALIDATE CONSTRAINT authors_name_present;';
const CHECKED = lines("SET lock_timeout = '2s';", CHECK_ADDED, VALIDATED);
const NOT_VALIDATED = lines("SET lock_timeout = '2s';", CHECK_ADDED);

describe('the language server re-checks later migrations when an earlier one changes', function () {
  this.timeout(60_000);
  let root = '';
  let session: LspSession | undefined;
  afterEach(() => {
    session?.kill();
    session = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('typing in an earlier migration, then changing it on disk, updates the later one’s diagnostics', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-folder-'));
    const folder = path.join(root, 'db', 'migrations');
    mkdirSync(folder, { recursive: true });
    const first = path.join(folder, '000001_check_name.up.sql');
    const second = path.join(folder, '000002_require_name.up.sql');
    writeFileSync(first, CHECKED);
    writeFileSync(second, lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'));
    const firstUri = `file://${first}`;
    const secondUri = `file://${second}`;
    const setsNotNull = () =>
      (session!.diagnosticsOf(secondUri) ?? []).filter((diagnostic) => diagnostic.code === 'migration-sets-not-null');

    session = LspSession.start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    await session.status();
    await session.waitFor(() => session!.diagnosticsOf(secondUri) !== undefined);
    assert.deepStrictEqual(setsNotNull(), [], 'the CHECK validated in 000001 covers the SET NOT NULL in 000002');

    // The earlier migration, open in the editor, loses its VALIDATE: the later one is reported, at its SET NOT NULL.
    const send = (method: string, params: unknown) => session!.connection.sendNotification(method, params);
    await send('textDocument/didOpen', { textDocument: { uri: firstUri, languageId: 'sql', version: 1, text: CHECKED } });
    await send('textDocument/didChange', { textDocument: { uri: firstUri, version: 2 }, contentChanges: [{ text: NOT_VALIDATED }] });
    await session.waitFor(() => setsNotNull().length === 1);
    assert.deepStrictEqual(setsNotNull()[0].range.start, { line: 1, character: 20 });

    // Typed back: the finding goes.
    await send('textDocument/didChange', { textDocument: { uri: firstUri, version: 3 }, contentChanges: [{ text: CHECKED }] });
    await session.waitFor(() => setsNotNull().length === 0);

    // Closed, then changed on disk by another tool (a checkout): the later migration follows the file.
    await send('textDocument/didClose', { textDocument: { uri: firstUri } });
    writeFileSync(first, NOT_VALIDATED);
    await send('workspace/didChangeWatchedFiles', { changes: [{ uri: firstUri, type: 2 }] });
    await session.waitFor(() => setsNotNull().length === 1);
    writeFileSync(first, CHECKED);
    await send('workspace/didChangeWatchedFiles', { changes: [{ uri: firstUri, type: 2 }] });
    await session.waitFor(() => setsNotNull().length === 0);
    assert.strictEqual(await session.stop(), 0);
    session = undefined;
  });
});
