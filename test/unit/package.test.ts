// The npm package as CI installs it: `npm pack` (its prepack script builds dist/), `npm install <tarball>` into an
// empty project, then the CLI through `npx stagegate` there. Then the GitHub Action's steps, run with that tarball.

import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { readAction, runCompositeAction } from './composite-action';
import { REPO_ROOT } from './helpers';

/**
 * The environment without what `npm run` adds for its scripts (npm_config_local_prefix and the like), which would
 * make a nested npm act on this repository rather than on the temporary project.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD'));
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, env = cleanEnv()) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The installed CLI as a user runs it; `--no` so that npx never fetches a package of that name from the registry. */
function stagegate(project: string, ...args: string[]) {
  return run('npx', ['--no', 'stagegate', ...args], project);
}

const MIGRATION = 'db/migrations/0001_drop_email.sql';

interface PackedFile {
  path: string;
  size: number;
}

describe('the npm package, packed and installed into an empty project', function () {
  this.timeout(180_000);
  let work: string;
  let tarball: string;
  let packedFiles: PackedFile[];
  let project: string;
  let installLog: string;

  before(function () {
    work = mkdtempSync(path.join(os.tmpdir(), 'stagegate-package-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], REPO_ROOT);
    assert.strictEqual(packed.code, 0, packed.stderr);
    const [report] = JSON.parse(packed.stdout) as { filename: string; files: PackedFile[] }[];
    tarball = path.join(work, report.filename);
    packedFiles = report.files;

    project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'ci-project', version: '1.0.0', private: true }));
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    assert.strictEqual(install.code, 0, install.stderr);
    installLog = install.stdout + install.stderr;

    // What the CLI is run on: a migration (parsed by libpg-query's WASM), the examples (a plan and its flags).
    mkdirSync(path.join(project, path.dirname(MIGRATION)), { recursive: true });
    writeFileSync(path.join(project, MIGRATION), 'ALTER TABLE users DROP COLUMN email;\n');
    cpSync(path.join(REPO_ROOT, 'examples'), path.join(project, 'examples'), { recursive: true });
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('holds the bundles, the WASM and the report assets, and no sources, tests, scripts or source maps', () => {
    const names = packedFiles.map((file) => file.path);
    for (const needed of [
      'bin/stagegate.js',
      'bin/code-cache.js',
      'dist/cli.js',
      'dist/commands.js',
      'dist/schemas.js',
      'dist/ajv.js',
      'dist/pg-parser.js',
      'dist/server.js',
      'dist/extension.js',
      'dist/report-charts.js',
      'dist/chart.umd.min.js',
      'dist/libpg-query.wasm',
      'dist/trace.js',
      'dist/pglite.wasm',
      'dist/pglite.data',
      'dist/initdb.wasm',
      'schemas/release-plan.schema.json',
      'LICENSE',
      'README.md',
    ])
      assert.ok(names.includes(needed), `${needed} is missing; the package holds ${names.length} files: ${names.slice(0, 12).join(', ')}…`);
    const unwanted = names.filter((name) => /^(src|test|scripts|bench|webview|out)\//.test(name) || name.endsWith('.map'));
    assert.deepStrictEqual(unwanted, []);
  });

  it('installs from the tarball alone: the bundles need no other package, and no install script runs', () => {
    const installed = readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepStrictEqual(installed, ['stagegate']);
    assert.ok(!/install-scripts|prepare/.test(installLog), installLog);
  });

  it('checks a folder through npx stagegate, parsing its SQL migration (the WASM loads)', () => {
    const result = stagegate(project, 'check', 'db');
    assert.strictEqual(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${MIGRATION}:1:19  error  .*  migration-drops-column$`, 'm'));
    // Only the summary of what was read: no warning from Node or a missing module.
    assert.strictEqual(result.stderr, 'stagegate: checked 1 file: 1 SQL migration.\n');
  });

  it('traces the migration folder on the embedded PostgreSQL through npx stagegate trace (PGlite bundled, no dependency)', () => {
    const result = stagegate(project, 'trace', 'db', '--format', 'json');
    assert.strictEqual(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.match(json.database, /^PGlite \(PostgreSQL \d+\.\d+, in memory\)$/);
    // The table does not exist in the empty database: PostgreSQL's own error, at the statement.
    assert.deepStrictEqual(
      json.statements.map((row: { file: string; line: number; status: string }) => `${row.file}:${row.line} ${row.status}`),
      [`${MIGRATION}:1 failed`],
    );
    assert.match(json.findings[0].message, /^PostgreSQL refused the statement: relation "users" does not exist \(SQLSTATE 42P01\)/);
  });

  it('prints SARIF with the paths code scanning matches against the repository', () => {
    const result = stagegate(project, 'check', 'db', 'examples', '--format', 'sarif');
    assert.strictEqual(result.code, 1, result.stderr);
    const sarif = JSON.parse(result.stdout);
    assert.strictEqual(sarif.version, '2.1.0');
    const results = sarif.runs[0].results as any[];
    const drop = results.find((found) => found.ruleId === 'migration-drops-column');
    assert.ok(drop, JSON.stringify(results));
    assert.strictEqual(drop.level, 'error');
    assert.strictEqual(drop.locations[0].physicalLocation.artifactLocation.uri, MIGRATION);
    assert.deepStrictEqual(
      results.filter((found) => !found.locations[0].physicalLocation.artifactLocation.uri.startsWith('db/')),
      [],
      'the examples are clean',
    );
  });

  it('simulates every scenario into one HTML report with chart.js and the report charts inlined', () => {
    const result = stagegate(
      project,
      'simulate',
      'examples/checkout/checkout.release.yaml',
      '--all-scenarios',
      '--runs',
      '10',
      '--format',
      'html',
      '--out',
      'x.html',
    );
    assert.strictEqual(result.code, 0, result.stderr);
    assert.match(result.stderr, /wrote x\.html/);
    const html = readFileSync(path.join(project, 'x.html'), 'utf8');
    assert.match(html, /Chart\.js v4\./, "chart.js's UMD build is inlined");
    assert.match(html, /StagegateReport/, 'the report charts are inlined');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('serves the language server over stdio: answers initialize, then shuts down and exits 0', async () => {
    const server = spawn('npx', ['--no', 'stagegate', 'lsp', '--stdio'], {
      cwd: project,
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    connection.listen();
    try {
      const result: any = await Promise.race([
        connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri: `file://${project}`,
          workspaceFolders: [{ uri: `file://${project}`, name: 'project' }],
          capabilities: {},
        }),
        exited.then((code) => assert.fail(`the server exited (${code}) without answering: ${stderr}`)),
      ]);
      assert.strictEqual(result.serverInfo.name, 'stagegate');
      assert.ok(result.capabilities.codeActionProvider, JSON.stringify(result.capabilities));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      assert.strictEqual(await exited, 0, stderr);
    } finally {
      connection.dispose();
      server.kill();
    }
  });

  it("runs the pre-commit hook's command (its entry and args) on the whole project", () => {
    const [hook] = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    const result = run('npx', ['--no', ...hook.entry.split(' '), ...hook.args], project);
    assert.strictEqual(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${MIGRATION}:1:19  error  .*  migration-drops-column$`, 'm'));
  });

  describe('the GitHub Action (action.yml), its steps run here with this tarball', () => {
    const action = readAction(path.join(REPO_ROOT, 'action.yml'));
    let workspace: string;
    let runnerTemp: string;

    before(() => {
      workspace = path.join(work, 'workspace');
      runnerTemp = path.join(work, 'runner-temp');
      mkdirSync(runnerTemp);
      cpSync(path.join(project, 'db'), path.join(workspace, 'db'), { recursive: true });
      cpSync(path.join(project, 'examples'), path.join(workspace, 'examples'), { recursive: true });
      mkdirSync(path.join(workspace, 'flags'));
      copyFileSync(
        path.join(REPO_ROOT, 'test/fixtures/foundation/warning-only.flags.yaml'),
        path.join(workspace, 'flags/warning-only.flags.yaml'),
      );
      mkdirSync(path.join(workspace, 'unrelated'));
      writeFileSync(path.join(workspace, 'unrelated/compose.yaml'), 'services: {}\n');
    });

    /**
     * The package step (npm ci and npm pack in the action's checkout) is the one not run here: it would install every
     * development dependency. Its output is this test's tarball, made by the same `npm pack`.
     */
    function runAction(inputs: Record<string, string>) {
      return runCompositeAction(action, {
        inputs,
        given: { package: { tarball } },
        cwd: workspace,
        // A cache of its own: `npx --package=<tarball>` installs into it.
        env: cleanEnv({ RUNNER_TEMP: runnerTemp, GITHUB_ACTION_PATH: REPO_ROOT, npm_config_cache: path.join(work, 'npm-cache') }),
      });
    }

    it('writes SARIF, uploads it, then fails the job on errors', () => {
      const run = runAction({ paths: 'db\nexamples' });
      const names = run.steps.map((step) => step.name);
      assert.deepStrictEqual(names, ['Set up Node.js', 'Build Stagegate', 'Check', 'Upload to code scanning', 'Fail on findings']);
      assert.ok(run.failed);
      const check = run.steps[2];
      assert.strictEqual(check.exitCode, 0, check.log);
      assert.match(check.log!, new RegExp(`${MIGRATION}:1:19  error`), 'the findings are in the log too');
      assert.deepStrictEqual(run.outputs, { sarif: path.join(runnerTemp, 'stagegate.sarif'), 'exit-code': '1' });
      const upload = run.steps[3];
      assert.match(upload.uses!, /^github\/codeql-action\/upload-sarif@v\d+$/);
      assert.deepStrictEqual(upload.with, { sarif_file: run.outputs.sarif, category: 'stagegate' });
      const sarif = JSON.parse(readFileSync(run.outputs.sarif, 'utf8'));
      assert.strictEqual(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, MIGRATION);
      assert.strictEqual(run.steps[4].exitCode, 1);
      assert.match(run.steps[4].log!, /::error title=Stagegate::/);
    });

    it('reports without failing with fail-on never, and skips the upload with upload false', () => {
      const run = runAction({ paths: 'db', 'fail-on': 'never', upload: 'false', sarif: 'reports/stagegate.sarif', 'node-version': '' });
      assert.deepStrictEqual(
        run.steps.map((step) => step.name),
        ['Build Stagegate', 'Check'],
      );
      assert.ok(!run.failed);
      assert.deepStrictEqual(run.outputs, { sarif: 'reports/stagegate.sarif', 'exit-code': '1' });
      const sarif = JSON.parse(readFileSync(path.join(workspace, 'reports/stagegate.sarif'), 'utf8'));
      assert.ok(
        sarif.runs[0].results.some((found: any) => found.ruleId === 'migration-drops-column'),
        JSON.stringify(sarif.runs[0]),
      );
    });

    it('passes warnings with the default fail-on error, and fails on them with fail-on warning or over max-warnings', () => {
      const lenient = runAction({ paths: 'flags', upload: 'false' });
      assert.ok(!lenient.failed, lenient.steps.map((step) => step.log).join('\n'));
      assert.strictEqual(lenient.outputs['exit-code'], '0');
      for (const inputs of [{ 'fail-on': 'warning' }, { 'max-warnings': '0' }] as Record<string, string>[]) {
        const strict = runAction({ paths: 'flags', upload: 'false', ...inputs });
        assert.ok(strict.failed, JSON.stringify(inputs));
        assert.strictEqual(strict.outputs['exit-code'], '1');
        assert.strictEqual(strict.steps.at(-1)!.name, 'Fail on findings');
      }
    });

    it('fails at once, uploading nothing, when the check cannot run (nothing to check) or an input is wrong', () => {
      const nothing = runAction({ paths: 'unrelated' });
      assert.ok(nothing.failed);
      assert.deepStrictEqual(
        nothing.steps.map((step) => step.name),
        ['Set up Node.js', 'Build Stagegate', 'Check'],
      );
      assert.strictEqual(nothing.steps[2].exitCode, 2);
      assert.match(nothing.steps[2].log!, /nothing was checked/);
      assert.match(nothing.steps[2].log!, /::error title=Stagegate::stagegate check could not run \(exit code 2\)/);
      assert.strictEqual(nothing.outputs.sarif, '');

      const wrong = runAction({ paths: 'db', 'fail-on': 'warnings' });
      assert.ok(wrong.failed);
      assert.match(wrong.steps.at(-1)!.log!, /fail-on must be error, warning or never, not 'warnings'/);
    });
  });
});

describe('bin/stagegate.js in a package without dist/', () => {
  it('says what is wrong and exits 2, instead of trying to build with development tools', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-nodist-'));
    try {
      const bin = path.join(folder, 'node_modules/stagegate/bin/stagegate.js');
      mkdirSync(path.dirname(bin), { recursive: true });
      copyFileSync(path.join(REPO_ROOT, 'bin/stagegate.js'), bin);
      writeFileSync(path.join(folder, 'node_modules/stagegate/package.json'), JSON.stringify({ name: 'stagegate', version: '0.0.0' }));
      const result = run(process.execPath, [bin, 'check', '.'], folder);
      assert.strictEqual(result.code, 2, result.stderr);
      assert.match(result.stderr, /^stagegate: this installation has no built CLI \(.*dist\/cli\.js is missing\)/);
      assert.ok(!result.stderr.includes('    at '), `no stack trace: ${result.stderr}`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
