// What a file is as text, before any parser reads it: its size against the limit, and signs that it is not UTF-8
// text. Read once per file, for YAML, JSON and SQL alike; the file-too-large and invalid-encoding rules report it.

import { MAX_FILE_BYTES } from '../limits';

interface EncodingProblem {
  /** NUL characters mean binary content; U+FFFD means bytes that were not UTF-8. */
  kind: 'binary' | 'not-utf8';
  /** UTF-16 offset of the first occurrence. */
  first: number;
  count: number;
}

export interface TextFacts {
  byteLength: number;
  /** Larger than MAX_FILE_BYTES: no parser reads the file. */
  tooLarge: boolean;
  encoding?: EncodingProblem;
}

export function readTextFacts(text: string): TextFacts {
  const byteLength = utf8Length(text);
  return { byteLength, tooLarge: byteLength > MAX_FILE_BYTES, encoding: encodingProblem(text) };
}

/**
 * Readers decode bytes that are not UTF-8 as U+FFFD (the CLI, and VS Code for a file it opened as UTF-8), so the
 * text alone still shows where the file was not UTF-8; NUL characters mean binary content.
 */
function encodingProblem(text: string): EncodingProblem | undefined {
  const replacement = text.indexOf('\ufffd');
  const nul = text.indexOf('\u0000');
  if (replacement < 0 && nul < 0) return undefined;
  const binary = nul >= 0;
  return { kind: binary ? 'binary' : 'not-utf8', first: binary ? nul : replacement, count: countOf(text, binary ? '\u0000' : '\ufffd') };
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at >= 0; at = text.indexOf(character, at + 1)) count++;
  return count;
}

/** UTF-8 length without allocating an encoded copy. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
