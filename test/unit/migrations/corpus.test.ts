// The eugene corpus (test/unit/corpus.ts) through the CLI: each example file is split into one migration per `-- N.sql`
// section in a temporary folder, and the folder is checked as a repository's migrations are. Each bad.sql raises its
// folder's hazard, each good.sql does not. The project's own folders (cli-migration-folders.test.ts) cover the same
// hazards without the corpus.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { PlacedFinding } from '../../../src/engine/finding';
import { corpusPath, describeCorpus } from '../corpus';
import { runCli } from '../helpers';
import { writeSections } from './sections';

const EXPECTED: Record<string, string> = {
  E1: 'migration-constraint-not-valid-missing',
  E2: 'migration-sets-not-null',
  E4: 'migration-work-after-lock',
  E5: 'migration-changes-column-type',
  E6: 'migration-index-not-concurrent',
  E7: 'migration-adds-unique-constraint',
};

/** `check --format json` over the file's sections, each its own migration. */
async function checkSplit(file: string): Promise<{ sections: string[]; rows: PlacedFinding[] }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagegate-eugene-'));
  try {
    const sections = writeSections(fs.readFileSync(corpusPath('eugene', file), 'utf8'), folder);
    const { code, stdout, stderr } = await runCli(['check', '.', '--format', 'json'], folder);
    assert.notStrictEqual(code, 2, stderr);
    return { sections, rows: JSON.parse(stdout) as PlacedFinding[] };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describeCorpus('eugene corpus, through the CLI', () => {
  for (const [folder, ruleId] of Object.entries(EXPECTED)) {
    it(`${folder}/bad.sql raises ${ruleId} in its last migration`, async () => {
      const { sections, rows } = await checkSplit(`${folder}/bad.sql`);
      assert.ok(sections.length > 1, sections.join());
      const last = sections[sections.length - 1];
      assert.ok(
        rows.some((row) => row.ruleId === ruleId && row.file === last),
        rows.map((row) => `${row.file} ${row.ruleId}`).join('\n'),
      );
    });

    it(`${folder}/good.sql does not raise ${ruleId}`, async () => {
      const { rows } = await checkSplit(`${folder}/good.sql`);
      const ids = rows.map((row) => `${row.file} ${row.ruleId}`);
      assert.ok(!rows.some((row) => row.ruleId === ruleId || row.ruleId === 'migration-syntax-error'), ids.join('\n'));
    });
  }
});
