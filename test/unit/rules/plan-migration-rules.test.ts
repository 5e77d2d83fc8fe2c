import * as assert from 'assert';
import { at, checkFiles, lines, only } from '../helpers';

const PLAN = (migrations: string[], lastWeight = 100) =>
  lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: a, service: b, owner: c }',
    'migrations:',
    ...migrations,
    'stages:',
    '  - name: canary',
    '    weight: 5',
    '    duration: 1h',
    '    gates: [{ metric: errorRate, maxIncrease: 50% }]',
    '  - name: last',
    `    weight: ${lastWeight}`,
  );

describe('plan migration rules', () => {
  it('plan-migration-not-rollback-safe: an expand migration that drops a column is an error on the plan entry, pointing at the statement', async () => {
    const sql = lines('-- drop the old column', 'ALTER TABLE orders DROP COLUMN legacy_total;');
    const result = await checkFiles({
      '/w/p.release.yaml': PLAN(['  - file: migrations/1.sql', '    phase: expand']),
      '/w/migrations/1.sql': sql,
    });
    const findings = only(result['/w/p.release.yaml'], 'plan-migration-not-rollback-safe');
    assert.deepStrictEqual(findings.map(at), ['plan-migration-not-rollback-safe@4:10-4:26']);
    assert.match(findings[0].message, /breaks the old version \(drops column\)\. Split it: expand now/);
    assert.deepStrictEqual(
      findings[0].related?.map((related) => `${related.file}:${related.range.start.line}`),
      ['/w/migrations/1.sql:1'],
    );
    assert.deepStrictEqual(only(result['/w/migrations/1.sql'], 'migration-drops-column').map(at), ['migration-drops-column@1:19-1:43']);
  });

  it('an entry without phase counts as expand', async () => {
    const result = await checkFiles({
      '/w/p.release.yaml': PLAN(['  - file: migrations/1.sql']),
      '/w/migrations/1.sql': 'ALTER TABLE orders RENAME COLUMN a TO b;\n',
    });
    assert.strictEqual(only(result['/w/p.release.yaml'], 'plan-migration-not-rollback-safe').length, 1);
  });

  it('an additive expand migration is fine', async () => {
    const result = await checkFiles({
      '/w/p.release.yaml': PLAN(['  - file: migrations/1.sql']),
      '/w/migrations/1.sql': "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n",
    });
    assert.deepStrictEqual(only(result['/w/p.release.yaml'], 'plan-migration-not-rollback-safe'), []);
  });

  it('a contract migration must be declared to run after the rollout', async () => {
    const sql = 'ALTER TABLE orders DROP COLUMN legacy_total;\n';
    const early = await checkFiles({
      '/w/p.release.yaml': PLAN(['  - file: migrations/2.sql', '    phase: contract']),
      '/w/migrations/2.sql': sql,
    });
    assert.deepStrictEqual(only(early['/w/p.release.yaml'], 'plan-migration-not-rollback-safe').map(at), [
      'plan-migration-not-rollback-safe@5:11-5:19',
    ]);
    const late = await checkFiles({
      '/w/p.release.yaml': PLAN(['  - file: migrations/2.sql', '    phase: contract', '    runs: after-rollout']),
      '/w/migrations/2.sql': sql,
    });
    assert.deepStrictEqual(only(late['/w/p.release.yaml'], 'plan-migration-not-rollback-safe'), []);
  });

  it('plan-migration-missing: a file that does not exist is an error at the path', async () => {
    const result = await checkFiles({ '/w/p.release.yaml': PLAN(['  - file: migrations/none.sql']) });
    assert.deepStrictEqual(only(result['/w/p.release.yaml'], 'plan-migration-missing').map(at), ['plan-migration-missing@4:10-4:29']);
  });
});
