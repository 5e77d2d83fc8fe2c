import * as assert from 'assert';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { REPO_ROOT } from './helpers';

async function run(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  if (code === 2 && process.env.DEBUG_CLI) console.error(stderr);
  return { code, stdout, stderr };
}

describe('stagegate check', () => {
  it('prints [] and exits 0 for the bundled examples', async () => {
    const result = await run(['check', 'examples', '--format', 'json']);
    assert.strictEqual(result.stdout, '[]\n', result.stdout);
    assert.strictEqual(result.code, 0);
  });

  it('prints findings as JSON with 1-based positions, the path as given, sorted, and exits 1', async () => {
    const result = await run(['check', 'test/fixtures/foundation/broken.release.yaml', '--format', 'json']);
    assert.strictEqual(result.code, 1);
    const rows = JSON.parse(result.stdout);
    assert.deepStrictEqual(Object.keys(rows[0]), ['file', 'ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn']);
    const schemaRows = rows.filter((row: { ruleId: string }) => row.ruleId === 'schema');
    assert.deepStrictEqual(
      schemaRows.map((row: any) => `${row.file}:${row.line}:${row.column}-${row.endLine}:${row.endColumn} ${row.message}`),
      [
        'test/fixtures/foundation/broken.release.yaml:3:1-3:9 metadata is missing the required key "owner".',
        'test/fixtures/foundation/broken.release.yaml:6:11-6:17 strategy must be one of: canary, blue-green.',
        'test/fixtures/foundation/broken.release.yaml:10:5-10:12 Unknown key "duraton" in stages[0]. Did you mean "duration"?',
        'test/fixtures/foundation/broken.release.yaml:12:13-12:16 stages[1].weight must be at most 100.',
      ],
    );
  });

  it('prints stylish lines as path:line:column  severity  message  ruleId', async () => {
    const result = await run(['check', 'test/fixtures/foundation/broken.release.yaml']);
    assert.ok(
      result.stdout.includes(
        'test/fixtures/foundation/broken.release.yaml:6:11  error  strategy must be one of: canary, blue-green.  schema',
      ),
      result.stdout,
    );
    assert.strictEqual(result.code, 1);
  });

  it("names scanned files relative to the scanned folder's parent", async () => {
    const result = await run(['check', path.join(REPO_ROOT, 'test/fixtures/foundation'), '--format', 'json']);
    const files = new Set(JSON.parse(result.stdout).map((row: { file: string }) => row.file));
    assert.deepStrictEqual([...files], ['foundation/broken.release.yaml', 'foundation/warning-only.flags.yaml']);
  });

  it('exits 2 with a clear message for a missing file', async () => {
    const result = await run(['check', 'no/such/plan.release.yaml']);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /^stagegate: no\/such\/plan\.release\.yaml: no such file or folder\./);
    assert.ok(!result.stderr.includes('    at '), 'no stack trace');
  });

  it('exits 2 for an unknown option or format', async () => {
    assert.strictEqual((await run(['check', 'examples', '--colour'])).code, 2);
    assert.strictEqual((await run(['check', 'examples', '--format', 'xml'])).code, 2);
    assert.strictEqual((await run(['frobnicate'])).code, 2);
  });

  it('exits 1 when warnings exceed --max-warnings, 0 when they do not', async () => {
    const fixture = 'test/fixtures/foundation/warning-only.flags.yaml';
    assert.strictEqual((await run(['check', fixture, '--max-warnings', '0'])).code, 1);
    assert.strictEqual((await run(['check', fixture, '--max-warnings', '5'])).code, 0);
    assert.strictEqual((await run(['check', fixture])).code, 0);
  });
});
