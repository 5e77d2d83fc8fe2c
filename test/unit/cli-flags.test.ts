// Flag files through the command line, the built CLI in its own process as a user runs it: targeting results, one
// schema finding per node, fixes that keep a JSON file's layout, owners that are placeholders, owners given by
// `.stagegate.yaml` per folder, and CODEOWNERS found in each file's own repository.
import * as assert from 'assert';
import { spawn } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, REPO_ROOT } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

const TODAY = '2026-11-26';
/** The command a user runs: the built CLI (`npm run build`), in its own process. */
const BIN = path.join(REPO_ROOT, 'bin', 'stagegate.js');

function run(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A row of `check --format json`. */
type Row = PlacedFinding;

/** `file:line:column ruleId message` of each JSON row of `check`. */
async function rows(args: string[], cwd = REPO_ROOT): Promise<string[]> {
  const result = await run(['check', ...args, '--format', 'json', '--today', TODAY], cwd);
  assert.ok(result.code === 0 || result.code === 1, `check exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as Row[]).map((row) => `${row.file}:${row.line}:${row.column} ${row.ruleId} ${row.message}`);
}

/** A copy of a fixture folder in a fresh temporary folder; returns the copy's path. */
function copyFixture(name: string, into = mkdtempSync(path.join(os.tmpdir(), 'stagegate-flags-'))): string {
  const target = path.join(into, name);
  cpSync(path.join(FIXTURES, name), target, { recursive: true });
  return target;
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

  it('schema findings: one per node, for flagd operations and for flag names', async () => {
    const found = await rows([
      'test/fixtures/adapters/flagd-schema/invalid/operation-missing-operand.flagd.json',
      'test/fixtures/adapters/flagd-schema/invalid/ref-not-text.flagd.json',
      'test/fixtures/schema-once/checkout.flags.yaml',
    ]);
    assert.deepStrictEqual(
      found.filter((row) => row.includes(' schema ')),
      [
        'test/fixtures/adapters/flagd-schema/invalid/operation-missing-operand.flagd.json:8:24 schema flags.staff-banner.targeting.if[0].in must have at least 2 items.',
        'test/fixtures/adapters/flagd-schema/invalid/ref-not-text.flagd.json:7:39 schema flags.staff-banner.targeting.if[0]["$ref"] must be text.',
        'test/fixtures/schema-once/checkout.flags.yaml:7:3 schema "new checkout" is not a valid name in flags: use letters, digits, "-", "_" and ".", starting with a letter or digit.',
      ],
    );
  });
  it('--fix writes into pretty-printed flagd JSON on new lines indented like their siblings, and inline into one-line JSON', async () => {
    const folder = copyFixture('flag-fixes');
    writeFileSync(path.join(folder, '.stagegate.yaml'), 'defaultOwner: team-checkout\n');
    const result = await run(['check', '.', '--fix', '--today', TODAY], folder);
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    // Owner and expiry both create a flag's metadata: the second lands in the next pass, inside the first's.
    assert.match(result.stderr, /applied 7 fixes/);
    assert.strictEqual(
      readFileSync(path.join(folder, 'checkout.flagd.json'), 'utf8'),
      [
        '{',
        '  "$schema": "https://flagd.dev/schema/v0/flags.json",',
        '  "flags": {',
        '    "checkout-express": {',
        '      "metadata": {',
        '        "owner": "team-checkout",',
        '        "expires": "2027-01-05"',
        '      },',
        '      "state": "ENABLED",',
        '      "variants": {',
        '        "on": true,',
        '        "off": false',
        '      },',
        '      "defaultVariant": "off"',
        '    },',
        '    "checkout-wallets": {',
        '      "state": "ENABLED",',
        '      "variants": {',
        '        "on": true,',
        '        "off": false',
        '      },',
        '      "defaultVariant": "off",',
        '      "metadata": {',
        '        "expires": "2027-01-05",',
        '        "owner": "team-checkout"',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    assert.strictEqual(
      readFileSync(path.join(folder, 'search.flagd.json'), 'utf8'),
      [
        '{',
        '    "flags": {',
        '        "search-ranking-v2": {',
        '            "metadata": {',
        '                "owner": "team-checkout",',
        '                "expires": "2027-01-05"',
        '            },',
        '            "state": "ENABLED",',
        '            "variants": { "on": true, "off": false },',
        '            "defaultVariant": "off"',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    assert.strictEqual(
      readFileSync(path.join(folder, 'web.flagd.json'), 'utf8'),
      '{ "flags": { "header-color": { "metadata": { "owner": "team-checkout", "expires": "2027-01-05" }, "state": "ENABLED", "variants": { "red": "#c00", "blue": "#00c" }, "defaultVariant": "red" } } }\n',
    );
    assert.deepStrictEqual(await rows(['.'], folder), [], 'the fixed files are valid and complete');
  });
  it('flag-missing-owner: TODO, TBD, unknown, none, blank and TODO-owner are placeholders, reported at the value', async () => {
    const found = await rows(['test/fixtures/flag-placeholders']);
    assert.deepStrictEqual(found, [
      'flag-placeholders/checkout.flags.yaml:8:12 flag-missing-owner Flag "checkout-express" has owner "TODO-owner", a placeholder, not an owner: nobody is accountable for its state or its removal.',
      'flag-placeholders/checkout.flags.yaml:12:12 flag-missing-owner Flag "checkout-wallets" has owner "todo", a placeholder, not an owner: nobody is accountable for its state or its removal.',
      'flag-placeholders/checkout.flags.yaml:16:12 flag-missing-owner Flag "checkout-gift-cards" has owner "TBD", a placeholder, not an owner: nobody is accountable for its state or its removal.',
      'flag-placeholders/checkout.flags.yaml:20:12 flag-missing-owner Flag "checkout-vouchers" has owner "Unknown", a placeholder, not an owner: nobody is accountable for its state or its removal.',
      'flag-placeholders/checkout.flags.yaml:24:12 flag-missing-owner Flag "checkout-split-pay" has owner "none", a placeholder, not an owner: nobody is accountable for its state or its removal.',
      'flag-placeholders/checkout.flags.yaml:28:12 flag-missing-owner Flag "checkout-tips" has an empty owner: nobody is accountable for its state or its removal.',
      `flag-placeholders/web.flagd.json:3:26 flag-missing-owner The flag set's metadata.owner "TODO" is a placeholder, not an owner, for 2 flags (header-color, dark-mode): nobody is accountable for their state or their removal.`,
    ]);
  });
  it('--fix without a known owner writes no placeholder, and leaves every owner warning in place', async () => {
    const folder = copyFixture('flag-placeholders');
    writeFileSync(
      path.join(folder, 'new.flags.yaml'),
      [
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'flags:',
        '  checkout-tips-v2:',
        '    description: Tips.',
        '    type: permission',
        '',
      ].join('\n'),
    );
    const before = ['checkout.flags.yaml', 'web.flagd.json', 'new.flags.yaml'].map((name) => readFileSync(path.join(folder, name), 'utf8'));
    const result = await run(['check', '.', '--fix', '--max-warnings', '0', '--today', TODAY], folder);
    assert.strictEqual(result.code, 1, 'the warnings are still there');
    assert.doesNotMatch(result.stderr, /applied/);
    assert.deepStrictEqual(
      ['checkout.flags.yaml', 'web.flagd.json', 'new.flags.yaml'].map((name) => readFileSync(path.join(folder, name), 'utf8')),
      before,
    );
    assert.match(result.stdout, /new\.flags\.yaml:4:3 {2}warning {2}Flag "checkout-tips-v2" has no owner/);
    assert.match(result.stdout, /checkout\.flags\.yaml:8:12 {2}warning {2}Flag "checkout-express" has owner "TODO-owner", a placeholder/);
  });
  it('flags.defaultOwner owns the flags of the files its globs match, the last match winning; readiness agrees', async () => {
    const result = await run(['check', 'test/fixtures/flag-owners', '--readiness', '--today', TODAY]);
    assert.strictEqual(result.stderr, 'stagegate: checked 5 files: 1 release plan, 2 flag sets, 2 flagd files.\n');
    const lines = result.stdout.split('\n');
    assert.deepStrictEqual(
      lines.filter((line) => line.includes('flag-missing-owner')),
      [
        'flag-owners/flags/payments/legacy.flags.yaml:8:12  warning  Flag "payments-legacy-tax" has owner "TBD", a placeholder, not an owner: nobody is accountable for its state or its removal. `flags.defaultOwner` suggests @acme/payments.  flag-missing-owner',
        'flag-owners/flags/search/search.flags.yaml:6:3  warning  Flag "search-snippets" has no owner: nobody is accountable for its state or its removal.  flag-missing-owner',
      ],
    );
    assert.ok(lines.includes('Readiness of payments-3ds (flag-owners/checkout.release.yaml): 5/5'), result.stdout);
  });
  it('--fix replaces a placeholder with the owner flags.defaultOwner gives its file', async () => {
    const folder = copyFixture('flag-owners');
    const result = await run(['check', '.', '--fix', '--today', TODAY], folder);
    assert.match(result.stderr, /applied 1 fix\./);
    assert.match(readFileSync(path.join(folder, 'flags/payments/legacy.flags.yaml'), 'utf8'), /\n {4}owner: "@acme\/payments"\n/);
  });
  it('.stagegate.yaml: a flags.defaultOwner that cannot work is reported on stderr, and the rest applies', async () => {
    const folder = copyFixture('flag-owners');
    writeFileSync(
      path.join(folder, '.stagegate.yaml'),
      ['flags:', '  defaultOwner:', '    "flags/payments/**": TODO', '    "flags/search": "@acme/search"', '  owners: x', ''].join('\n'),
    );
    const result = await run(['check', '.', '--today', TODAY], folder);
    assert.deepStrictEqual(result.stderr.trim().split('\n'), [
      'stagegate: .stagegate.yaml: flags.owners: unknown setting (flags has defaultOwner); it does nothing.',
      'stagegate: .stagegate.yaml: flags.defaultOwner["flags/payments/**"]: "TODO" is a placeholder, not an owner; the entry does nothing.',
      'stagegate: checked 5 files: 1 release plan, 2 flag sets, 2 flagd files.',
    ]);
    // A folder stands for the files under it.
    assert.doesNotMatch(result.stdout, /search\.flags\.yaml.*flag-missing-owner/);
    assert.match(result.stdout, /payments\.flagd\.json:4:5 {2}warning {2}Flag "payments-3ds-v2" has no metadata\.owner/);
  });
  it("--fix on a folder of a repository, run from outside it, takes the owner from that repository's CODEOWNERS", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'stagegate-outside-'));
    const repository = path.join(outside, 'shop');
    mkdirSync(path.join(repository, '.git'), { recursive: true });
    mkdirSync(path.join(repository, '.github'));
    writeFileSync(path.join(repository, '.github', 'CODEOWNERS'), '*  @acme/platform\n/services/web/ @acme/web\n');
    const flags = path.join(repository, 'services', 'web', 'flags');
    mkdirSync(flags, { recursive: true });
    cpSync(path.join(FIXTURES, 'flag-fixes', 'search.flagd.json'), path.join(flags, 'search.flagd.json'));
    const result = await run(['check', 'shop/services/web', '--fix', '--today', TODAY], outside);
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    const written = JSON.parse(readFileSync(path.join(flags, 'search.flagd.json'), 'utf8'));
    assert.deepStrictEqual(written.flags['search-ranking-v2'].metadata, { owner: 'acme/web', expires: '2027-01-05' });
  });
});
