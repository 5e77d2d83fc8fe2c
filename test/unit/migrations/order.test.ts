// The order of a folder's up migrations, as their tools run them, read from their names.

import * as assert from 'assert';
import { compareSlots, inRunOrder, migrationSlot } from '../../../src/engine/formats/migration-order';

/** The paths in the order their slots give (they must all have one). */
function ordered(paths: string[]): string[] {
  return [...paths].sort((a, b) => compareSlots(migrationSlot(a)!, migrationSlot(b)!));
}

describe('migrationSlot', () => {
  it('reads the set and the version of each layout', () => {
    const cases: [string, ReturnType<typeof migrationSlot>][] = [
      ['db/migrations/000003_add_email.up.sql', { set: 'db/migrations', version: ['3'], name: '000003_add_email.up.sql' }],
      ['db/migration/V1_10__add_email.sql', { set: 'db/migration', version: ['1', '10'], name: 'V1_10__add_email.sql' }],
      ['db/migration/V2.1.0__add_email.sql', { set: 'db/migration', version: ['2', '1'], name: 'V2.1.0__add_email.sql' }],
      [
        'db/migrations/20240115093000_add_email.sql',
        { set: 'db/migrations', version: ['20240115093000'], name: '20240115093000_add_email.sql' },
      ],
      [
        'migrations/2024-01-15-093000_add_email/up.sql',
        { set: 'migrations', version: ['2024', '1', '15', '93000'], name: '2024-01-15-093000_add_email/up.sql' },
      ],
      [
        'prisma/migrations/20240115093000_add_email/migration.sql',
        { set: 'prisma/migrations', version: ['20240115093000'], name: '20240115093000_add_email/migration.sql' },
      ],
      ['C:\\app\\migrations\\7.sql', { set: 'C:/app/migrations', version: ['7'], name: '7.sql' }],
    ];
    for (const [path, slot] of cases) assert.deepStrictEqual(migrationSlot(path), slot, path);
  });

  it('gives no slot to down migrations, verify scripts and names without a version', () => {
    for (const path of [
      'db/migrations/000003_add_email.down.sql',
      'migrations/2024-01-15-093000_add_email/down.sql',
      'db/migration/U3__add_email.sql',
      'db/migration/R__refresh_views.sql',
      'migrations/add_email.sql',
      'migrations/2fa_codes.sql',
      'migrations/up.sql',
    ])
      assert.strictEqual(migrationSlot(path), undefined, path);
  });
});

describe('compareSlots', () => {
  it('compares versions number by number, not by name', () => {
    assert.deepStrictEqual(ordered(['m/V1_10__c.sql', 'm/V1_2__b.sql', 'm/V1_1__a.sql', 'm/V2__d.sql', 'm/V1__z.sql']), [
      'm/V1__z.sql',
      'm/V1_1__a.sql',
      'm/V1_2__b.sql',
      'm/V1_10__c.sql',
      'm/V2__d.sql',
    ]);
    assert.deepStrictEqual(ordered(['m/10_b.sql', 'm/9_a.sql', 'm/100_c.sql']), ['m/9_a.sql', 'm/10_b.sql', 'm/100_c.sql']);
  });

  it('compares timestamps of any length exactly, and equal versions by name', () => {
    assert.deepStrictEqual(ordered(['m/20240115093000000001_b.sql', 'm/20240115093000000000_a.sql']), [
      'm/20240115093000000000_a.sql',
      'm/20240115093000000001_b.sql',
    ]);
    assert.deepStrictEqual(ordered(['m/0002_b.sql', 'm/2_a.sql']), ['m/0002_b.sql', 'm/2_a.sql']);
    // Flyway reads 1_1 and 1.1.0 as one version.
    assert.deepStrictEqual(migrationSlot('m/V1_1__a.sql')!.version, migrationSlot('m/V1.1.0__a.sql')!.version);
  });
});

describe('inRunOrder', () => {
  it('puts each set in version order in the places its migrations hold, and leaves other files where they are', () => {
    const given = [
      'db/V10__c.sql',
      'notes.sql',
      'db/V2__b.sql',
      'other/002_y.up.sql',
      'db/V1__a.sql',
      'other/001_x.up.sql',
      'other/001_x.down.sql',
    ];
    assert.deepStrictEqual(
      inRunOrder(given, (path) => path),
      ['db/V1__a.sql', 'notes.sql', 'db/V2__b.sql', 'other/001_x.up.sql', 'db/V10__c.sql', 'other/002_y.up.sql', 'other/001_x.down.sql'],
    );
  });
});
