// eugene's example files concatenate several migration scripts, each headed by a `-- N.sql` comment: a convention of
// its tests, not how repositories store migrations. The corpus tests write each section to a file of its own, in a
// folder, and check the folder as a repository's migrations are checked.

import { writeFileSync } from 'fs';
import * as path from 'path';

const SECTION_HEADER = /^[ \t]*--[ \t]*([\w.-]+\.sql)[ \t]*\r?$/gm;

/**
 * Writes each `-- N.sql` section of `text` to `folder` under the name its header gives (text before the first header,
 * if not blank, as `0.sql`); returns the names written, in file order. A file without headers is written as `1.sql`.
 */
export function writeSections(text: string, folder: string): string[] {
  const headers = [...text.matchAll(SECTION_HEADER)].map((match) => ({ name: match[1], start: match.index ?? 0 }));
  const sections: { name: string; text: string }[] = [];
  const first = headers[0]?.start ?? text.length;
  if (text.slice(0, first).trim() !== '') sections.push({ name: headers.length === 0 ? '1.sql' : '0.sql', text: text.slice(0, first) });
  headers.forEach((header, i) =>
    sections.push({ name: header.name, text: text.slice(header.start, headers[i + 1]?.start ?? text.length) }),
  );
  for (const section of sections) writeFileSync(path.join(folder, section.name), section.text);
  return sections.map((section) => section.name);
}
