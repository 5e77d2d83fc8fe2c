// Fixes keep the file whole: its line endings, byte-order mark and last line.
import * as assert from 'assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';
import { applyFixes } from '../../src/engine/fix';
import { parseSourceFile } from '../../src/engine/parse/source-file';
import { newFlagEdit } from '../../src/engine/assist/new-flag';
import { checkOne, only } from './helpers';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe('fixes keep the file whole', () => {
  it('adds a bound to the last gate of a file without a final newline, not to the gate before it', async () => {
    const text =
      'apiVersion: stagegate.dev/v1\nkind: ReleasePlan\nmetadata: { name: a, service: b, owner: c }\nstages:\n  - name: s\n    weight: 1\n    gates:\n      - metric: latencyP95Ms\n        max: 300\n      - metric: errorRate';
    const fixed = applyFixes(text, only(await checkOne('p.release.yaml', text), 'gate-without-bound'), false).text;
    const gates = (parse(fixed) as { stages: { gates: Record<string, unknown>[] }[] }).stages[0].gates;
    assert.deepStrictEqual(gates, [
      { metric: 'latencyP95Ms', max: 300 },
      { metric: 'errorRate', maxIncrease: '20%' },
    ]);
  });

  it("inserted lines follow a CRLF file's line endings", async () => {
    const text = 'apiVersion: stagegate.dev/v1\r\nkind: FlagSet\r\nflags:\r\n  a:\r\n    type: release\r\n';
    const fixed = applyFixes(text, only(await checkOne('f.flags.yaml', text), 'flag-missing-expiry')).text;
    assert.ok(!/[^\r]\n/.test(fixed), JSON.stringify(fixed));
    assert.match(fixed, /\r\n {4}expires: "\d{4}-\d{2}-\d{2}"\r\n/);
  });

  it('--fix keeps a byte-order mark and writes the file whole', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-fix-'));
    const file = path.join(folder, 'a.flags.yaml');
    writeFileSync(
      file,
      '\ufeffapiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a:\n    description: a\n    owner: x\n    type: release\n',
    );
    const result = await run(['check', 'a.flags.yaml', '--fix', '--today', '2026-11-26'], folder);
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    const written = readFileSync(file, 'utf8');
    assert.strictEqual(written.charCodeAt(0), 0xfeff);
    assert.match(written, /expires: "2027-01-05"/);
  });
});

describe('New Flag', () => {
  it('adds a flag to a JSON flag set as JSON', () => {
    const text = '{"apiVersion": "stagegate.dev/v1", "kind": "FlagSet", "flags": {"a": {"owner": "x"}}}\n';
    const file = parseSourceFile('f.flags.json', text);
    const edit = newFlagEdit(file, file.documents[0], 'b', '@acme/payments', '2026-11-26')!;
    const fixed = applyFixes(text, [
      { ruleId: 'x', severity: 'info', message: '', range: edit.range, fixes: [{ title: '', edits: [edit], safe: true }] },
    ]).text;
    const flags = JSON.parse(fixed).flags;
    assert.deepStrictEqual(Object.keys(flags), ['b', 'a']);
    assert.strictEqual(flags.b.owner, '@acme/payments');
  });

  it('adds a flag where a YAML flags mapping ends, even when other keys follow it', async () => {
    const text = 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags:\n  a:\n    owner: x\nmetadata:\n  name: n\n';
    const file = parseSourceFile('f.flags.yaml', text);
    const edit = newFlagEdit(file, file.documents[0], 'b', '@acme/payments', '2026-11-26')!;
    const fixed = applyFixes(text, [
      { ruleId: 'x', severity: 'info', message: '', range: edit.range, fixes: [{ title: '', edits: [edit], safe: true }] },
    ]).text;
    const value = parse(fixed) as { flags: Record<string, { owner: string }>; metadata: { name: string } };
    assert.deepStrictEqual(Object.keys(value.flags), ['a', 'b']);
    assert.strictEqual(value.flags.b.owner, '@acme/payments');
    assert.strictEqual(value.metadata.name, 'n');
    assert.deepStrictEqual(only(await checkOne('f.flags.yaml', fixed), 'schema'), []);
  });
});
