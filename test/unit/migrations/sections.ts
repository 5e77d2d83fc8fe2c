// Files that concatenate several migration scripts, each headed by a `-- N.sql` comment (eugene's examples, and
// the sectioned fixtures here): each section is its own migration, run in order, so tables created by earlier
// sections exist, holding data.

import { analyseMigration, type AnalyseMigrationOptions, type MigrationAnalysis } from '../../../src/engine/workspace/analyse-migration';

interface MigrationSection {
  /** The file name in the header comment (`2.sql`), or '' for text before the first header. */
  name: string;
  /** UTF-16 offsets of the section in the file; the header comment is its first line. */
  start: number;
  end: number;
}

const SECTION_HEADER = /^[ \t]*--[ \t]*([\w./-]+\.sql)[ \t]*\r?$/gm;

/** The sections of `text`; a file without headers is one section. Text before the first header is kept only if not blank. */
export function splitMigrationSections(text: string): MigrationSection[] {
  const headers = [...text.matchAll(SECTION_HEADER)].map((match) => ({ name: match[1], start: match.index ?? 0 }));
  if (headers.length === 0) return [{ name: '', start: 0, end: text.length }];
  const sections: MigrationSection[] = [];
  if (text.slice(0, headers[0].start).trim() !== '') sections.push({ name: '', start: 0, end: headers[0].start });
  headers.forEach((header, i) => sections.push({ name: header.name, start: header.start, end: headers[i + 1]?.start ?? text.length }));
  return sections;
}

/** Analyses each section in order, carrying the schema each leaves behind into the next. Ranges are in `text`. */
export async function analyseMigrationSections(
  text: string,
  options: Omit<AnalyseMigrationOptions, 'span'>,
): Promise<{ section: MigrationSection; analysis: MigrationAnalysis }[]> {
  const results: { section: MigrationSection; analysis: MigrationAnalysis }[] = [];
  let schemaBefore = options.schemaBefore;
  for (const section of splitMigrationSections(text)) {
    const analysis = await analyseMigration(text, { ...options, schemaBefore, span: section });
    results.push({ section, analysis });
    schemaBefore = analysis.schemaAfter;
  }
  return results;
}
