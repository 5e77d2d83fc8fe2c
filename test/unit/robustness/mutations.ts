// Edits a fuzzer applies to real files: what typing, pasting, bad merges and bad tools do to plans, flag sets and SQL.

import fc from 'fast-check';
import { splitLines } from './harness';

type Mutation = (text: string) => string;

/** A mutation that prints as what it does, so fast-check's counterexamples read as edits. */
function named(description: string, edit: Mutation): Mutation {
  return Object.assign(edit, { [fc.toStringMethod]: () => description, toString: () => description });
}

/** Values in the wrong type, out of range or unrepresentable, as someone might type them after `key: `. */
export const HOSTILE_SCALARS = [
  '-1',
  '0',
  '-0',
  '101',
  '1e309',
  '-1e309',
  '1e-400',
  '99999999999999999999999999',
  '9007199254740993',
  '0x7fffffff',
  '0o777',
  '1_000',
  '.nan',
  '.NaN',
  'NaN',
  '"NaN"',
  '.inf',
  '-.inf',
  'Infinity',
  '-Infinity',
  "'Infinity'",
  '~',
  'null',
  'Null',
  'true',
  'yes',
  'no',
  'on',
  'off',
  '""',
  "''",
  '[]',
  '{}',
  '[1, 2]',
  '{a: 1}',
  '- x',
  '|',
  '>-',
  '!!binary aGVsbG8=',
  '!!int "x"',
  '!!float abc',
  '!!str 1',
  '!!map {}',
  '!!seq []',
  '!!timestamp 2020-01-01',
  '!<tag:x> y',
  '&anchor x',
  '*anchor',
  '*undefined',
  '<<: *x',
  '2027-13-45',
  '2027-02-30',
  '0000-00-00',
  '-5%',
  '150%',
  '1e2%',
  '%',
  '5m5m',
  '0s',
  '-1h',
  '99999999h',
  '1.5.5',
  '"\\u0000"',
  '"\\ud800"',
  '"\\x00"',
  '__proto__',
  'constructor',
  'toString',
  'kpi:',
  'kpi:__proto__',
  'errorRate',
  '"\u202eevil"',
  '"שלום"',
  '"مرحبا"',
  '"😀"',
  '"e\u0301"',
];

/** Characters that mean something to YAML, JSON or SQL, invisible ones, and text from other scripts. */
export const HOSTILE_CHARACTERS = [
  ':',
  '-',
  '?',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '\\',
  ';',
  '$',
  '$$',
  '--',
  '/*',
  '*/',
  '(',
  ')',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2066',
  'שלום',
  'مرحبا',
  '中文',
  '😀',
  '👩‍👩‍👧',
  'e\u0301',
  '\ud800',
  '\udc00',
];

const nat = (max: number) => fc.nat({ max });

/** The element a fraction in [0, 1] picks among `count` (the last one for 1). */
const pick = (where: number, count: number) => Math.min(count - 1, Math.floor(where * count));

/** Replaces the character at a relative position with another character or short string. */
const replaceCharacter = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...HOSTILE_CHARACTERS), fc.boolean())
  .map(([where, replacement, insert]): Mutation =>
    named(`${insert ? 'insert' : 'replace with'} ${JSON.stringify(replacement)} at ${where.toFixed(4)}`, (text) => {
      const at = Math.floor(where * text.length);
      return text.slice(0, at) + replacement + text.slice(insert ? at : at + 1);
    }),
  );

/** Flips one bit of the UTF-8 encoding and decodes it as the CLI reads files: invalid bytes become U+FFFD. */
const flipBit = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), nat(7)).map(([where, bit]): Mutation =>
  named(`flip bit ${bit} of the byte at ${where.toFixed(4)}`, (text) => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length === 0) return text;
    const at = Math.min(bytes.length - 1, Math.floor(where * bytes.length));
    bytes[at] ^= 1 << bit;
    return decodeLikeCli(bytes);
  }),
);

/** Random bytes spliced in, read as the CLI reads a file (UTF-8, replacement characters, leading BOM dropped). */
const spliceBytes = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 16 }))
  .map(([where, inserted]): Mutation =>
    named(`insert bytes ${Buffer.from(inserted).toString('hex')} at ${where.toFixed(4)}`, (text) => {
      const bytes = Buffer.from(text, 'utf8');
      const at = Math.floor(where * bytes.length);
      return decodeLikeCli(Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(at)]));
    }),
  );

const truncate = fc
  .double({ min: 0, max: 1, noNaN: true })
  .map((where): Mutation => named(`truncate at ${where.toFixed(4)}`, (text) => text.slice(0, Math.floor(where * text.length))));

const deleteLines = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4 })).map(([where, count]): Mutation =>
  named(`delete ${count} lines at ${where.toFixed(4)}`, (text) => {
    const lines = splitLines(text);
    const at = Math.floor(where * lines.length);
    return [...lines.slice(0, at), ...lines.slice(at + count)].join('');
  }),
);

const duplicateLines = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }))
  .map(([where, count, times]): Mutation =>
    named(`repeat ${count} lines at ${where.toFixed(4)} ${times} times`, (text) => {
      const lines = splitLines(text);
      const at = Math.floor(where * lines.length);
      const block = lines.slice(at, at + count);
      if (block.length > 0 && !block[block.length - 1].endsWith('\n')) block[block.length - 1] += '\n';
      return [...lines.slice(0, at + count), ...Array.from({ length: times }, () => block).flat(), ...lines.slice(at + count)].join('');
    }),
  );

const swapLines = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]): Mutation =>
  named(`swap lines at ${a.toFixed(4)} and ${b.toFixed(4)}`, (text) => {
    const lines = splitLines(text).map((line) => (line.endsWith('\n') ? line : line + '\n'));
    if (lines.length === 0) return text;
    const i = pick(a, lines.length);
    const j = pick(b, lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('');
  }),
);

/** Replaces the value after a `key:` (YAML) or `"key":` (JSON) on some line with a hostile scalar. */
const wrongValue = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...HOSTILE_SCALARS))
  .map(([where, scalar]): Mutation =>
    named(`set the value at ${where.toFixed(4)} to ${JSON.stringify(scalar)}`, (text) => {
      const lines = splitLines(text);
      const candidates = lines.map((line, index) => ({ line, index })).filter(({ line }) => /:\s*\S/.test(line));
      if (candidates.length === 0) return text;
      const { line, index } = candidates[pick(where, candidates.length)];
      const ending = line.match(/\r?\n$/)?.[0] ?? '';
      lines[index] = line.replace(
        /(:\s*)(.*?)(,?)(\r?\n)?$/,
        (_m, colon: string, _old: string, comma: string) => `${colon}${scalar}${comma}${ending}`,
      );
      return lines.join('');
    }),
  );

/** Replaces every number in the text with one extreme value: weights, thresholds and rates all at once. */
const extremeNumbers = fc
  .constantFrom('-1', '0', '1e308', '-1e308', '1e-320', '100000000000', '.nan', '.inf', 'NaN')
  .map((value): Mutation =>
    named(`every number becomes ${value}`, (text) => text.replace(/(?<=[:\-[,]\s*)-?\d+(\.\d+)?(?=\s*[,\]}\n\r%])/g, value)),
  );

const insertUnicode = fc
  .tuple(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.array(fc.constantFrom('\u202e', '\u202b', 'שלום', 'مرحبا', '😀', 'é', '\u0301', '\u200f', '\ud83d', '中'), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([where, pieces]): Mutation =>
    named(`insert ${JSON.stringify(pieces.join(''))} at ${where.toFixed(4)}`, (text) => {
      const at = Math.floor(where * text.length);
      return text.slice(0, at) + pieces.join('') + text.slice(at);
    }),
  );

const crlf: Mutation = named('CRLF line breaks', (text) => text.replace(/\r?\n/g, '\r\n'));
const bareCr: Mutation = named('lone CR line breaks', (text) => text.replace(/\r?\n/g, '\r'));
const bom: Mutation = named('a leading BOM', (text) => '\ufeff' + text);
const tabs: Mutation = named('tabs for indentation', (text) => text.replace(/^( {2})+/gm, (spaces) => '\t'.repeat(spaces.length / 2)));
const mixedIndent: Mutation = named('a tab for the first indentation step', (text) => text.replace(/^ {2}/gm, '\t'));
const noFinalNewline: Mutation = named('no final newline', (text) => text.replace(/\s+$/, ''));

/** Wraps a line's value in nesting: flow brackets, or block levels below it. */
const deepNesting = fc
  .tuple(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 1, max: 400 }),
    fc.constantFrom('flow-seq', 'flow-map', 'block-seq', 'block-map', 'explicit-key'),
  )
  .map(([where, depth, shape]): Mutation =>
    named(`insert ${depth} levels of ${shape} at ${where.toFixed(4)}`, (text) => {
      const lines = splitLines(text);
      const at = Math.floor(where * lines.length);
      let nested: string;
      if (shape === 'flow-seq') nested = `deep: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
      else if (shape === 'flow-map') nested = `deep: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
      else if (shape === 'block-seq') nested = `deep:\n${'- '.repeat(depth)}x\n`;
      else if (shape === 'explicit-key') nested = `deep:\n${'? '.repeat(Math.min(depth, 60))}x\n`;
      else nested = `deep:\n${Array.from({ length: Math.min(depth, 60) }, (_, i) => `${' '.repeat(i + 1)}k${i}:\n`).join('')}`;
      return [...lines.slice(0, at), nested, ...lines.slice(at)].join('');
    }),
  );

/** YAML features Stagegate files rarely use: anchors and merges, documents, directives, tags, complex keys. */
const yamlFeature = fc
  .tuple(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.constantFrom(
      '---\n',
      '...\n',
      '--- |\n  text\n',
      '%YAML 1.2\n---\n',
      '%TAG ! tag:x,2000:\n',
      'base: &base {weight: 1, duration: 1h}\n',
      '<<: *base\n',
      '<<: [*base, *base]\n',
      '? [a, b]\n: c\n',
      '? {a: 1}\n: 2\n',
      'key: !!set {a, b}\n',
      'key: !!omap [a: 1]\n',
      '"key": 1,\n',
      '{"json": [1, 2,]}\n',
      'x: &a [*a]\n',
      'stages: *nope\n',
      '- &s {name: s, weight: 1}\n- *s\n',
      '#' + 'x'.repeat(200) + '\n',
      'k: "multi\n  line\n  string"\n',
      'k: >\n  folded\n\n  text\n',
      'k: |+\n\n\n',
      'k: |-\n\tTab\n',
    ),
  )
  .map(([where, snippet]): Mutation =>
    named(`insert ${JSON.stringify(snippet)} at ${where.toFixed(4)}`, (text) => {
      const lines = splitLines(text);
      const at = Math.floor(where * lines.length);
      return [...lines.slice(0, at), snippet, ...lines.slice(at)].join('');
    }),
  );

/** Any one edit; tests apply a short sequence of them. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: replaceCharacter },
  { weight: 2, arbitrary: flipBit },
  { weight: 1, arbitrary: spliceBytes },
  { weight: 2, arbitrary: truncate },
  { weight: 3, arbitrary: deleteLines },
  { weight: 3, arbitrary: duplicateLines },
  { weight: 1, arbitrary: swapLines },
  { weight: 5, arbitrary: wrongValue },
  { weight: 1, arbitrary: extremeNumbers },
  { weight: 2, arbitrary: insertUnicode },
  { weight: 2, arbitrary: fc.constantFrom(crlf, bareCr, bom, tabs, mixedIndent, noFinalNewline) },
  { weight: 2, arbitrary: deepNesting },
  { weight: 2, arbitrary: yamlFeature },
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export function applyAll(text: string, edits: Mutation[]): string {
  return edits.reduce((current, edit) => edit(current), text);
}

/** Bytes to text as `stagegate check` reads a file: UTF-8 with replacement characters, a leading BOM dropped. */
function decodeLikeCli(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
