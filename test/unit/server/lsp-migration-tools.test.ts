// The language server judges migrations with the same tool and PostgreSQL version as `stagegate check`: the tool read
// from marker files, and migrations.postgresVersion from .stagegate.yaml.

import * as assert from 'assert';
import { cpSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../helpers';
import { LspSession, PUSH_CLIENT } from './lsp-client';

async function checkMessages(root: string): Promise<string[]> {
  let stdout = '';
  await main(['check', '.', '--format', 'json'], { stdout: (text) => (stdout += text), stderr: () => undefined, cwd: root });
  return (JSON.parse(stdout) as { file: string; line: number; ruleId: string; message: string }[])
    .map((finding) => `${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`)
    .sort();
}

describe('the language server and the migration tool', function () {
  this.timeout(60_000);
  let session: LspSession | undefined;
  afterEach(() => session?.kill());

  it('reports CONCURRENTLY in a Flyway script as check does, and takes migrations.postgresVersion from .stagegate.yaml', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-lsp-tools-'));
    cpSync(path.join(FIXTURES, 'migration-tools', 'flyway'), root, { recursive: true });
    writeFileSync(path.join(root, '.stagegate.yaml'), 'migrations:\n  postgresVersion: 13\n');
    writeFileSync(
      path.join(root, 'db', 'migration', 'V5__detach_2023.sql'),
      "SET lock_timeout = '2s';\nALTER TABLE measurements DETACH PARTITION measurements_2023;\n",
    );
    session = LspSession.start();
    await session.initialize(root, PUSH_CLIENT);
    await session.initialized();
    await session.status();
    await session.waitFor(() => session!.publishedUris().length === 5);
    const pushed = session
      .publishedUris()
      .flatMap((uri) =>
        (session!.diagnosticsOf(uri) ?? []).map(
          (diagnostic) =>
            `${path.relative(root, new URL(uri).pathname)}:${diagnostic.range.start.line + 1} ${diagnostic.code} ${diagnostic.message}`,
        ),
      )
      .sort();
    assert.ok(
      pushed.some((row) =>
        /^db\/migration\/V2__orders_region\.sql:3 migration-concurrent-in-transaction .*Flyway runs each migration/.test(row),
      ),
      pushed.join('\n'),
    );
    assert.ok(
      pushed.some((row) => /PostgreSQL 13 has no concurrent form/.test(row)),
      pushed.join('\n'),
    );
    assert.deepStrictEqual(pushed, await checkMessages(root));
  });
});
