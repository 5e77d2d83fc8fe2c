// Configuration mistakes and suppression comments are reported, not ignored.
import * as assert from 'assert';
import { copyFileSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { parseConfig } from '../../src/engine/config/load';
import { configProblems } from '../../src/engine/catalogue/config-problems';
import { checkOne, lines, only, REPO_ROOT } from './helpers';

describe('configuration and suppression', () => {
  it('a disable comment with a reason after " -- " still names its rule', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: FlagSet',
      'flags:',
      '  # stagegate-disable-next-line flag-missing-owner -- owned by the platform team',
      '  a:',
      '    description: x',
      '    type: permission',
    );
    assert.deepStrictEqual(only(await checkOne('f.flags.yaml', text), 'flag-missing-owner'), []);
  });

  it('unknown rule ids and mistyped options are reported, not ignored', () => {
    const { config } = parseConfig(
      'rules:\n  flag-expring-soon: off\n  flag-expiring-soon: { options: { days: "45", weeks: 2 } }\n',
      '2026-11-26',
    );
    const problems = configProblems(config);
    assert.strictEqual(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /rules\.flag-expring-soon: no rule has this id \(did you mean flag-expiring-soon\?\)/);
    assert.match(problems[1], /options\.days must be a number/);
    assert.match(problems[2], /options\.weeks: flag-expiring-soon has one option, days/);
  });

  it('too-many-findings can be turned off', async () => {
    const flags = Array.from({ length: 600 }, (_, i) => `  f${i}: {}`);
    const text = lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', ...flags);
    const on = await checkOne('f.flags.yaml', text);
    assert.strictEqual(on.length, 1001);
    assert.match(on[1000].message, /^\d+ more findings not shown/);
    const { config } = parseConfig('rules:\n  too-many-findings: off\n', '2026-11-26');
    assert.strictEqual((await checkOne('f.flags.yaml', text, config)).length, 1000);
  });

  it('a setting for a retired rule id applies to the rule that does its work now, with a note', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-retired-'));
    copyFileSync(path.join(REPO_ROOT, 'test/fixtures/adapters/argo/weights.rollout.yaml'), path.join(folder, 'weights.rollout.yaml'));
    writeFileSync(path.join(folder, '.stagegate.yaml'), 'rules:\n  argo-weight-decreasing: off\n');
    let stdout = '';
    let stderr = '';
    await main(['check', '.', '--format', 'json'], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: folder });
    const ids = JSON.parse(stdout).map((row: { ruleId: string }) => row.ruleId);
    assert.ok(ids.includes('argo-weight-out-of-range'), ids.join(', '));
    assert.ok(!ids.includes('stage-weights-not-increasing'), ids.join(', '));
    assert.match(
      stderr,
      /rules\.argo-weight-decreasing: this rule is now stage-weights-not-increasing; the setting applies to stage-weights-not-increasing\./,
    );
  });

  it('--readiness refuses machine formats instead of corrupting them', async () => {
    let stderr = '';
    const code = await main(['check', 'examples', '--format', 'json', '--readiness'], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      cwd: REPO_ROOT,
    });
    assert.strictEqual(code, 2);
    assert.match(stderr, /--readiness prints a text checklist/);
  });
});
