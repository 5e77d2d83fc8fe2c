// Templated SQL: templates replaced character for character so statements parse and ranges stay the file's.

import * as assert from 'assert';
import { maskTemplates, restoreTemplates } from '../../../src/engine/sql/templates';
import { lines } from '../helpers';
import { analyse, covered, findingRanges, hazardRanges } from './helpers';

describe('maskTemplates', () => {
  it('leaves a file without template syntax alone, array literals and JSON included', () => {
    assert.strictEqual(maskTemplates('SELECT \'{{1,2},{3,4}}\'::int[], \'{"a": {"b": 1}}\'::jsonb, $1, $$ {x} $$;'), undefined);
    assert.strictEqual(maskTemplates('ALTER TABLE t DROP COLUMN c;'), undefined);
  });

  it('keeps the length and every line break; expressions become quoted names, tags and comments spaces', () => {
    const text = lines(
      '{# rendered by the deploy job #}',
      '{% if var("x") %}',
      'CREATE TABLE {{ .Schema }}.users_{{ .Suffix }} (id int DEFAULT ${default_id});',
      '{{- end }}',
      "COMMENT ON TABLE {{ .Schema }}.t IS 'owned by {{ .Team }}';",
      '{{/* a Go comment',
      'over two lines */}}',
    );
    const masked = maskTemplates(text)!;
    assert.strictEqual(masked.text.length, text.length);
    const blank = (line: number) => ' '.repeat(text.split('\n')[line].length);
    assert.deepStrictEqual(masked.text.split('\n'), [
      blank(0),
      blank(1),
      'CREATE TABLE "{ .Schema }"."users_{ .Suffix }" (id int DEFAULT "{default_id");',
      blank(3),
      'COMMENT ON TABLE "{ .Schema }".t IS \'owned by ___________\';',
      blank(5),
      blank(6),
      '',
    ]);
    assert.deepStrictEqual(
      masked.spans.map((span) => span.syntax),
      ['{# #}', '{% %}', '{{ }}', '{{ }}', '${ }', '{{ }}', '{{ }}', '{{ }}', '{{ }}'],
    );
    // A Jinja block closes only with a Jinja end tag: this one runs to the end of the file.
    assert.deepStrictEqual(masked.blocks, [{ start: text.indexOf('{% if'), end: Number.MAX_SAFE_INTEGER }]);
  });

  it('glues name characters and adjacent templates into one name, without its outer delimiters, quotes turned to backticks', () => {
    const text = 'DROP TABLE pre_{{ index .Options "Namespace" }}{{ .Suffix }}_old;';
    const masked = maskTemplates(text)!;
    assert.strictEqual(masked.text, 'DROP TABLE "pre_{ index .Options `Namespace` }}{{ .Suffix }_old";');
    assert.strictEqual(
      restoreTemplates('Dropping table pre_{ index .Options `Namespace` }}{{ .Suffix }_old', masked),
      `Dropping table ${text.slice(11, -1)}`,
    );
  });

  it('closes a Go block with {{ end }} and a Jinja block with its end tag', () => {
    const text = lines('{{ if .A }}', 'SELECT 1;', '{{ end }}', 'SELECT 2;', '{% for x in y %}', 'SELECT 3;', '{% endfor %}');
    const { blocks } = maskTemplates(text)!;
    assert.deepStrictEqual(
      blocks.map((block) => text.slice(block.start, block.end)),
      ['{{ if .A }}\nSELECT 1;\n{{ end }}', '{% for x in y %}\nSELECT 3;\n{% endfor %}'],
    );
  });
  it('reads a Jinja tag that spans lines, and a file of unclosed tags without rescanning to its end for each', () => {
    const text = lines('{%- set columns = [', "  'a', 'b'] %}", 'ALTER TABLE t DROP COLUMN c;');
    const masked = maskTemplates(text)!;
    const blank = (line: number) => ' '.repeat(text.split('\n')[line].length);
    assert.deepStrictEqual(masked.text.split('\n').slice(0, 2), [blank(0), blank(1)]);
    assert.strictEqual(masked.text.split('\n')[2], 'ALTER TABLE t DROP COLUMN c;');
    // 200,000 openers and no closer: one search for the closer, not one per opener (which would not finish).
    const unclosed = `SELECT 1; ${'{% x '.repeat(200_000)}`;
    assert.strictEqual(maskTemplates(unclosed), undefined);
  });
});

describe('templated migrations', () => {
  it('a real hazard in a templated file is found at its range in the file as written', async () => {
    const text = lines(
      '{# café ✓: multi-byte text before the statement #}',
      "SET lock_timeout = '2s';",
      'ALTER TABLE {{ index .Options "Namespace" }}.users DROP COLUMN legacy, ADD COLUMN {{ .Column }} text;',
    );
    const analysis = await analyse(text);
    assert.deepStrictEqual(hazardRanges(analysis, 'migration-syntax-error'), []);
    const [range] = hazardRanges(analysis, 'migration-drops-column');
    assert.strictEqual(covered(text, range), 'DROP COLUMN legacy');
    assert.match(
      analysis.hazards.find((h) => h.ruleId === 'migration-drops-column')!.message,
      /of \{\{ index \.Options "Namespace" \}\}\.users/,
    );
  });

  it('statements that still do not parse are counted once per file; a statement without a template keeps its syntax error', async () => {
    const text = lines(
      'CREATE TABLE {{ .Schema }}.notes (body varchar({{ .Length }}));',
      '{{ if eq .Dialect "mysql" }}',
      'ALTER TABLE notes MODIFY body text;',
      '{{ end }}',
      'ALTER TABLE notes ADD COLUMN x int DEFALT 0;',
    );
    const analysis = await analyse(text);
    assert.deepStrictEqual(
      findingRanges(analysis, 'migration-syntax-error').map((range) => covered(text, range)),
      ['DEFALT'],
    );
    const skipped = analysis.findings.filter((finding) => finding.ruleId === 'migration-statement-templated');
    assert.strictEqual(skipped.length, 1);
    assert.strictEqual(covered(text, findingRanges(analysis, 'migration-statement-templated')[0]), '{{ .Length }}');
    assert.match(skipped[0].message, /^2 statements written with template syntax \(\{\{ … \}\}\) do not read as PostgreSQL/);
    assert.match(skipped[0].message, /at or near "\{\{ \.Length \}\}"/);
    assert.match(skipped[0].message, /1 of them sits in a template's conditional block.*The other 1 statement is checked\.$/);
    assert.strictEqual(skipped[0].severity, 'info');
  });

  it('a dbmate file with skipped statements in both sections gets one finding counting both', async () => {
    const text = lines('-- migrate:up', '{{ create_table("a") }};', '', '-- migrate:down', '{{ drop_table("a") }};');
    const analysis = await analyse(text);
    const skipped = analysis.findings.filter((finding) => finding.ruleId === 'migration-statement-templated');
    assert.strictEqual(skipped.length, 1);
    assert.match(skipped[0].message, /^2 statements .* No statement of this file is checked\.$/);
  });

  it('Flyway placeholders in values and names parse', async () => {
    const analysis = await analyse(
      "INSERT INTO ${schema}.settings (k, v) VALUES ('region', ${region});\nGRANT SELECT ON ${schema}.settings TO ${role};\n",
    );
    assert.deepStrictEqual(
      analysis.hazards.map((hazard) => hazard.ruleId),
      [],
    );
    assert.strictEqual(analysis.statementCount, 2);
  });
});
