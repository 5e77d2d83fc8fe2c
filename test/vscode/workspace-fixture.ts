// What both real-VS-Code launchers share: where the repository and its test files are, and a
// fresh, disposable copy of the fixture workspace the suite opens.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root, found from this file's compiled place: out/test/vscode/. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The module VS Code loads to run the suite (exports `run()`). */
export const extensionTestsPath = path.join(repoRoot, 'out', 'test', 'vscode', 'index.js');

/** Where runs leave logs and screenshots; git-ignored. */
const artifactsRoot = path.join(repoRoot, 'test-artifacts');

/**
 * Environment variable naming a directory the tests may write artifacts to. Both launchers set it.
 */
export const ARTIFACTS_ENV = 'STAGEGATE_ARTIFACTS';

/**
 * Environment variable naming the directory the code-server launcher watches for screenshot
 * requests (see screenshot.ts). Only that launcher sets it: under Electron no one could answer.
 */
export const SCREENSHOT_REQUESTS_ENV = 'STAGEGATE_SCREENSHOT_REQUESTS';

/** Keeps the workbench from opening welcome pages, checking for updates or scanning git during tests. */
const quietUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
};

/**
 * Environment variable naming a file the suite copies its mocha report into (index.ts). The
 * code-server launcher sets it and streams the file to its stdout: there the extension host's own
 * stdout goes nowhere visible. Under Electron the report reaches the terminal directly.
 */
export const TEST_REPORT_ENV = 'STAGEGATE_TEST_REPORT';

/** A scratch directory for one run: profile, extensions, workspace. Removed by `dispose`. */
export interface RunDirectory {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceFolder: string;
  dispose(): void;
}

/**
 * Makes a scratch directory holding a copy of test/vscode/workspace/, with the repository's
 * examples/ copied into it under examples/. Tests may edit the copy freely; the sources stay clean.
 */
export function createRunDirectory(): RunDirectory {
  // realpath: on some systems the temp dir is a symlink, and VS Code reports real paths.
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stagegate-vscode-')));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspaceFolder = path.join(root, 'workspace');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  // User settings, not workspace ones: several of these are application-scoped.
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(quietUserSettings, null, 2));

  fs.cpSync(path.join(repoRoot, 'test', 'vscode', 'workspace'), workspaceFolder, { recursive: true });
  const examples = path.join(repoRoot, 'examples');
  if (fs.existsSync(examples)) {
    fs.cpSync(examples, path.join(workspaceFolder, 'examples'), { recursive: true });
  }

  return {
    root,
    userDataDir,
    extensionsDir,
    workspaceFolder,
    dispose: () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Empties and returns test-artifacts/<name>/ for this run's logs and screenshots. */
export function freshArtifactsDir(name: string): string {
  const dir = path.join(artifactsRoot, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The parent's environment without the variables a surrounding VS Code sets (when the run is
 * started from its terminal), which would make the child attach to that instance instead.
 */
export function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
