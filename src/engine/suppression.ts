// `stagegate-disable-next-line <ruleId...>` comments: `#` in YAML, `--` in SQL, `//` nowhere else yet.

import type { Finding } from './finding';
import { LineIndex } from './text/line-index';

const DIRECTIVE = /(?:#|--)\s*stagegate-disable-next-line\b([^\n]*)/;

/**
 * Drops findings whose start line follows a disable comment naming their rule (or naming none, which disables all).
 * The comment must be alone on its line so a directive inside a string value does not count.
 */
export function applySuppressions(findings: Finding[], lines: LineIndex): Finding[] {
  const disabled = new Map<number, Set<string> | 'all'>();
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.lineText(line).trim();
    if (!text.startsWith('#') && !text.startsWith('--')) continue;
    const match = DIRECTIVE.exec(text);
    if (!match) continue;
    // Anything after " -- " is a reason, not a rule id.
    const ids = match[1]
      .split(/\s--\s|\s--$/)[0]
      .split(/[\s,]+/)
      .filter((id) => id.length > 0 && id !== '--');
    disabled.set(line + 1, ids.length === 0 ? 'all' : new Set(ids));
  }
  if (disabled.size === 0) return findings;
  return findings.filter((finding) => {
    const rule = disabled.get(finding.range.start.line);
    return !(rule === 'all' || rule?.has(finding.ruleId));
  });
}

/** The line a "disable for this line" fix inserts above a line with this text, indented like it. */
export function disableCommentFor(lineText: string, ruleId: string, commentPrefix: '#' | '--'): string {
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  return `${indent}${commentPrefix} stagegate-disable-next-line ${ruleId}\n`;
}
