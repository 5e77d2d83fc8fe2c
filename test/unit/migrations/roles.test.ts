// Migration roles: which way a migration runs, read from its tool's conventions, and how each role is judged.

import * as assert from 'assert';
import { defaultConfig } from '../../../src/engine/config/config';
import { migrationPlace, migrationSections } from '../../../src/engine/formats/migration-roles';
import { Workspace } from '../../../src/engine/workspace/workspace';
import { migrationFacts } from '../../../src/engine/workspace/analyse-migration';
import { at, checkFiles, lines, only } from '../helpers';
import { analyse, covered, hazardRanges } from './helpers';

describe('migrationPlace', () => {
  it('reads the role and the pair from each convention', () => {
    const cases: [string, ReturnType<typeof migrationPlace>][] = [
      ['db/migrations/000003_add_email.up.sql', { role: 'up', counterpart: 'db/migrations/000003_add_email.down.sql' }],
      ['db/migrations/000003_add_email.down.sql', { role: 'down', counterpart: 'db/migrations/000003_add_email.up.sql' }],
      ['migrations/2024-01-15-093000_add_email/up.sql', { role: 'up', counterpart: 'migrations/2024-01-15-093000_add_email/down.sql' }],
      ['migrations/2024-01-15-093000_add_email/DOWN.sql', { role: 'down', counterpart: 'migrations/2024-01-15-093000_add_email/up.sql' }],
      [
        'C:\\app\\migrations\\20240115093000_add_email\\down.sql',
        { role: 'down', counterpart: 'C:\\app\\migrations\\20240115093000_add_email\\up.sql' },
      ],
      ['db/migration/V3__add_email.sql', { role: 'up' }],
      ['db/migration/U3_1__add_email.sql', { role: 'down', counterpart: 'db/migration/V3_1__add_email.sql', flywayVersion: '3.1' }],
      ['sqitch/deploy/add_email.sql', { role: 'up', counterpart: 'sqitch/revert/add_email.sql', sqitchPlan: 'sqitch/sqitch.plan' }],
      [
        'sqitch/revert/users/add_email.sql',
        { role: 'down', counterpart: 'sqitch/deploy/users/add_email.sql', sqitchPlan: 'sqitch/sqitch.plan' },
      ],
      ['sqitch/verify/add_email.sql', { role: 'verify', sqitchPlan: 'sqitch/sqitch.plan' }],
      ['revert/deploy/x.sql', { role: 'up', counterpart: 'revert/revert/x.sql', sqitchPlan: 'revert/sqitch.plan' }],
      ['migrations/20240115_add_email.sql', { role: 'up' }],
      ['migrations/teardown.sql', { role: 'up' }],
      ['migrations/Undo__x.sql', { role: 'up' }],
    ];
    for (const [path, place] of cases) assert.deepStrictEqual(migrationPlace(path), place, path);
  });
});

describe('migrationSections', () => {
  it('splits a dbmate file at its markers, the text before the first going with it, and reads transaction:false', () => {
    const text = lines(
      '-- a comment',
      '-- migrate:up transaction:false',
      'CREATE INDEX CONCURRENTLY i ON t (a);',
      '',
      '-- migrate:down',
      'DROP INDEX i;',
    );
    const sections = migrationSections(text)!;
    assert.deepStrictEqual(
      sections.map(({ role, tool, runsInTransaction }) => ({ role, tool, runsInTransaction })),
      [
        { role: 'up', tool: 'dbmate', runsInTransaction: false },
        { role: 'down', tool: 'dbmate', runsInTransaction: true },
      ],
    );
    assert.deepStrictEqual([sections[0].start, sections[1].start, sections[1].end], [0, text.indexOf('-- migrate:down'), text.length]);
  });

  it('reads goose markers and NO TRANSACTION; a file without markers has no sections', () => {
    const goose = lines('-- +goose NO TRANSACTION', '-- +goose Up', 'SELECT 1;', '-- +goose Down', 'SELECT 2;');
    assert.deepStrictEqual(
      migrationSections(goose)!.map(({ role, runsInTransaction }) => `${role}:${runsInTransaction}`),
      ['up:false', 'down:false'],
    );
    assert.strictEqual(migrationSections("SELECT '-- migrate:up';\n"), undefined);
    assert.strictEqual(migrationSections('SELECT 1;\n'), undefined);
  });
});

describe('down migrations', () => {
  const created = { tables: ['users'], columns: [{ table: 'accounts', column: 'plan' }] };
  const pair = { name: 'up.sql', found: true, created };

  it('are still judged for locks: DROP INDEX without CONCURRENTLY, a missing lock_timeout', async () => {
    const text = 'DROP INDEX accounts_plan_idx;\nALTER TABLE accounts DROP COLUMN plan;\n';
    const analysis = await analyse(text, { role: 'down', counterpart: pair });
    assert.strictEqual(hazardRanges(analysis, 'migration-index-not-concurrent').length, 1);
    assert.ok(hazardRanges(analysis, 'migration-missing-lock-timeout').length > 0);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-down-destroys-data'), []);
  });

  it('never break the old version: no hazard is marked breaking, and a plan sees none', async () => {
    const text =
      "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN plan TYPE varchar(20), ADD COLUMN region text NOT NULL, DROP COLUMN legacy;\n";
    const down = await analyse(text, { role: 'down', counterpart: pair });
    assert.deepStrictEqual(down.hazards.map((hazard) => hazard.ruleId).sort(), [
      'migration-adds-required-column',
      'migration-changes-column-type',
      'migration-down-destroys-data',
    ]);
    assert.ok(down.hazards.every((hazard) => !hazard.breaksOldVersion && !/breaks the old version/.test(hazard.message)));
    assert.match(down.hazards.find((hazard) => hazard.ruleId === 'migration-adds-required-column')!.message, /the rollback with it/);
    assert.match(down.hazards.find((hazard) => hazard.ruleId === 'migration-changes-column-type')!.message, /during the rollback/);
    assert.deepStrictEqual(migrationFacts(down).breaking, []);
    const up = await analyse(text);
    assert.deepStrictEqual(
      migrationFacts(up)
        .breaking.map((hazard) => hazard.ruleId)
        .sort(),
      ['migration-adds-required-column', 'migration-changes-column-type', 'migration-drops-column'],
    );
  });

  it('drop what the up migration created freely; anything else, tables, truncation and other schemas included, is data loss', async () => {
    const text = lines(
      'DROP TABLE users, audit_log;',
      'DROP TABLE app.users;',
      'ALTER TABLE public.accounts DROP COLUMN plan, DROP COLUMN notes;',
      'TRUNCATE sessions;',
      'DROP INDEX CONCURRENTLY accounts_notes_idx;',
    );
    const analysis = await analyse(text, { role: 'down', counterpart: pair });
    const ranges = hazardRanges(analysis, 'migration-down-destroys-data');
    assert.deepStrictEqual(
      ranges.map((range) => covered(text, range)),
      ['DROP TABLE users, audit_log', 'DROP COLUMN notes', 'TRUNCATE sessions'],
    );
    const messages = analysis.hazards.filter((hazard) => hazard.ruleId === 'migration-down-destroys-data').map((hazard) => hazard.message);
    assert.match(messages[0], /^This down migration drops table audit_log, which its up migration \(up\.sql\) did not create/);
    assert.match(messages[2], /^This down migration empties table sessions/);
    assert.strictEqual(analysis.findings.find((finding) => finding.ruleId === 'migration-down-destroys-data')?.severity, 'error');
  });

  it('without its up migration, every drop is reported, saying the up migration was not found', async () => {
    const analysis = await analyse('DROP TABLE users;\n', { role: 'down', counterpart: { name: '0004_users.up.sql', found: false } });
    const [hazard] = analysis.hazards.filter((h) => h.ruleId === 'migration-down-destroys-data');
    assert.match(
      hazard.message,
      /its up migration \(0004_users\.up\.sql\) was not found, so Stagegate cannot tell whether it created it: judged as data loss/,
    );
  });
});

describe('verify scripts and up migrations', () => {
  it('a sqitch verify script gets syntax errors, not schema-change hazards', async () => {
    const text = 'BEGIN;\nALTER TABLE widgets DROP COLUMN color;\nSELECT color FROM widgets WHERE FALSE\nROLLBACK;\nSELEC 1;\n';
    const verify = await analyse(text, { role: 'verify' });
    assert.deepStrictEqual([...new Set(verify.hazards.map((hazard) => hazard.ruleId))], ['migration-syntax-error']);
    const up = await analyse(text);
    assert.ok(up.hazards.some((hazard) => hazard.ruleId === 'migration-drops-column'));
  });

  it('migration-irreversible names the down migration its convention expects', async () => {
    const result = await checkFiles({
      '/w/sqitch/sqitch.plan': '%project=widgets\ndrop_color 2024-01-15T09:30:00Z Ada <ada@example.com> # Drop color\n',
      '/w/sqitch/deploy/drop_color.sql': 'ALTER TABLE widgets DROP COLUMN color;\n',
      '/w/db/migrations/2024-01-15-093000_drop_fax/up.sql': 'ALTER TABLE customers DROP COLUMN fax;\n',
      '/w/db/migration/V3__drop_fax.sql': 'ALTER TABLE customers DROP COLUMN fax;\n',
      '/w/db/dbmate/20240115_drop_fax.sql': '-- migrate:up\nALTER TABLE customers DROP COLUMN fax;\n-- migrate:down\n',
    });
    const messages = (path: string) => only(result[path], 'migration-irreversible').map((finding) => finding.message);
    assert.match(messages('/w/sqitch/deploy/drop_color.sql')[0], /no down migration \(revert\/drop_color\.sql\)/);
    assert.match(messages('/w/db/migrations/2024-01-15-093000_drop_fax/up.sql')[0], /no down migration \(down\.sql\)/);
    assert.match(messages('/w/db/dbmate/20240115_drop_fax.sql')[0], /no down migration \(-- migrate:down\)/);
    assert.deepStrictEqual(messages('/w/db/migration/V3__drop_fax.sql'), []);
  });
});

describe('pairs in a workspace', () => {
  it('a down migration is judged again when its up migration changes, appears or goes', async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'), { read: async () => undefined });
    const down = '/w/migrations/0002_plan.down.sql';
    const up = '/w/migrations/0002_plan.up.sql';
    const losses = async () => only((await workspace.check([down]))[0].findings, 'migration-down-destroys-data').map(at);
    workspace.setFile(down, 'ALTER TABLE accounts DROP COLUMN plan;\n');
    assert.deepStrictEqual(await losses(), ['migration-down-destroys-data@0:21-0:37']);
    workspace.setFile(up, 'ALTER TABLE accounts ADD COLUMN plan text;\n');
    assert.deepStrictEqual(await losses(), []);
    workspace.setFile(up, 'ALTER TABLE accounts ADD COLUMN tier text;\n');
    assert.deepStrictEqual(await losses(), ['migration-down-destroys-data@0:21-0:37']);
    workspace.setFile(up, 'ALTER TABLE accounts ADD COLUMN plan text;\n');
    workspace.removeFile(up);
    assert.deepStrictEqual(await losses(), ['migration-down-destroys-data@0:21-0:37']);
  });

  it('a Flyway undo script pairs with the versioned migration of its version, read from disk when not in the set', async () => {
    const disk: Record<string, string> = { '/w/db/migration/V2__add_tier.sql': 'ALTER TABLE customers ADD COLUMN tier text;\n' };
    const workspace = new Workspace(defaultConfig('2026-11-26'), { read: async (path) => disk[path] });
    workspace.setFile('/w/db/migration/U2__add_tier.sql', 'ALTER TABLE customers DROP COLUMN tier;\n');
    workspace.setFile('/w/db/migration/U2_0__drop_tier_again.sql', 'ALTER TABLE customers DROP COLUMN tier;\n');
    const reports = await workspace.check();
    assert.deepStrictEqual(only(reports[0].findings, 'migration-down-destroys-data'), []);
    // No V2_0__drop_tier_again.sql: the versioned migration of version 2 is looked for among the files checked.
    assert.deepStrictEqual(only(reports[1].findings, 'migration-down-destroys-data').map(at), ['migration-down-destroys-data@0:22-0:38']);
    workspace.setFile('/w/db/migration/V2__add_tier.sql', disk['/w/db/migration/V2__add_tier.sql']);
    assert.deepStrictEqual(only((await workspace.check())[1].findings, 'migration-down-destroys-data'), []);
  });
});
