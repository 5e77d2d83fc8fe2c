// Flag files through the command line: targeting results, one schema finding per node, fixes that keep a JSON file's
// layout, owners that are placeholders, owners given by `.stagegate.yaml` per folder, and CODEOWNERS found in each
// file's own repository.
import * as assert from 'assert';
import { main } from '../../src/cli/main';
import { REPO_ROOT } from './helpers';

const TODAY = '2026-11-26';

async function run(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

interface Row {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
}

/** `file:line:column ruleId message` of each JSON row of `check`. */
async function rows(args: string[], cwd = REPO_ROOT): Promise<string[]> {
  const result = await run(['check', ...args, '--format', 'json', '--today', TODAY], cwd);
  assert.ok(result.code === 0 || result.code === 1, `check exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as Row[]).map((row) => `${row.file}:${row.line}:${row.column} ${row.ruleId} ${row.message}`);
}

describe('stagegate check on flag files', () => {
  it('flagd-targeting-unknown-variant reads only the results of an if, never its conditions', async () => {
    const found = await rows(['test/fixtures/adapters/flagd-targeting']);
    // A fractional compared in a condition ("beta", "everyone-else") and an if inside a condition ("tester",
    // "customer") return no variant; the misspelt "of" in a result of the chain and in a fractional result does.
    assert.deepStrictEqual(
      found.map((row) => row.replace(/ Targeting .*/, '')),
      [
        'flagd-targeting/conditions.flagd.json:40:11 flagd-targeting-unknown-variant',
        'flagd-targeting/conditions.flagd.json:41:41 flagd-targeting-unknown-variant',
      ],
    );
    assert.match(found[0], /returns "of", which is not one of its variants \(on, off\)/);
  });
});
