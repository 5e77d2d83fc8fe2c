// The eugene corpus (test/unit/corpus.ts): each bad.sql raises its folder's hazard, each good.sql does not. The
// project's own sectioned fixtures (sections.test.ts) cover the same hazards without the corpus.

import * as assert from 'assert';
import * as fs from 'fs';
import { analyseMigrationSections } from './sections';
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
});
