// The command line at its edges: SARIF paths, files that are not regular files, odd arguments.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { defaultConfig } from '../../src/engine/config/config';
import { Workspace } from '../../src/engine/workspace/workspace';
import { checkOne, REPO_ROOT } from './helpers';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe('SARIF locations', () => {
  it('are relative to the current folder, with every segment encoded', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-sarif-'));
    const sub = path.join(folder, 'deploy', 'flags');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'odd#1.flags.yaml'), 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a: {}\n');
    const result = await run(['check', 'deploy/flags', '--format', 'sarif', '--today', '2026-11-26'], folder);
    const sarif = JSON.parse(result.stdout);
    const uris = new Set(sarif.runs[0].results.map((entry: any) => entry.locations[0].physicalLocation.artifactLocation.uri));
    assert.deepStrictEqual([...uris], ['deploy/flags/odd%231.flags.yaml']);
  });
});

describe('files a plan names', () => {
  it("a named pipe or a folder in a plan's migrations is reported missing, not read", async function () {
    if (process.platform === 'win32') this.skip();
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-pipe-'));
    execFileSync('mkfifo', [path.join(folder, 'pipe.sql')]);
    writeFileSync(
      path.join(folder, 'p.release.yaml'),
      'apiVersion: stagegate.dev/v1\nkind: ReleasePlan\nmetadata: { name: a, service: b, owner: c }\nmigrations:\n  - file: pipe.sql\n  - file: .\nstages:\n  - name: s\n    weight: 100\n',
    );
    const result = await run(['check', 'p.release.yaml', '--format', 'json'], folder);
    const rows = JSON.parse(result.stdout).filter((row: { ruleId: string }) => row.ruleId === 'plan-migration-missing');
    assert.strictEqual(rows.length, 2);
  });

  it('adding a down migration clears migration-irreversible on its up migration', async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'), { read: async () => undefined });
    workspace.setFile('/w/migrations/1.up.sql', 'ALTER TABLE t DROP COLUMN c;\n');
    const before = (await workspace.check(['/w/migrations/1.up.sql']))[0].findings.map((finding) => finding.ruleId);
    assert.ok(before.includes('migration-irreversible'));
    workspace.setFile('/w/migrations/1.down.sql', 'ALTER TABLE t ADD COLUMN c text;\n');
    const after = (await workspace.check(['/w/migrations/1.up.sql']))[0].findings.map((finding) => finding.ruleId);
    assert.ok(!after.includes('migration-irreversible'), after.join(', '));
  });
});

describe('command-line edges', () => {
  it('a FIFO named on the command line is refused, not read', async function () {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-fifo-'));
    execFileSync('mkfifo', [path.join(folder, 'x.flags.yaml')]);
    const result = await run(['check', 'x.flags.yaml'], folder);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /x\.flags\.yaml: not a regular file/);
  });

  it('--today refuses a date that does not exist', async () => {
    const result = await run(['check', 'examples', '--today', '2026-02-30'], REPO_ROOT);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /--today takes a real date/);
  });

  it('absurd traffic gives no Infinity in gate messages', async () => {
    const text =
      'apiVersion: stagegate.dev/v1\nkind: ReleasePlan\nmetadata: { name: a, service: b, owner: c }\ntraffic: { requestsPerSecond: 1e308 }\nbaseline: { errorRate: 0.002, latencyP95Ms: 180 }\nstages:\n  - name: s\n    weight: 1\n    duration: 1h\n    gates: [{ metric: errorRate, maxIncrease: 10% }]\n';
    const findings = await checkOne('p.release.yaml', text);
    assert.ok(
      findings.every((finding) => !/Infinity|∞|NaN/.test(finding.message)),
      findings.map((finding) => finding.message).join('\n'),
    );
  });
});
