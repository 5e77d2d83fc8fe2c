// Keeps the engine's Workspace in step with the editor: every recognised file of the workspace folders
// (scanned at activation, then followed by a file watcher), with open documents' unsaved text winning.

import * as path from 'path';
import * as vscode from 'vscode';
import { Workspace } from '../engine/workspace/workspace';
import { looksLikeMigration, recognise } from '../engine/formats/recognise';
import { CODEOWNERS_LOCATIONS, parseCodeOwners } from '../engine/config/codeowners';
import { loadSettings } from './settings';
import { MAX_FILE_BYTES } from '../engine/limits';

const SCAN_GLOB = '**/*.{yaml,yml,json,sql}';
const SCAN_EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/.vscode-test/**}';
/** Files read by the activation scan at most; a larger workspace is checked as files are opened. */
export const MAX_SCANNED_FILES = 5000;

export class WorkspaceIndex implements vscode.Disposable {
  readonly workspace: Workspace;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when any file or setting changes what the findings may be. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private migrationGlobs: string[] = [];
  configProblems: string[] = [];

  constructor(private readonly log?: vscode.OutputChannel) {
    this.workspace = new Workspace(
      { rules: {}, today: new Date().toISOString().slice(0, 10), migrationGlobs: [] },
      { read: (path) => readText(vscode.Uri.file(path)) },
    );
    const watcher = vscode.workspace.createFileSystemWatcher(SCAN_GLOB);
    const configWatcher = vscode.workspace.createFileSystemWatcher('**/{.stagegate.yaml,CODEOWNERS}');
    // Folders: a deleted folder fires one event for itself, and a created one may arrive already full.
    const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      watcher,
      configWatcher,
      folderWatcher,
      folderWatcher.onDidCreate((uri) => void this.scanIfFolder(uri)),
      folderWatcher.onDidDelete((uri) => this.forgetUnder(uri)),
      watcher.onDidCreate((uri) => void this.readFromDisk(uri)),
      watcher.onDidChange((uri) => void this.readFromDisk(uri)),
      watcher.onDidDelete((uri) => this.forget(uri)),
      configWatcher.onDidCreate(() => void this.reloadSettings()),
      configWatcher.onDidChange(() => void this.reloadSettings()),
      configWatcher.onDidDelete(() => void this.reloadSettings()),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('stagegate') && void this.reloadSettings()),
      vscode.workspace.onDidOpenTextDocument((document) => this.fromDocument(document)),
      vscode.workspace.onDidChangeTextDocument((event) => event.contentChanges.length > 0 && this.fromDocument(event.document)),
      // A closed file of the workspace keeps its findings (read again from disk); a file from elsewhere is forgotten.
      vscode.workspace.onDidCloseTextDocument((document) =>
        vscode.workspace.getWorkspaceFolder(document.uri) ? void this.readFromDisk(document.uri) : this.forget(document.uri),
      ),
    );
  }

  /** Reads settings and scans the workspace folders; call once after construction. */
  async initialise(): Promise<void> {
    await this.reloadSettings(false);
    const uris = await vscode.workspace.findFiles(SCAN_GLOB, SCAN_EXCLUDE, MAX_SCANNED_FILES);
    await Promise.all(uris.map((uri) => this.readFromDisk(uri, false)));
    for (const document of vscode.workspace.textDocuments) this.fromDocument(document, false);
    this.changed.fire();
  }

  /** Whether the file is (or would be) read by Stagegate. */
  accepts(uri: vscode.Uri, text?: string): boolean {
    const kind = recognise(uri.fsPath, text);
    if (kind !== 'sql') return kind !== undefined;
    return (
      looksLikeMigration(uri.fsPath) ||
      this.migrationGlobs.some(
        (glob) => vscode.languages.match({ pattern: glob }, { uri, languageId: 'sql' } as vscode.TextDocument) > 0,
      ) ||
      this.workspace.hasFile(uri.fsPath)
    );
  }

  private fromDocument(document: vscode.TextDocument, notify = true): void {
    if (document.uri.scheme !== 'file') return;
    const text = document.getText();
    if (!this.accepts(document.uri, text)) return;
    this.workspace.setFile(document.uri.fsPath, text);
    this.workspace.invalidateExternal(document.uri.fsPath);
    if (notify) this.changed.fire();
  }

  private async readFromDisk(uri: vscode.Uri, notify = true): Promise<void> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString() && !document.isClosed);
    if (open) return this.fromDocument(open, notify);
    const text = await readText(uri);
    this.workspace.invalidateExternal(uri.fsPath);
    if (text === undefined || !this.accepts(uri, text)) this.workspace.removeFile(uri.fsPath);
    else this.workspace.setFile(uri.fsPath, text);
    if (notify) this.changed.fire();
  }

  private async scanIfFolder(uri: vscode.Uri): Promise<void> {
    try {
      if ((await vscode.workspace.fs.stat(uri)).type !== vscode.FileType.Directory) return;
    } catch {
      return;
    }
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, SCAN_GLOB), SCAN_EXCLUDE, MAX_SCANNED_FILES);
    await Promise.all(uris.map((file) => this.readFromDisk(file, false)));
    if (uris.length > 0) this.changed.fire();
  }

  /** Forgets a deleted file, or every file under a deleted folder. */
  private forgetUnder(uri: vscode.Uri): void {
    const prefix = uri.fsPath.endsWith(path.sep) ? uri.fsPath : uri.fsPath + path.sep;
    const gone = this.workspace.paths().filter((file) => file === uri.fsPath || file.startsWith(prefix));
    for (const file of gone) {
      this.workspace.removeFile(file);
      this.workspace.invalidateExternal(file);
    }
    if (gone.length > 0) this.changed.fire();
  }

  private forget(uri: vscode.Uri): void {
    this.workspace.removeFile(uri.fsPath);
    this.workspace.invalidateExternal(uri.fsPath);
    this.changed.fire();
  }

  private async reloadSettings(notify = true): Promise<void> {
    const { config, problems } = await loadSettings();
    this.workspace.config = config;
    this.migrationGlobs = config.migrationGlobs;
    this.configProblems = problems;
    for (const problem of problems) this.log?.appendLine(`Configuration: ${problem}`);
    await this.loadCodeOwners();
    this.workspace.invalidateExternal();
    if (notify) this.changed.fire();
  }

  private async loadCodeOwners(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    this.workspace.setCodeOwners(undefined);
    if (!folder) return;
    for (const location of CODEOWNERS_LOCATIONS) {
      const text = await readText(vscode.Uri.joinPath(folder.uri, location));
      if (text === undefined) continue;
      const owners = parseCodeOwners(text);
      this.workspace.setCodeOwners((path) => owners.ownerOf(vscode.workspace.asRelativePath(path, false)));
      return;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    // Never read a pipe, a device or a huge file a plan happens to name: it could stall every check.
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size > MAX_FILE_BYTES) return undefined;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
