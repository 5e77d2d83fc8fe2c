// The statement splitter: semicolons hidden in literals, comments and function bodies do not split.

import * as assert from 'assert';
import { splitStatements } from '../../../src/engine/sql/split';

function pieces(text: string): string[] {
  return splitStatements(text).map((span) => text.slice(span.start, span.end));
}

describe('splitStatements', () => {
  it('splits at top-level semicolons and leaves the semicolon and surrounding whitespace out', () => {
    assert.deepStrictEqual(pieces('SELECT 1;\n  SELECT 2 ;SELECT 3'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('excludes leading and trailing comments from a statement', () => {
    assert.deepStrictEqual(pieces('-- one; two\n/* three; */ SELECT 1 /* four; */ -- five;\n;'), ['SELECT 1']);
  });

  it('drops pieces that hold only comments or nothing', () => {
    assert.deepStrictEqual(pieces(';;\n-- only a comment;\n/* and; another */;'), []);
  });

  it('keeps semicolons inside quoted strings, escape strings and quoted identifiers', () => {
    const text = `SELECT 'a;''b', E'c\\';d', "e;""f";SELECT 2`;
    assert.deepStrictEqual(pieces(text), [`SELECT 'a;''b', E'c\\';d', "e;""f"`, 'SELECT 2']);
  });

  it('keeps semicolons inside dollar-quoted bodies, with or without a tag', () => {
    const text = 'CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN; RETURN 1; END; $fn$ LANGUAGE plpgsql;DO $$ BEGIN; END $$;';
    assert.deepStrictEqual(pieces(text), [
      'CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN; RETURN 1; END; $fn$ LANGUAGE plpgsql',
      'DO $$ BEGIN; END $$',
    ]);
  });

  it('does not take a $1 parameter or an identifier containing $ for a dollar quote', () => {
    assert.deepStrictEqual(pieces('PREPARE p AS SELECT $1; SELECT a$b$ FROM t;'), ['PREPARE p AS SELECT $1', 'SELECT a$b$ FROM t']);
  });

  it('keeps nested block comments whole', () => {
    assert.deepStrictEqual(pieces('/* a /* b; */ c; */ SELECT 1;'), ['SELECT 1']);
  });

  it('keeps a BEGIN ATOMIC function body whole, CASE ... END included', () => {
    const body =
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END';
    assert.deepStrictEqual(pieces(`${body};BEGIN;COMMIT;`), [body, 'BEGIN', 'COMMIT']);
  });

  it('does not split inside parentheses', () => {
    assert.deepStrictEqual(pieces('CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);SELECT 3'), [
      'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)',
      'SELECT 3',
    ]);
  });

  it('runs an unterminated string or comment to the end, so the parser reports it', () => {
    assert.deepStrictEqual(pieces("SELECT 1; SELECT 'oops; SELECT 2;"), ['SELECT 1', "SELECT 'oops; SELECT 2;"]);
    assert.deepStrictEqual(pieces('SELECT 1 /* oops; SELECT 2;'), ['SELECT 1 /* oops; SELECT 2;']);
  });

  it('splits only inside the requested span', () => {
    const text = 'SELECT 0; SELECT 1; SELECT 2;';
    assert.deepStrictEqual(splitStatements(text, 9, 19), [{ start: 10, end: 18 }]);
  });
});
