// Shared test helpers: the repo root, fixtures, and hazard/finding ranges as compact tuples.

import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig, type StagegateConfig } from '../../../src/engine/config/config';
import type { Range } from '../../../src/engine/finding';
import { analyseMigration, type AnalyseMigrationOptions, type MigrationAnalysis } from '../../../src/engine/workspace/analyse-migration';

/** The project root, found by walking up (tests run compiled from out/, which may hold a copy of package.json). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'tsconfig.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function readFixture(name: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'migrations', name), 'utf8');
}

export function config(rules: StagegateConfig['rules'] = {}): StagegateConfig {
  return { ...defaultConfig('2025-01-01'), rules };
}

export function analyse(text: string, options: Partial<AnalyseMigrationOptions> = {}): Promise<MigrationAnalysis> {
  return analyseMigration(text, { config: config(), ...options });
}

/** [startLine, startCharacter, endLine, endCharacter], 0-based UTF-16 as editors count. */
type RangeTuple = [number, number, number, number];

function tuple(range: Range): RangeTuple {
  return [range.start.line, range.start.character, range.end.line, range.end.character];
}

/** Ranges of the hazards one rule raised, in report order. */
export function hazardRanges(analysis: MigrationAnalysis, ruleId: string): RangeTuple[] {
  return analysis.hazards.filter((h) => h.ruleId === ruleId).map((h) => tuple(h.range));
}

export function findingRanges(analysis: MigrationAnalysis, ruleId: string): RangeTuple[] {
  return analysis.findings.filter((f) => f.ruleId === ruleId).map((f) => tuple(f.range));
}

/** The text a range covers, to make range assertions readable. */
export function covered(text: string, range: RangeTuple): string {
  const lines = text.split('\n');
  if (range[0] === range[2]) return lines[range[0]].slice(range[1], range[3]);
  return [lines[range[0]].slice(range[1]), ...lines.slice(range[0] + 1, range[2]), lines[range[2]].slice(0, range[3])].join('\n');
}

/** The first hazard a rule raised; fails the test when there is none. */
export function firstHazard(analysis: MigrationAnalysis, ruleId: string): MigrationAnalysis['hazards'][number] {
  const hazard = analysis.hazards.find((h) => h.ruleId === ruleId);
  if (!hazard) throw new Error(`no ${ruleId} hazard among ${analysis.hazards.map((h) => h.ruleId).join(', ') || 'none'}`);
  return hazard;
}
