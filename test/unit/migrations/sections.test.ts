// Sectioned migration files (one `-- N.sql` header per migration, run in order): each bad file raises its rule in
// the section that does the harm; each good file, which reaches the same schema the safe way, raises nothing.
import * as assert from 'assert';
import { readdirSync } from 'fs';
import * as path from 'path';
import { FIXTURES } from '../helpers';
import { config, readFixture } from './helpers';
import { analyseMigrationSections, splitMigrationSections } from './sections';

const HAZARDS = [
  'migration-constraint-not-valid-missing',
  'migration-sets-not-null',
  'migration-work-after-lock',
  'migration-changes-column-type',
  'migration-index-not-concurrent',
  'migration-adds-unique-constraint',
];

async function hazards(name: string): Promise<{ ruleId: string; section: string }[]> {
  const sections = await analyseMigrationSections(readFixture(`sections/${name}`), { config: config() });
  return sections.flatMap(({ section, analysis }) => analysis.hazards.map((hazard) => ({ ruleId: hazard.ruleId, section: section.name })));
}

describe('sectioned migration files', () => {
  it('hold one bad and one good file per hazard', () => {
    const names = readdirSync(path.join(FIXTURES, 'migrations', 'sections')).sort();
    assert.deepStrictEqual(
      names,
      HAZARDS.flatMap((id) => [`${id.replace('migration-', '')}.bad.sql`, `${id.replace('migration-', '')}.good.sql`]).sort(),
    );
  });

  for (const ruleId of HAZARDS) {
    const name = ruleId.replace('migration-', '');
    it(`${name}.bad.sql raises ${ruleId} in its last section`, async () => {
      const found = await hazards(`${name}.bad.sql`);
      const sections = splitMigrationSections(readFixture(`sections/${name}.bad.sql`));
      assert.ok(
        found.some((hazard) => hazard.ruleId === ruleId && hazard.section === sections[sections.length - 1].name),
        JSON.stringify(found),
      );
    });

    it(`${name}.good.sql raises nothing`, async () => {
      assert.deepStrictEqual(await hazards(`${name}.good.sql`), []);
    });
  }

  it('splits a file into its -- N.sql sections, each starting at its header', () => {
    const text = readFixture('sections/sets-not-null.good.sql');
    const sections = splitMigrationSections(text);
    assert.deepStrictEqual(
      sections.map((section) => section.name),
      ['1.sql', '2.sql', '3.sql', '4.sql'],
    );
    for (const section of sections) assert.ok(text.startsWith(`-- ${section.name}`, section.start));
    assert.strictEqual(sections[3].end, text.length);
  });

  it('a table created in an earlier section is an existing table in later ones; in the same section it is not', async () => {
    const sectioned = '-- 1.sql\nCREATE TABLE t (id int);\n\n-- 2.sql\nCREATE INDEX t_id ON t (id);\n';
    const [first, second] = await analyseMigrationSections(sectioned, { config: config() });
    assert.deepStrictEqual(first.analysis.hazards, []);
    assert.deepStrictEqual(second.analysis.schemaAfter.tables, ['t']);
    assert.deepStrictEqual(
      second.analysis.hazards
        .filter((hazard) => hazard.ruleId === 'migration-index-not-concurrent')
        .map((hazard) => hazard.range.start.line),
      [4],
    );
  });
});
