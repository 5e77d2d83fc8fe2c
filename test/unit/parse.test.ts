import * as assert from 'assert';
import { parseSourceFile, locate } from '../../src/engine/parse/source-file';
import { LineIndex, utf8ToUtf16Offsets } from '../../src/engine/text/line-index';
import { MAX_FILE_BYTES } from '../../src/engine/limits';
import { at, checkOne, lines } from './helpers';

describe('parsing with source ranges', () => {
  it('locates a value, its key, and an empty value at its key', () => {
    const text = lines('stages:', '  - name: a', '    weight:', '  - name: b', '    weight: 5');
    const file = parseSourceFile('p.release.yaml', text);
    const doc = file.documents[0];
    assert.deepStrictEqual(locate(file, doc, ['stages', 1, 'weight']).value, {
      start: { line: 4, character: 12 },
      end: { line: 4, character: 13 },
    });
    assert.deepStrictEqual(locate(file, doc, ['stages', 1, 'weight']).key, {
      start: { line: 4, character: 4 },
      end: { line: 4, character: 10 },
    });
    assert.deepStrictEqual(locate(file, doc, ['stages', 0, 'weight']).value, {
      start: { line: 2, character: 4 },
      end: { line: 2, character: 10 },
    });
  });

  it('stops at the deepest existing node for a path that leads nowhere', () => {
    const file = parseSourceFile('p.release.yaml', lines('metadata:', '  name: x'));
    const located = locate(file, file.documents[0], ['metadata', 'owner']);
    assert.strictEqual(located.depth, 1);
    assert.deepStrictEqual(located.key, { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } });
  });

  it('reports a YAML syntax error at its position and still parses the other documents', () => {
    const text = lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags: [a, b', '---', 'kind: FlagSet');
    const file = parseSourceFile('x.flags.yaml', text);
    assert.strictEqual(file.documents.length, 2);
    assert.ok(file.problems.some((problem) => problem.kind === 'syntax-error' && problem.range.start.line >= 2));
    assert.deepStrictEqual(file.documents[1].value, { kind: 'FlagSet' });
  });

  it('parses JSON with the same ranges', () => {
    const text = '{\n  "apiVersion": "stagegate.dev/v1",\n  "stages": [{ "weight": 5 }]\n}\n';
    const file = parseSourceFile('p.release.json', text);
    assert.deepStrictEqual(locate(file, file.documents[0], ['stages', 0, 'weight']).value, {
      start: { line: 2, character: 25 },
      end: { line: 2, character: 26 },
    });
  });

  it('finds duplicate keys in one pass, with both ranges', () => {
    const file = parseSourceFile('x.yaml', lines('a: 1', 'b:', '  c: 1', '  c: 2'));
    assert.strictEqual(file.documents[0].duplicateKeys.length, 1);
    const duplicate = file.documents[0].duplicateKeys[0];
    assert.deepStrictEqual(duplicate.parent, ['b']);
    assert.deepStrictEqual(
      [duplicate.firstRange.start, duplicate.duplicateRange.start],
      [
        { line: 2, character: 2 },
        { line: 3, character: 2 },
      ],
    );
  });

  it('refuses a file above the size limit: no parse, and a file-too-large finding', async () => {
    const text = '#'.repeat(MAX_FILE_BYTES + 1);
    const file = parseSourceFile('big.flags.yaml', text);
    assert.deepStrictEqual(file.problems, []);
    assert.strictEqual(file.documents.length, 0);
    assert.deepStrictEqual((await checkOne('big.flags.yaml', text)).map(at), ['file-too-large@0:0-0:5242881']);
  });

  it('stops alias bombs with a yaml-alias-limit finding', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill('*' + 'abcdefghij'[i - 1])
          .join(',')}]`,
      );
    const file = parseSourceFile('bomb.flags.yaml', lines(...bomb));
    assert.ok(file.problems.some((problem) => problem.kind === 'yaml-alias-limit'));
  });

  it('refuses 10,000 levels of nesting with nesting-too-deep instead of overflowing the stack', () => {
    const file = parseSourceFile('deep.release.yaml', 'a: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n');
    assert.deepStrictEqual(
      file.problems.map((problem) => problem.kind),
      ['nesting-too-deep'],
    );
  });
});

describe('positions', () => {
  it('counts characters in UTF-16 and keeps \\r out of line content', () => {
    const index = new LineIndex('a: é😀\r\nb: 1\r\n');
    assert.deepStrictEqual(index.positionAt(9), { line: 1, character: 1 });
    assert.strictEqual(index.lineText(0), 'a: é😀');
  });

  it('maps UTF-8 byte offsets to UTF-16 offsets across multi-byte characters', () => {
    const text = 'é😀x';
    const toUtf16 = utf8ToUtf16Offsets(text);
    assert.strictEqual(toUtf16(0), 0);
    assert.strictEqual(toUtf16(2), 1); // after é (2 bytes)
    assert.strictEqual(toUtf16(6), 3); // after 😀 (4 bytes, 2 code units)
    assert.strictEqual(toUtf16(7), 4);
  });
});

describe('checking a half-typed file', () => {
  it('still reports schema findings in the parts that parse', async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata:',
      '  name: x',
      '  service: y',
      '  owner: z',
      'stages:',
      '  - name: a',
      '    weight: 500',
      '  - name: [b',
    );
    const findings = await checkOne('p.release.yaml', text);
    assert.ok(findings.some((finding) => finding.ruleId === 'syntax-error'));
    assert.ok(
      findings.some((finding) => at(finding) === 'schema@8:12-8:15'),
      findings.map(at).join(', '),
    );
  });
});
