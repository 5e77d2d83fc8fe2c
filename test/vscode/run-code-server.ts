// Runs the real-VS-Code suite offline: code-server (VS Code's own server and workbench, from npm)
// on loopback, its workbench in Debian's Chromium driven by playwright-core, and the suite in its
// extension host. Exits with the suite's exit code. Why this works offline: test/vscode/README.md.
//
//   node out/test/vscode/run-code-server.js            test the extension from this checkout
//   STAGEGATE_VSIX=stagegate-0.1.0.vsix node ...       test that packaged .vsix, installed
//
// Other knobs: STAGEGATE_TEST_GREP (only matching tests), STAGEGATE_VSCODE_TIMEOUT_MS (whole run),
// STAGEGATE_CODE_SERVER and STAGEGATE_CHROMIUM (other binaries).
import * as fs from 'fs';
import * as path from 'path';
import { chromium, ConsoleMessage, Page } from 'playwright-core';
import { CODE_SERVER_BIN, installExtension, startCodeServer } from './code-server';
import {
  ARTIFACTS_ENV,
  cleanEnvironment,
  createRunDirectory,
  extensionTestsPath,
  freshArtifactsDir,
  repoRoot,
  RunDirectory,
  SCREENSHOT_REQUESTS_ENV,
  TEST_REPORT_ENV,
} from './workspace-fixture';

const CHROMIUM_BIN = process.env.STAGEGATE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', // runs as root in CI containers
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const RUN_TIMEOUT_MS = positiveNumber(process.env.STAGEGATE_VSCODE_TIMEOUT_MS) ?? 10 * 60_000;
const PAGE_LOAD_TIMEOUT_MS = 60_000;
const SCREENSHOT_POLL_MS = 200;
const REPORT_POLL_MS = 200;
/** Log lines kept to print when a run fails. */
const RECENT_LINES_KEPT = 30;

/** Why the run ended. */
type Outcome = { kind: 'tests-finished'; code: number } | { kind: 'failed'; reason: string };

/** How far a run got, to explain a timeout. */
interface Progress {
  workbenchLoaded: boolean;
  extensionHostLaunched: boolean;
  suiteReported: boolean;
}

async function main(): Promise<number> {
  const vsix = process.env.STAGEGATE_VSIX ? path.resolve(process.env.STAGEGATE_VSIX) : undefined;
  const problems = preflight(vsix);
  if (problems.length) {
    for (const problem of problems) console.error(`run-code-server: ${problem}`);
    return 2;
  }

  const artifacts = freshArtifactsDir('vscode');
  const screenshotDir = path.join(artifacts, 'screenshots');
  fs.mkdirSync(screenshotDir);
  const log = new RunLog(path.join(artifacts, 'run.log'));
  const reportFile = path.join(artifacts, 'mocha-report.txt');
  const progress: Progress = { workbenchLoaded: false, extensionHostLaunched: false, suiteReported: false };
  const run = createRunDirectory();
  const cleanups: Array<() => Promise<void> | void> = [() => run.dispose()];
  const started = Date.now();
  log.runner(`artifacts in ${path.relative(repoRoot, artifacts)}/, scratch in ${run.root}`);

  // A signal ends the wait for the suite, so the cleanup below still runs; before that wait, or on
  // a second signal, exit at once (the exit hooks kill code-server's group and Chromium).
  let stopRequested: ((reason: string) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopRequested) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopRequested(`received ${signal}`);
    stopRequested = undefined;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // Everything code-server and Chromium leave behind (config, caches, crash reports, the
    // extension host's IPC sockets in the temp dir) goes to the scratch dir, deleted at the end.
    const isolated = {
      XDG_CONFIG_HOME: path.join(run.root, 'xdg-config'),
      XDG_DATA_HOME: path.join(run.root, 'xdg-data'),
      XDG_CACHE_HOME: path.join(run.root, 'xdg-cache'),
      TMPDIR: path.join(run.root, 'tmp'),
    };
    fs.mkdirSync(isolated.TMPDIR);
    const env = cleanEnvironment({
      ...isolated,
      [ARTIFACTS_ENV]: artifacts,
      [SCREENSHOT_REQUESTS_ENV]: screenshotDir,
      [TEST_REPORT_ENV]: reportFile,
    });
    const commonArgs = [
      '--config',
      path.join(run.root, 'code-server.yaml'),
      '--user-data-dir',
      run.userDataDir,
      '--extensions-dir',
      run.extensionsDir,
    ];
    fs.writeFileSync(path.join(run.root, 'code-server.yaml'), 'auth: none\n');

    if (vsix) {
      log.runner(`installing ${vsix}`);
      const code = await installExtension(vsix, commonArgs, env, (line) => log.codeServer(line));
      if (code !== 0) return fail(log, `installing ${vsix} failed (code-server exited with ${code}); see run.log`);
    }

    const report = streamReport(reportFile, () => (progress.suiteReported = true));
    cleanups.push(() => report.stop());

    const server = startCodeServer(commonArgs, run.workspaceFolder, env, run.root, (line) => {
      log.codeServer(line);
      if (line.includes('Launched Extension Host Process')) progress.extensionHostLaunched = true;
    });
    cleanups.push(() => server.kill());
    const port = await server.port;
    log.runner(`code-server listening on 127.0.0.1:${port} after ${seconds(started)}`);

    const browser = await chromium.launch({
      executablePath: CHROMIUM_BIN,
      headless: true,
      args: CHROMIUM_ARGS,
      env: cleanEnvironment(isolated),
      // Signals are ours to handle (above), so Chromium closes in the order the cleanup wants.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    cleanups.push(() => browser.close().catch(() => undefined));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    const outcome = await new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'failed', reason: timeoutReason(progress) }), RUN_TIMEOUT_MS);
      cleanups.push(() => clearTimeout(timer));
      stopRequested = (reason) => resolve({ kind: 'failed', reason });
      server.exited.then((code) => resolve({ kind: 'failed', reason: `code-server exited early with ${code}` }));
      page.on('crash', () => resolve({ kind: 'failed', reason: 'the workbench page crashed' }));
      browser.on('disconnected', () => resolve({ kind: 'failed', reason: 'Chromium went away' }));

      page.on('console', (message) => log.browser(consoleLine(message)));
      page.on('pageerror', (error) => log.browser(`page error: ${error.stack ?? error.message}`));

      // The workbench calls this when the suite's run() settles: 0 when it resolved.
      page
        .exposeFunction('codeAutomationExit', (code: unknown, logs?: unknown) => {
          saveWorkbenchLogs(artifacts, logs);
          resolve({ kind: 'tests-finished', code: typeof code === 'number' ? code : 1 });
        })
        .then(() => page.goto(workbenchUrl(port, run, vsix), { waitUntil: 'domcontentloaded', timeout: PAGE_LOAD_TIMEOUT_MS }))
        .then(() => {
          progress.workbenchLoaded = true;
          log.runner(`workbench loaded after ${seconds(started)}`);
        })
        .catch((error: Error) => resolve({ kind: 'failed', reason: `could not open the workbench: ${error.message}` }));

      const stopScreenshots = answerScreenshotRequests(page, screenshotDir, log);
      cleanups.push(stopScreenshots);
    });

    if (outcome.kind === 'failed') {
      await page.screenshot({ path: path.join(artifacts, 'at-failure.png') }).catch(() => undefined);
      return fail(log, `${outcome.reason} (after ${seconds(started)})`);
    }
    log.runner(`suite finished with exit code ${outcome.code} after ${seconds(started)}`);
    if (outcome.code !== 0) {
      console.error(
        `run-code-server: real VS Code tests FAILED (exit code ${outcome.code}); logs in ${path.relative(repoRoot, artifacts)}/`,
      );
    }
    return outcome.code;
  } catch (error) {
    return fail(log, `runner error: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    // Newest first: stop watching, close Chromium, stop code-server, then delete the scratch dir.
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.runner(`cleanup: ${String(error)}`);
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    log.close();
  }
}

function preflight(vsix: string | undefined): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    problems.push(`no code-server at ${CODE_SERVER_BIN}: run \`bash scripts/install-test-tools.sh\``);
  }
  if (!fs.existsSync(CHROMIUM_BIN)) {
    problems.push(`no Chromium at ${CHROMIUM_BIN}: run \`bash scripts/install-test-tools.sh\``);
  }
  if (!fs.existsSync(extensionTestsPath)) {
    problems.push(`no ${path.relative(repoRoot, extensionTestsPath)}: run \`npm run compile-tests\``);
  }
  if (vsix) {
    if (!fs.existsSync(vsix)) problems.push(`STAGEGATE_VSIX names ${vsix}, which does not exist`);
  } else {
    const main = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).main as string;
    if (!fs.existsSync(path.join(repoRoot, main))) problems.push(`no extension bundle ${main}: run \`npm run build\``);
  }
  return problems;
}

/** The workbench URL whose payload tells VS Code to load the extension under test and run the suite. */
function workbenchUrl(port: number, run: RunDirectory, vsix: string | undefined): string {
  const remote = (fsPath: string) => `vscode-remote://127.0.0.1:${port}${encodeURI(fsPath)}`;
  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', remote(vsix ? createTestHostStub(run) : repoRoot)],
    ['extensionTestsPath', remote(extensionTestsPath)],
    ['skipWelcome', 'true'],
  ];
  const query = new URLSearchParams({ folder: run.workspaceFolder, payload: JSON.stringify(payload) });
  return `http://127.0.0.1:${port}/?${query}`;
}

/**
 * VS Code runs extensionTestsPath only in extension development mode, which needs some
 * development extension. To test the installed .vsix, that is an empty stand-in with another id,
 * so Stagegate itself still loads from the extensions dir, as users get it.
 */
function createTestHostStub(run: RunDirectory): string {
  const dir = path.join(run.root, 'test-host');
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'stagegate-test-host',
    publisher: 'stagegate',
    version: '0.0.0',
    description: 'Stand-in development extension so the suite runs against the installed Stagegate .vsix.',
    engines: { vscode: '^1.100.0' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/**
 * Answers screenshot requests from the extension host (see screenshot.ts): for each
 * `<name>.request` writes `<name>.png` atomically, then removes the request.
 */
function answerScreenshotRequests(page: Page, dir: string, log: RunLog): () => Promise<void> {
  let busy: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    for (const file of fs.readdirSync(dir)) {
      if (stopped || !file.endsWith('.request')) continue;
      const name = file.slice(0, -'.request'.length);
      const png = path.join(dir, `${name}.png`);
      try {
        fs.writeFileSync(`${png}.partial`, await page.screenshot({ type: 'png' }));
        fs.renameSync(`${png}.partial`, png);
        log.runner(`screenshot ${path.relative(repoRoot, png)}`);
      } catch (error) {
        log.runner(`screenshot ${name} failed: ${String(error)}`);
      }
      fs.rmSync(path.join(dir, file), { force: true });
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(tick).catch((error) => log.runner(`screenshot watcher: ${String(error)}`));
  }, SCREENSHOT_POLL_MS);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}

function consoleLine(message: ConsoleMessage): string {
  // The workbench logs as console.log('%c INFO', 'color: #33f', text): drop the styling.
  const text = message
    .text()
    .replace(/^%c\s*([A-Z]+) color: #[0-9a-fA-F]{3,6} /, '$1 ')
    .replace(/%c/g, '');
  return `${message.type()}: ${text}`;
}

/**
 * Copies the suite's report file (written by index.ts in the extension host) to stdout as it
 * grows, so CI logs show each test's result.
 */
function streamReport(file: string, onFirstOutput: () => void): { stop(): void } {
  let offset = 0;
  const pump = () => {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return; // not written yet
    }
    if (size <= offset) return;
    const fd = fs.openSync(file, 'r');
    try {
      const chunk = Buffer.alloc(size - offset);
      fs.readSync(fd, chunk, 0, chunk.length, offset);
      offset = size;
      process.stdout.write(chunk);
      onFirstOutput();
    } finally {
      fs.closeSync(fd);
    }
  };
  const timer = setInterval(pump, REPORT_POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      pump();
    },
  };
}

function saveWorkbenchLogs(artifacts: string, logs: unknown): void {
  if (!Array.isArray(logs)) return;
  const dir = path.join(artifacts, 'workbench-logs');
  for (const entry of logs as Array<{ relativePath?: unknown; contents?: unknown }>) {
    if (typeof entry?.relativePath !== 'string' || typeof entry.contents !== 'string') continue;
    const target = path.join(dir, path.normalize(entry.relativePath).replace(/^(\.\.(\/|\\|$))+/, ''));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, entry.contents);
  }
}

function timeoutReason(progress: Progress): string {
  const stage = !progress.workbenchLoaded
    ? 'the workbench page never loaded'
    : !progress.extensionHostLaunched
      ? 'the workbench loaded but code-server never launched an extension host'
      : !progress.suiteReported
        ? 'the extension host started but the suite reported nothing (is the extension activating? the payload right?)'
        : 'the suite started but never finished (a hung test, or an await that never settles)';
  return `timed out after ${RUN_TIMEOUT_MS / 1000}s: ${stage}`;
}

function fail(log: RunLog, reason: string): number {
  log.runner(`FAILED: ${reason}`);
  console.error(`run-code-server: last lines of run.log:\n  ${log.recent.join('\n  ')}`);
  console.error(`run-code-server: FAILED: ${reason}`);
  console.error(`run-code-server: logs and screenshots in ${path.relative(repoRoot, path.dirname(log.file))}/`);
  return 1;
}

/** One timestamped log of everything: runner steps, code-server output, the browser console. */
class RunLog {
  /** The last lines written, to print when the run fails. */
  readonly recent: string[] = [];
  private readonly stream: fs.WriteStream;
  private closed = false;
  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file);
  }
  runner(line: string): void {
    this.write('runner', line);
  }
  codeServer(line: string): void {
    this.write('code-server', line);
  }
  browser(line: string): void {
    this.write('browser', line);
  }
  close(): void {
    this.closed = true;
    this.stream.end();
  }
  private write(source: string, line: string): void {
    if (this.closed) return; // late output from processes being stopped
    const entry = `${new Date().toISOString()} [${source}] ${line}`;
    this.stream.write(entry + '\n');
    this.recent.push(entry.length > 400 ? entry.slice(0, 400) + '…' : entry);
    if (this.recent.length > RECENT_LINES_KEPT) this.recent.shift();
  }
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : undefined;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
