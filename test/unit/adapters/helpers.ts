// Helpers for the adapters' tests: fixture files read by name, checked together as one workspace, and the
// workspace's facts and parsed documents for planOfDocument.

import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { defaultConfig, type StagegateConfig } from '../../../src/engine/config/config';
import { parseConfig } from '../../../src/engine/config/load';
import { Workspace } from '../../../src/engine/workspace/workspace';
import type { Finding } from '../../../src/engine/finding';
import { planOfDocument, type PlanOfDocument } from '../../../src/engine/workspace/simulation';
import { checkFiles, FIXTURES } from '../helpers';

const ADAPTER_FIXTURES = path.join(FIXTURES, 'adapters');
export const TODAY = '2026-11-26';

/** The fixture files of a folder, keyed `folder/name`. */
export function fixtureFiles(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(path.join(ADAPTER_FIXTURES, folder)).sort())
    files[`${folder}/${name}`] = readFileSync(path.join(ADAPTER_FIXTURES, folder, name), 'utf8');
  return files;
}

/** Checks every fixture of a folder together (plus extra files) and returns the findings of each. */
export async function checkFolder(
  folder: string,
  config?: StagegateConfig,
  extra: Record<string, string> = {},
): Promise<Record<string, Finding[]>> {
  return checkFiles({ ...fixtureFiles(folder), ...extra }, config);
}

export function configFrom(yaml: string): StagegateConfig {
  return parseConfig(yaml, TODAY).config;
}

/** planOfDocument for each document of `file`, in a workspace of the given files. */
export async function plansOf(
  files: Record<string, string>,
  file: string,
  config: StagegateConfig = defaultConfig(TODAY),
): Promise<PlanOfDocument[]> {
  const workspace = new Workspace(config, { read: async () => undefined });
  for (const [name, text] of Object.entries(files)) workspace.setFile(name, text);
  const facts = await workspace.facts();
  const source = workspace.source(file);
  if (!source) throw new Error(`${file} is not a file Stagegate reads`);
  return source.documents.map((doc) => planOfDocument(source, doc, facts, config));
}

/** `line:character message`, 0-based, for problems of planOfDocument. */
export function problemAt(problem: { range: { start: { line: number; character: number } }; message: string }): string {
  return `${problem.range.start.line}:${problem.range.start.character} ${problem.message}`;
}
