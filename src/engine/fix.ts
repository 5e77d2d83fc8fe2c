// Applies fixes to text: edits from several findings, later ones first, skipping any that overlap.

import type { Finding, TextEdit } from './finding';
import { LineIndex } from './text/line-index';

interface AppliedFixes {
  text: string;
  applied: number;
}

/** Applies the preferred safe fix of each finding; `onlySafe: false` also applies the unsafe ones. */
export function applyFixes(text: string, findings: Finding[], onlySafe = true): AppliedFixes {
  const lines = new LineIndex(text);
  const chosen: { start: number; end: number; edit: TextEdit }[][] = [];
  for (const finding of findings) {
    const fix =
      finding.fixes?.find((candidate) => (!onlySafe || candidate.safe) && candidate.preferred) ??
      finding.fixes?.find((candidate) => !onlySafe || candidate.safe);
    if (!fix) continue;
    chosen.push(fix.edits.map((edit) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), edit })));
  }
  // Keep whole fixes whose edits touch nothing an earlier-kept fix touches.
  const kept: { start: number; end: number; edit: TextEdit }[] = [];
  let applied = 0;
  for (const edits of chosen) {
    const overlaps = edits.some((edit) =>
      kept.some((other) => (edit.start < other.end && other.start < edit.end) || (edit.start === other.start && edit.end === other.end)),
    );
    if (overlaps) continue;
    kept.push(...edits);
    applied++;
  }
  // From the end backwards; inserts at one offset go in reverse so they land in the order given.
  const order = new Map(kept.map((edit, index) => [edit, index]));
  kept.sort((a, b) => b.start - a.start || b.end - a.end || order.get(b)! - order.get(a)!);
  // Inserted lines follow the file's own line endings.
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  let out = text;
  for (const { start, end, edit } of kept)
    out = out.slice(0, start) + (eol === '\n' ? edit.newText : edit.newText.replace(/\r?\n/g, eol)) + out.slice(end);
  return { text: out, applied };
}
