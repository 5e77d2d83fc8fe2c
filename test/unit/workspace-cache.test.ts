import * as assert from 'assert';
import { Workspace } from '../../src/engine/workspace/workspace';
import { defaultConfig } from '../../src/engine/config/config';
import { parseConfig } from '../../src/engine/config/load';
import { lines } from './helpers';

const FLAGS = lines(
  'apiVersion: stagegate.dev/v1',
  'kind: FlagSet',
  'flags:',
  '  a:',
  '    description: a',
  '    owner: o',
  '    type: permission',
);
const PLAN = (extra = '') =>
  lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    `metadata: { name: p${extra}, service: s, owner: o }`,
    'flags: [a, b]',
    'stages:',
    '  - name: all',
    '    weight: 100',
  );

describe('findings cache', () => {
  it("an edit to one file leaves the other files' findings as they were, without re-running their rules", async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'));
    workspace.setFile('/w/f.flags.yaml', FLAGS);
    workspace.setFile('/w/p.release.yaml', PLAN());
    const first = await workspace.check();
    workspace.setFile('/w/p.release.yaml', PLAN('2'));
    const second = await workspace.check();
    assert.strictEqual(
      second.find((report) => report.path === '/w/f.flags.yaml')!.findings,
      first.find((report) => report.path === '/w/f.flags.yaml')!.findings,
      'the flag file was not checked again',
    );
    assert.notStrictEqual(
      second.find((report) => report.path === '/w/p.release.yaml')!.findings,
      first.find((report) => report.path === '/w/p.release.yaml')!.findings,
    );
  });

  it('a change to the cross-file facts re-checks the files that read them', async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'));
    workspace.setFile('/w/f.flags.yaml', FLAGS);
    workspace.setFile('/w/p.release.yaml', PLAN());
    const before = (await workspace.check(['/w/p.release.yaml']))[0].findings.filter((finding) => finding.ruleId === 'plan-unknown-flag');
    assert.strictEqual(before.length, 1);
    workspace.setFile('/w/f.flags.yaml', FLAGS + lines('  b:', '    description: b', '    owner: o', '    type: permission'));
    const after = (await workspace.check(['/w/p.release.yaml']))[0].findings.filter((finding) => finding.ruleId === 'plan-unknown-flag');
    assert.deepStrictEqual(after, []);
  });

  it('new configuration re-checks every file', async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'));
    workspace.setFile('/w/p.release.yaml', PLAN());
    assert.ok((await workspace.check())[0].findings.some((finding) => finding.ruleId === 'plan-unknown-flag'));
    workspace.config = parseConfig('rules:\n  plan-unknown-flag: off\n', '2026-11-26').config;
    assert.ok(!(await workspace.check())[0].findings.some((finding) => finding.ruleId === 'plan-unknown-flag'));
  });

  describe('a folder of migrations', () => {
    const CHECK = 'ALTER TABLE authors ADD CONSTRAINT authors_name_present CHECK (name IS NOT NULL);';
    const setup = () => {
      const workspace = new Workspace(defaultConfig('2026-11-26'));
      workspace.setFile('/w/migrations/000001_check.up.sql', lines("SET lock_timeout = '2s';", CHECK));
      workspace.setFile('/w/migrations/000002_note.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD COLUMN note text;'));
      workspace.setFile(
        '/w/migrations/000003_require.up.sql',
        lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ALTER COLUMN name SET NOT NULL;'),
      );
      return workspace;
    };
    const findingsOf = async (workspace: Workspace, path: string) =>
      (await workspace.check()).find((report) => report.path === path)!.findings;

    it('an edit to an earlier migration that leaves the same schema does not re-check the later ones', async () => {
      const workspace = setup();
      const first = await findingsOf(workspace, '/w/migrations/000003_require.up.sql');
      assert.deepStrictEqual(first, []);
      workspace.setFile('/w/migrations/000001_check.up.sql', lines('-- names must be present', "SET lock_timeout = '2s';", CHECK));
      assert.strictEqual(await findingsOf(workspace, '/w/migrations/000003_require.up.sql'), first, 'not checked again');
    });

    it('an edit to an earlier migration that changes the schema re-checks every later one', async () => {
      const workspace = setup();
      assert.deepStrictEqual(await findingsOf(workspace, '/w/migrations/000003_require.up.sql'), []);
      workspace.setFile('/w/migrations/000001_check.up.sql', lines("SET lock_timeout = '2s';", 'ALTER TABLE authors ADD COLUMN bio text;'));
      const after = await findingsOf(workspace, '/w/migrations/000003_require.up.sql');
      assert.deepStrictEqual(
        after.map((finding) => finding.ruleId),
        ['migration-sets-not-null'],
      );
    });

    it('a migration added or removed before a later one re-checks it', async () => {
      const workspace = setup();
      workspace.removeFile('/w/migrations/000001_check.up.sql');
      assert.deepStrictEqual(
        (await findingsOf(workspace, '/w/migrations/000003_require.up.sql')).map((finding) => finding.ruleId),
        ['migration-sets-not-null'],
      );
      workspace.setFile('/w/migrations/000000_check.up.sql', lines("SET lock_timeout = '2s';", CHECK));
      assert.deepStrictEqual(await findingsOf(workspace, '/w/migrations/000003_require.up.sql'), []);
    });
  });
});
