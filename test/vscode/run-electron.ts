// Runs the real-VS-Code suite in desktop VS Code through @vscode/test-electron, for machines that
// can download VS Code (it fetches a build from update.code.visualstudio.com on first use). Where
// only npm and apt are reachable, use run-code-server.ts instead: same suite, same workspace.
//
//   node out/test/vscode/run-electron.js
//
// Knobs: STAGEGATE_VSCODE_VERSION (default 1.100.3, the version code-server 4.100.3 ships),
// STAGEGATE_VSCODE_EXECUTABLE (an installed VS Code to use instead of downloading),
// STAGEGATE_TEST_GREP. On Linux without a display, run it under `xvfb-run -a`.
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { ARTIFACTS_ENV, createRunDirectory, extensionTestsPath, freshArtifactsDir, repoRoot } from './workspace-fixture';

const DEFAULT_VSCODE_VERSION = '1.100.3';

async function main(): Promise<number> {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('run-electron: no DISPLAY; VS Code will likely fail to start. Use `xvfb-run -a`, or run-code-server.js.');
  }
  const artifacts = freshArtifactsDir('vscode-electron');
  const run = createRunDirectory();
  try {
    const code = await runTests({
      version: process.env.STAGEGATE_VSCODE_VERSION ?? DEFAULT_VSCODE_VERSION,
      vscodeExecutablePath: process.env.STAGEGATE_VSCODE_EXECUTABLE,
      cachePath: path.join(repoRoot, '.vscode-test'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      // No screenshot requests variable: nothing here could answer them (screenshot.ts).
      extensionTestsEnv: { [ARTIFACTS_ENV]: artifacts },
      launchArgs: [
        run.workspaceFolder,
        '--user-data-dir',
        run.userDataDir,
        '--extensions-dir',
        run.extensionsDir,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--no-sandbox',
      ],
    });
    return code;
  } catch (error) {
    // runTests rejects when VS Code exits non-zero (a failing suite) or cannot be downloaded.
    console.error(`run-electron: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    run.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
