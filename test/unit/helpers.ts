// Shared test helpers: check texts as a workspace and read findings compactly.

import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { defaultConfig, type StagegateConfig } from '../../src/engine/config/config';
import type { Finding } from '../../src/engine/finding';
import { ruleMeta } from '../../src/engine/catalogue';
import { main } from '../../src/cli/main';
import { Workspace } from '../../src/engine/workspace/workspace';

export const REPO_ROOT = findRepoRoot(__dirname);
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

function findRepoRoot(start: string): string {
  let folder = start;
  // out/ holds a copy of package.json (tsc emits imported JSON), so look for the tsconfig too.
  while (!fs.existsSync(path.join(folder, 'package.json')) || !fs.existsSync(path.join(folder, 'tsconfig.json')))
    folder = path.dirname(folder);
  return folder;
}

/** Checks texts keyed by path together, as one workspace. */
export async function checkFiles(
  files: Record<string, string>,
  config: StagegateConfig = defaultConfig('2026-11-26'),
): Promise<Record<string, Finding[]>> {
  // Files Stagegate does not check (a sqitch.plan) are still there to be read, as on disk.
  const workspace = new Workspace(config, { read: async (path) => files[path] });
  for (const [file, text] of Object.entries(files)) workspace.setFile(file, text);
  const out: Record<string, Finding[]> = {};
  for (const report of await workspace.check()) out[report.path] = report.findings;
  return out;
}

export async function checkOne(file: string, text: string, config?: StagegateConfig): Promise<Finding[]> {
  return (await checkFiles({ [file]: text }, config))[file] ?? [];
}

/** `ruleId@line:char-line:char`, 0-based, for exact range assertions. */
export function at(finding: Finding): string {
  const { start, end } = finding.range;
  return `${finding.ruleId}@${start.line}:${start.character}-${end.line}:${end.character}`;
}

/** The findings of one rule; a rule id the catalogue does not know fails the test, so a misspelled id cannot pass. */
export function only(findings: Finding[], ruleId: string): Finding[] {
  assertRuleId(ruleId);
  return findings.filter((finding) => finding.ruleId === ruleId);
}

/** Fails for an id that names no rule of the catalogue. */
function assertRuleId(ruleId: string): void {
  if (!ruleMeta(ruleId)) throw new Error(`no rule has the id "${ruleId}": the test names a rule that does not exist`);
}

/** The first lines of a release plan with a baseline (a KPI `pay`) and traffic, for tests that add stages. */
export const PLAN_HEAD = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: a, service: b, owner: c }',
  'baseline: { errorRate: 0.002, latencyP95Ms: 180, kpis: { pay: 0.97 } }',
  'traffic: { requestsPerSecond: 1000 }',
];

/** Joins lines with \n, so fixtures in tests read like files. */
export function lines(...content: string[]): string {
  return content.join('\n') + '\n';
}

/** The CLI in process, as `stagegate <args>` run in `cwd`: its exit code and both streams. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

/** A port nothing listens on at the time of asking, on 127.0.0.1 (for the servers tests start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
