// Findings about a file as a whole, before any parser reads it: its size, and signs that it is not UTF-8 text.
// Shared by the YAML/JSON reader and the SQL analysis, so both kinds of file say the same thing.

import type { Finding } from '../finding';
import { MAX_FILE_BYTES } from '../limits';
import type { LineIndex } from './line-index';

export function fileTooLarge(byteLength: number, lines: LineIndex): Finding {
  return {
    ruleId: 'file-too-large',
    severity: 'error',
    message: `File is ${formatBytes(byteLength)}; Stagegate checks files up to ${formatBytes(MAX_FILE_BYTES)}. Split it into smaller files.`,
    range: lines.range(0, lines.lineEnd(0)),
  };
}

/**
 * Readers decode bytes that are not UTF-8 as U+FFFD (the CLI, and VS Code for a file it opened as UTF-8), so the
 * text alone still shows where the file was not UTF-8; NUL characters mean binary content. Reported once, at the
 * first occurrence, with the count: such a file can hold millions.
 */
export function invalidEncoding(text: string, lines: LineIndex): Finding | undefined {
  const replacement = text.indexOf('\ufffd');
  const nul = text.indexOf('\u0000');
  if (replacement < 0 && nul < 0) return undefined;
  const binary = nul >= 0;
  const first = binary ? nul : replacement;
  const count = countOf(text, binary ? '\u0000' : '\ufffd');
  const many = count > 1 ? ` (${count.toLocaleString('en-US')} in the file)` : '';
  return {
    ruleId: 'invalid-encoding',
    severity: 'warning',
    message: binary
      ? `The file holds NUL characters${many}: it looks like binary content, not text. Stagegate reads YAML, JSON and SQL as UTF-8 text.`
      : `Bytes here are not valid UTF-8 and were read as the replacement character U+FFFD${many}. Save the file as UTF-8.`,
    range: lines.range(first, first + 1),
  };
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at >= 0; at = text.indexOf(character, at + 1)) count++;
  return count;
}

function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
