// The eugene corpus (test/unit/corpus.ts): each bad.sql raises its folder's hazard, each good.sql does not. The
// project's own fixtures (lock-rules and breaking-rules tests) cover the same hazards without the corpus.

import * as assert from 'assert';
import * as fs from 'fs';
import { analyseMigrationSections, splitMigrationSections } from '../../../src/engine/workspace/migration-sections';
import { corpusPath, describeCorpus } from '../corpus';
import { config } from './helpers';

const EXPECTED: Record<string, string> = {
  E1: 'migration-constraint-not-valid-missing',
  E2: 'migration-sets-not-null',
  E4: 'migration-work-after-lock',
  E5: 'migration-changes-column-type',
  E6: 'migration-index-not-concurrent',
  E7: 'migration-adds-unique-constraint',
};

async function ruleIds(file: string): Promise<string[]> {
  const text = fs.readFileSync(corpusPath('eugene', file), 'utf8');
  const sections = await analyseMigrationSections(text, { config: config() });
  return sections.flatMap(({ analysis }) => [
    ...analysis.hazards.map((h) => h.ruleId),
    ...(analysis.hazards.some((h) => h.ruleId === 'migration-syntax-error') ? ['unexpected syntax error'] : []),
  ]);
}

describeCorpus('eugene corpus', () => {
  for (const [folder, ruleId] of Object.entries(EXPECTED)) {
    it(`${folder}/bad.sql raises ${ruleId}`, async () => {
      assert.ok((await ruleIds(`${folder}/bad.sql`)).includes(ruleId));
    });

    it(`${folder}/good.sql does not raise ${ruleId}`, async () => {
      const ids = await ruleIds(`${folder}/good.sql`);
      assert.ok(!ids.includes(ruleId), ids.join(', '));
      assert.ok(!ids.includes('unexpected syntax error'));
    });
  }

  it('splits a file into its -- N.sql sections, each starting at its header', () => {
    const text = fs.readFileSync(corpusPath('eugene', 'E1', 'good.sql'), 'utf8');
    const sections = splitMigrationSections(text);
    assert.deepStrictEqual(
      sections.map((s) => s.name),
      ['1.sql', '2.sql', '3.sql'],
    );
    for (const section of sections) assert.ok(text.startsWith(`-- ${section.name}`, section.start));
    assert.strictEqual(sections[2].end, text.length);
  });

  it('a table created in an earlier section is an existing table in later ones; in the same section it is not', async () => {
    const sectioned = '-- 1.sql\nCREATE TABLE t (id int);\n\n-- 2.sql\nCREATE INDEX t_id ON t (id);\n';
    const [first, second] = await analyseMigrationSections(sectioned, { config: config() });
    assert.deepStrictEqual(first.analysis.hazards, []);
    assert.deepStrictEqual(second.analysis.schemaAfter.tables, ['t']);
    assert.deepStrictEqual(
      second.analysis.hazards.filter((h) => h.ruleId === 'migration-index-not-concurrent').map((h) => h.range.start.line),
      [4],
    );
  });
});
