// A PostgreSQL server for tests: Debian's binaries (the `postgresql` package, installed by
// scripts/install-test-tools.sh), a cluster in a temporary folder, listening on 127.0.0.1 on a free port, stopped and
// removed by `stop`. initdb refuses to run as root: as root, the cluster belongs to the `postgres` user.

import { execFileSync } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './helpers';

export interface TestServer {
  port: number;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  stop(): void;
}

/** The newest PostgreSQL under /usr/lib/postgresql, preferring 15 (Debian bookworm's), or a clear failure. */
function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(path.join(root, version, 'bin', 'initdb'))) : [];
  if (versions.length === 0)
    throw new Error(
      "Debian's PostgreSQL server is not installed (/usr/lib/postgresql/*/bin/initdb): scripts/install-test-tools.sh installs the postgresql package.",
    );
  const chosen = versions.includes('15') ? '15' : versions.sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, chosen, 'bin');
}

export async function startServer(): Promise<TestServer> {
  const bin = binaries();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(folder, uid, gid);
  }
  const run = (command: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : path.join(bin, command), asRoot ? ['-u', 'postgres', '--', path.join(bin, command), ...args] : args, {
      cwd: folder,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  const data = path.join(folder, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', path.join(folder, 'server.log'), '-o', options]);
  return {
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      try {
        run('pg_ctl', ['stop', '-m', 'fast', '-w', '-D', data]);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
