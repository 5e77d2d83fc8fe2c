// Half-typed and garbled SQL is normal input in an editor: the analysis must answer, with ranges inside the text.

import * as assert from 'assert';
import fc from 'fast-check';
import { maskTemplates } from '../../../src/engine/sql/templates';
import { LineIndex } from '../../../src/engine/text/line-index';
import { analyse, readFixture } from './helpers';

const SEED = 20250101;

/** Pieces that stress the splitter and the byte/UTF-16 conversion when shuffled together. */
const FRAGMENTS = [
  'ALTER TABLE orders',
  ' DROP COLUMN total',
  ' ADD COLUMN x int NOT NULL',
  ', ALTER COLUMN y TYPE bigint',
  ' RENAME TO t2',
  'CREATE INDEX i ON orders (a)',
  'CREATE INDEX CONCURRENTLY j ON orders (b)',
  'DROP TABLE t',
  'BEGIN',
  'COMMIT',
  'SET lock_timeout = 0',
  "SET LOCAL lock_timeout = '1s'",
  'ADD CONSTRAINT c CHECK (x IS NOT NULL)',
  ' NOT VALID',
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql',
  ' BEGIN ATOMIC',
  ' END',
  ' CASE',
  ';',
  ';',
  ';',
  '\n',
  '\r\n',
  ' ',
  '(',
  ')',
  "'",
  "''",
  "E'\\'",
  '"',
  '$$',
  '$t$',
  '--',
  '/*',
  '*/',
  'é',
  '🚀',
  '中',
  '\u0000',
  'DEFALT',
  ',',
  '{{ .Schema }}',
  '{{ index .Options "Namespace" }}',
  '{{ if .A }}',
  '{{ end }}',
  '{{',
  '}}',
  '{% if x %}',
  '{% endif %}',
  '{# c #}',
  '${p}',
  '\n-- migrate:up\n',
  '\n-- migrate:down\n',
];

const FIXTURES = ['drops-column.sql', 'dollar-quoted.sql', 'comments.sql', 'multibyte.sql', 'explicit-transactions.sql'];

function assertInside(
  text: string,
  ranges: { start: { line: number; character: number }; end: { line: number; character: number } }[],
): void {
  const lines = new LineIndex(text);
  for (const range of ranges) {
    for (const position of [range.start, range.end]) {
      assert.ok(position.line < lines.lineCount, `line ${position.line} outside ${lines.lineCount} lines`);
      assert.ok(position.character <= lines.lineText(position.line).length, `character ${position.character} past line ${position.line}`);
    }
    assert.ok(
      range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character),
      'range ends before it starts',
    );
  }
}

describe('analyseMigration on arbitrary input', () => {
  it(`never throws and keeps every range inside the text (fast-check seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), async (pieces) => {
        const text = pieces.join('');
        const analysis = await analyse(text, { counterpart: { name: 'x.down.sql', found: false }, fileName: 'x.up.sql' });
        assertInside(
          text,
          analysis.hazards.map((h) => h.range),
        );
        const masked = maskTemplates(text);
        if (masked)
          assert.deepStrictEqual(
            [masked.text.length, masked.text.split(/\r\n|\r|\n/).length],
            [text.length, text.split(/\r\n|\r|\n/).length],
          );
        const down = await analyse(text, {
          role: 'down',
          counterpart: { name: 'x.up.sql', found: true, created: { tables: [], columns: [] } },
        });
        assertInside(
          text,
          down.hazards.map((h) => h.range),
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`survives any cut of the fixtures, as while typing (fast-check seed ${SEED})`, async () => {
    const texts = FIXTURES.map(readFixture);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: texts.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (which, fraction) => {
        const text = texts[which].slice(0, Math.floor(texts[which].length * fraction));
        const analysis = await analyse(text);
        assertInside(
          text,
          analysis.hazards.map((h) => h.range),
        );
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
