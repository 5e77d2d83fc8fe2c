// The first check of the real-VS-Code tier: a real workbench, with Stagegate loaded in it.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { screenshot } from '../screenshot';
import { repoRoot } from '../workspace-fixture';

const EXTENSION_ID = 'stagegate.stagegate';

describe('smoke: Stagegate inside a real VS Code', () => {
  it('runs in a real workbench with the vscode API', () => {
    assert.strictEqual(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'exactly one workspace folder');
  });

  it(`has the extension ${EXTENSION_ID} installed`, () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} is not among the loaded extensions`);
  });

  it('loads the extension from the packaged .vsix when STAGEGATE_VSIX is set, else from this checkout', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const fromCheckout = path.resolve(extension.extensionPath) === repoRoot;
    assert.strictEqual(fromCheckout, !process.env.STAGEGATE_VSIX, `loaded from ${extension.extensionPath}`);
  });

  it('activates the extension without throwing', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
    await screenshot('smoke-activated');
  });
});
