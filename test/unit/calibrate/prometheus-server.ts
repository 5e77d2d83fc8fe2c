// A real Prometheus for tests: a throwaway TSDB backfilled with `promtool tsdb create-blocks-from openmetrics`, served
// on 127.0.0.1 on a free port, stopped by its pid. Debian's `prometheus` package provides both binaries
// (scripts/install-test-tools.sh installs it).

import { execFile, spawn, type ChildProcess } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../helpers';
import { promisify } from 'util';

const run = promisify(execFile);

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** A web configuration file's text (`--web.config.file`): basic authentication, to test a server that answers 401. */
  webConfig?: string;
}

/** Backfills `openMetrics` into a new TSDB and serves it; throws, naming what is missing, when the binaries are absent. */
export async function startPrometheus(openMetrics: string, options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'stagegate-prometheus-'));
  let child: ChildProcess | undefined;
  try {
    await fs.writeFile(path.join(folder, 'history.om'), openMetrics);
    await fs.writeFile(path.join(folder, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
    if (options.webConfig !== undefined) await fs.writeFile(path.join(folder, 'web.yml'), options.webConfig);
    try {
      await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', 'history.om', 'tsdb'], { cwd: folder, maxBuffer: 16 << 20 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error('promtool is not installed: run scripts/install-test-tools.sh (Debian package prometheus).', { cause: error });
      throw error;
    }
    const port = await freePort();
    const log: string[] = [];
    child = spawn(
      'prometheus',
      [
        '--config.file=prometheus.yml',
        '--storage.tsdb.path=tsdb',
        // The default 15 days would delete the backfilled history, which lies in the past, at start-up.
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
        ...(options.webConfig !== undefined ? ['--web.config.file=web.yml'] : []),
      ],
      { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const exited = new Promise<never>((_, reject) => {
      child!.once('error', (error) => reject(error));
      child!.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${log.join('').slice(-2000)}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    await Promise.race([waitReady(url, options.webConfig !== undefined), exited]);
    const running = child;
    return {
      url,
      stop: async () => {
        if (running.exitCode === null) {
          const gone = new Promise((resolve) => running.once('exit', resolve));
          process.kill(running.pid!, 'SIGTERM');
          await gone;
        }
        await fs.rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    await fs.rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Until the server answers `/-/ready`; behind authentication, a 401 says it is up. */
async function waitReady(url: string, authenticated = false): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok || (authenticated && response.status === 401)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`prometheus at ${url} was not ready within 60 s`);
}
