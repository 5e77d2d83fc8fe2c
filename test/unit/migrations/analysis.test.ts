// The analysis as a whole: statements, parse errors, UTF-8 offsets, configuration, suppressions and the API.

import * as assert from 'assert';
import { MAX_SQL_STATEMENT_BYTES } from '../../../src/engine/limits';
import { ruleMetas } from '../../../src/engine/catalogue';
import { loadSqlParser } from '../../../src/engine/sql/parser';
import { analyse, config, covered, findingRanges, firstHazard, hazardRanges, readFixture } from './helpers';

const RULE_IDS = [
  'migration-syntax-error',
  'migration-statement-too-large',
  'migration-drops-column',
  'migration-drops-table',
  'migration-renames-column',
  'migration-renames-table',
  'migration-changes-column-type',
  'migration-adds-required-column',
  'migration-sets-not-null',
  'migration-index-not-concurrent',
  'migration-constraint-not-valid-missing',
  'migration-adds-unique-constraint',
  'migration-concurrent-in-transaction',
  'migration-missing-lock-timeout',
  'migration-work-after-lock',
  'migration-irreversible',
  'migration-down-destroys-data',
  'migration-statement-templated',
  'migration-adds-volatile-default',
  'migration-adds-exclusion-constraint',
  'migration-primary-key-sets-not-null',
  'migration-domain-constraint-not-valid-missing',
  'migration-enum-value-added',
  'migration-transaction-unbalanced',
  'migration-int-primary-key',
  'migration-reindex-not-concurrent',
  'migration-detach-partition-not-concurrent',
  'migration-rewrites-table',
  'migration-truncates-table',
  'migration-drops-database',
  'migration-drops-not-null',
  'migration-statement-not-retryable',
];

describe('analyseMigration', () => {
  it('declares one rule per id, each with a default severity and a summary', () => {
    const migrationRules = ruleMetas().filter((meta) => meta.reads.includes('sql-migration'));
    assert.deepStrictEqual(
      migrationRules.map((rule) => rule.id),
      [...RULE_IDS].sort(),
    );
    for (const rule of migrationRules)
      assert.ok(rule.summary.length > 0 && ['error', 'warning', 'info'].includes(rule.defaultSeverity), rule.id);
  });

  it('loads the parser once, however often it is asked', async () => {
    const first = loadSqlParser();
    assert.strictEqual(loadSqlParser(), first);
    await first;
  });

  it('a syntax error in the middle of a file is reported at the offending token and later statements are still checked', async () => {
    const text = readFixture('syntax-error.sql');
    const analysis = await analyse(text);
    const ranges = hazardRanges(analysis, 'migration-syntax-error');
    assert.deepStrictEqual(ranges, [[1, 47, 1, 53]]);
    assert.strictEqual(covered(text, ranges[0]), 'DEFALT');
    assert.match(firstHazard(analysis, 'migration-syntax-error').message, /syntax error at or near "DEFALT"/);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[2, 19, 2, 36]]);
    assert.strictEqual(analysis.statementCount, 3);
  });

  it('a statement cut short is reported at its last token', async () => {
    const analysis = await analyse('ALTER TABLE orders ADD COLUMN;\nALTER TABLE orders DROP COLUMN total;');
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-syntax-error'), [[0, 23, 0, 29]]);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[1, 19, 1, 36]]);
  });

  it('an unterminated string is reported from its opening quote to the end of that line', async () => {
    const analysis = await analyse("ALTER TABLE orders DROP COLUMN total;\nSELECT 'oops;\nDROP TABLE orders;");
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-syntax-error'), [[1, 7, 1, 13]]);
    assert.match(firstHazard(analysis, 'migration-syntax-error').message, /unterminated quoted string/);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[0, 19, 0, 36]]);
  });

  it('semicolons inside dollar-quoted bodies and BEGIN ATOMIC bodies do not split statements', async () => {
    const analysis = await analyse(readFixture('dollar-quoted.sql'));
    assert.strictEqual(analysis.statementCount, 4);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-syntax-error'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[12, 19, 12, 36]]);
  });

  it('semicolons inside -- and /* */ comments do not split statements, and ranges exclude the comments', async () => {
    const text = readFixture('comments.sql');
    const analysis = await analyse(text);
    assert.strictEqual(analysis.statementCount, 1);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[3, 22, 3, 39]]);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-missing-lock-timeout'), [[3, 3, 3, 39]]);
    assert.strictEqual(covered(text, [3, 3, 3, 39]), 'ALTER TABLE orders DROP COLUMN total');
  });

  it('ranges count UTF-16 units after multi-byte characters on earlier lines and before the statement on its line', async () => {
    const text = readFixture('multibyte.sql');
    const analysis = await analyse(text);
    const statement: [number, number, number, number] = [1, 11, 1, 49];
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-missing-lock-timeout'), [statement]);
    assert.strictEqual(covered(text, statement), 'ALTER TABLE "café" DROP COLUMN "naïve"');
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[1, 30, 1, 49]]);
    assert.strictEqual(covered(text, [1, 30, 1, 49]), 'DROP COLUMN "naïve"');
  });

  it('a syntax error after multi-byte characters is placed in UTF-16 units', async () => {
    const text = "SELECT '🚀é' AS x; ALTER TABLE é ADD COLUMN b int DEFALT 0;";
    const analysis = await analyse(text);
    // In UTF-8 bytes DEFALT starts at 54 (🚀 is 4 bytes, each é 2); editors count 50 UTF-16 units.
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-syntax-error'), [[0, 50, 0, 56]]);
    assert.strictEqual(covered(text, [0, 50, 0, 56]), 'DEFALT');
  });

  it('a suppression comment drops the finding on the next line but keeps the hazard', async () => {
    const analysis = await analyse(readFixture('suppressed.sql'));
    assert.deepStrictEqual(findingRanges(analysis, 'migration-drops-column'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[2, 19, 2, 36]]);
    assert.strictEqual(firstHazard(analysis, 'migration-drops-column').breaksOldVersion, true);
  });

  it('configuration overrides a severity, and off drops the finding but keeps the hazard', async () => {
    const text = "SET lock_timeout = '2s';\nALTER TABLE orders DROP COLUMN total;\nCREATE INDEX i ON orders (x);";
    const analysis = await analyse(text, {
      config: config({ 'migration-drops-column': { severity: 'warning' }, 'migration-index-not-concurrent': { severity: 'off' } }),
    });
    assert.strictEqual(analysis.findings.find((f) => f.ruleId === 'migration-drops-column')?.severity, 'warning');
    assert.deepStrictEqual(findingRanges(analysis, 'migration-index-not-concurrent'), []);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-index-not-concurrent'), [[2, 0, 2, 28]]);
  });

  it('findings come sorted by position', async () => {
    const analysis = await analyse(readFixture('drops-column.sql'));
    const starts = analysis.findings.map((f) => f.range.start.line * 1000 + f.range.start.character);
    assert.deepStrictEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
  });

  it('only breaking hazards are marked as breaking the old version', async () => {
    const analysis = await analyse(readFixture('index-not-concurrent.sql'));
    assert.ok(analysis.hazards.length > 0);
    assert.ok(analysis.hazards.every((h) => !h.breaksOldVersion));
  });

  it('an empty file or one holding only comments has no statements and no findings', async () => {
    for (const text of ['', '-- nothing yet\n/* still nothing; */\n']) {
      const analysis = await analyse(text);
      assert.deepStrictEqual([analysis.statementCount, analysis.hazards.length], [0, 0]);
    }
  });

  it(`a statement over ${MAX_SQL_STATEMENT_BYTES} bytes is reported, not parsed, and the rest is still checked`, async () => {
    const huge = `INSERT INTO blobs VALUES ('${'x'.repeat(MAX_SQL_STATEMENT_BYTES)}')`;
    const analysis = await analyse(`${huge};\nALTER TABLE orders DROP COLUMN total;`);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-statement-too-large'), [[0, 0, 0, huge.length]]);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-drops-column'), [[1, 19, 1, 36]]);
  });
});
