// code-server as a child process: where it is installed, starting it on a free loopback port,
// installing a .vsix into it, and stopping it with every process it started.
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { repoRoot } from './workspace-fixture';

const CODE_SERVER_VERSION = '4.100.3';
/** Where scripts/install-test-tools.sh puts it, unless STAGEGATE_CODE_SERVER names another. */
export const CODE_SERVER_BIN =
  process.env.STAGEGATE_CODE_SERVER ??
  path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');

const SERVER_START_TIMEOUT_MS = 60_000;
const INSTALL_EXTENSION_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 5_000;

interface CodeServer {
  /** The port it listens on, once it says so. */
  readonly port: Promise<number>;
  /** Settles with the exit code (or signal) if the server stops. */
  readonly exited: Promise<number | string>;
  kill(): Promise<void>;
}

/**
 * Starts code-server on a free loopback port, opening `workspaceFolder`. `commonArgs` carry its
 * config, user-data and extensions dirs; `onLine` receives its output.
 */
export function startCodeServer(
  commonArgs: string[],
  workspaceFolder: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  onLine: (line: string) => void,
): CodeServer {
  const args = [
    ...commonArgs,
    '--auth',
    'none',
    // Port 0: the system picks a free port, so parallel runs cannot collide; the log line names it.
    '--bind-addr',
    '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspaceFolder,
  ];
  const child = spawnCodeServer(args, env, cwd);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`code-server did not report a port within ${SERVER_START_TIMEOUT_MS / 1000}s; see run.log`)),
      SERVER_START_TIMEOUT_MS,
    );
    const watch = (line: string) => {
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    forwardLines(child, (line) => {
      onLine(line);
      watch(line);
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening; see run.log`));
    });
  });
  port.catch(() => undefined); // observed by the caller; avoid an unhandled rejection meanwhile

  return {
    port,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, 'SIGTERM');
        await Promise.race([exited, delay(KILL_GRACE_MS)]);
      }
      // Even after the server exits, its children may linger in the group.
      signalGroup(child, 'SIGKILL');
    },
  };
}

/** Installs a packaged extension into the extensions dir named in `commonArgs`; settles with the exit code. */
export async function installExtension(
  vsix: string,
  commonArgs: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): Promise<number | string> {
  const child = spawnCodeServer([...commonArgs, '--force', '--install-extension', vsix], env, repoRoot);
  forwardLines(child, onLine);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const result = await Promise.race([exited, delay(INSTALL_EXTENSION_TIMEOUT_MS).then(() => 'timeout')]);
  signalGroup(child, 'SIGKILL');
  return result;
}

function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream?.on('end', () => pending && onLine(pending));
  }
}

/** code-server processes still running, killed by the exit hook if the runner dies abruptly. */
const liveProcessGroups = new Set<ChildProcess>();
process.on('exit', () => liveProcessGroups.forEach((child) => signalGroup(child, 'SIGKILL')));

function spawnCodeServer(args: string[], env: NodeJS.ProcessEnv, cwd: string): ChildProcess {
  // detached: its own process group, so the extension host and every other child die with it.
  const child = spawn(CODE_SERVER_BIN, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  liveProcessGroups.add(child);
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (signal === 'SIGKILL') liveProcessGroups.delete(child);
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
