// What every robustness test asserts about a check, whatever the input: it returns (no exception escapes),
// every range it reports lies inside the text it was given, and the findings per file stay bounded.

import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig } from '../../../src/engine/config/config';
import { Workspace, type FileReport } from '../../../src/engine/workspace/workspace';
import type { Finding, Range } from '../../../src/engine/finding';
import { recognise } from '../../../src/engine/formats/recognise';
import { MAX_FINDINGS_PER_FILE } from '../../../src/engine/limits';
import { LineIndex } from '../../../src/engine/text/line-index';
import { CORPUS_ROOT } from '../corpus';
import { REPO_ROOT } from '../helpers';

const TODAY = '2026-11-26';

/** Runs per property: the CI default times `STAGEGATE_FUZZ_RUNS / 100` when that variable is set (e.g. 10000 for 100×). */
export function runs(ciDefault: number): number {
  const requested = Number(process.env.STAGEGATE_FUZZ_RUNS);
  return Number.isFinite(requested) && requested > 0 ? Math.max(1, Math.round((ciDefault * requested) / 100)) : ciDefault;
}

/** Fixed in CI; `STAGEGATE_FUZZ_SEED` replays or explores another seed. fast-check prints the seed of a failure. */
export function seed(fixed: number): number {
  const requested = Number(process.env.STAGEGATE_FUZZ_SEED);
  return Number.isInteger(requested) ? requested : fixed;
}

/** A safety net only: a property stops starting new runs after this long, and says how many it ran. */
export function timeBudgetMs(ciDefault: number): number {
  return process.env.STAGEGATE_FUZZ_RUNS ? 60 * 60 * 1000 : ciDefault;
}

export interface SeedFile {
  /** Where the text came from, relative to the repo root (or `corpus/...`). */
  origin: string;
  /** The path the engine checks it under: its own name when Stagegate recognises it, else a name that makes it a plan, flag set or migration. */
  enginePath: string;
  text: string;
}

const CHECKED = /\.(ya?ml|json|sql)$/i;

/** examples/**, test/fixtures/** and the external corpus (where it exists): every YAML, JSON and SQL file, sorted for reproducible seeds. */
export function seedFiles(): SeedFile[] {
  const roots: [string, string][] = [
    [path.join(REPO_ROOT, 'examples'), 'examples'],
    [path.join(REPO_ROOT, 'test', 'fixtures'), 'test/fixtures'],
    [CORPUS_ROOT, 'corpus'],
  ];
  const files: SeedFile[] = [];
  for (const [root, label] of roots) {
    for (const file of walk(root)) {
      const relative = path.relative(root, file).split(path.sep).join('/');
      const origin = `${label}/${relative}`;
      // Printed by its origin in counterexamples, not by its whole text.
      const text = fs.readFileSync(file, 'utf8');
      files.push(Object.assign({ origin, enginePath: enginePathFor(origin, text), text }, { [fc.toStringMethod]: () => origin }));
    }
  }
  return files.sort((a, b) => a.origin.localeCompare(b.origin));
}

function walk(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else if (entry.isFile() && CHECKED.test(entry.name)) found.push(full);
  }
  return found;
}

/** Files Stagegate reads keep their name; others are checked as the nearest kind, so the fuzzer reaches the rules. */
function enginePathFor(origin: string, text: string): string {
  const base = `/fuzz/${origin}`;
  if (/\.sql$/i.test(origin)) return /(^|\/)migrations?\//i.test(origin) ? base : base.replace(/([^/]+)$/, 'migrations/$1');
  if (recognise(base, text)) return base;
  const extension = /\.json$/i.test(origin) ? 'json' : 'yaml';
  // flagd and feature-flag JSON read as flag sets; rollouts, canaries and everything else as plans.
  const kind = /flag|ffconfig/i.test(origin) ? 'flags' : 'release';
  return `${base.replace(/\.(ya?ml|json)$/i, '')}.${kind}.${extension}`;
}

/** A workspace as the editor keeps one: long-lived, files replaced as they are edited. */
export class FuzzWorkspace {
  readonly workspace = new Workspace(defaultConfig(TODAY), { read: async () => undefined });
  private readonly texts = new Map<string, string>();

  set(path: string, text: string): void {
    if (this.workspace.setFile(path, text)) this.texts.set(path, text);
    else this.texts.delete(path);
  }

  remove(path: string): void {
    this.workspace.removeFile(path);
    this.texts.delete(path);
  }

  /** Checks, then asserts the invariants on every report. */
  async check(paths?: string[]): Promise<FileReport[]> {
    const reports = await this.workspace.check(paths);
    for (const report of reports) assertReportInvariants(report, this.texts.get(report.path) ?? '', this.texts);
    return reports;
  }
}

/** Checks one text alone and asserts the invariants; returns its findings. */
export async function checkAlone(enginePath: string, text: string): Promise<Finding[]> {
  const fuzz = new FuzzWorkspace();
  fuzz.set(enginePath, text);
  const reports = await fuzz.check();
  return reports.find((report) => report.path === enginePath)?.findings ?? [];
}

function assertReportInvariants(report: FileReport, text: string, texts: Map<string, string>): void {
  const lines = new LineIndex(text);
  assert.ok(report.findings.length <= MAX_FINDINGS_PER_FILE + 1, `${report.findings.length} findings, more than the limit`);
  for (const finding of report.findings) {
    const what = `${finding.ruleId} "${finding.message.slice(0, 120)}"`;
    assert.ok(typeof finding.ruleId === 'string' && finding.ruleId.length > 0, 'finding without a rule id');
    assert.ok(typeof finding.message === 'string' && finding.message.trim().length > 0, `${finding.ruleId}: empty message`);
    assert.ok(!/^\s/.test(finding.message), `${what}: the message starts with a space (an empty name before it?)`);
    assert.ok(!showsInternalValue(finding.message, text), `${what}: the message shows an internal value`);
    assertInside(lines, finding.range, what);
    for (const fix of finding.fixes ?? []) for (const edit of fix.edits) assertInside(lines, edit.range, `${what}, fix "${fix.title}"`);
    for (const related of finding.related ?? []) {
      const relatedText = related.file === report.path ? text : texts.get(related.file);
      if (relatedText !== undefined)
        assertInside(new LineIndex(relatedText), related.range, `${what}, related location in ${related.file}`);
    }
  }
}

/** `undefined`, `NaN` or `[object Object]` in a message is a bug, unless the message quotes the user's own text (`.nan` is NaN). */
function showsInternalValue(message: string, text: string): boolean {
  return [...message.matchAll(/\b(NaN|undefined)\b|\[object Object\]/g)].some(
    (match) => !(match[0] === 'NaN' ? /nan/i.test(text) : text.includes(match[0])),
  );
}

/** Line below the line count, character at most the line's length (UTF-16, without its line break), start before end. */
export function assertInside(lines: LineIndex, range: Range, what: string): void {
  for (const position of [range.start, range.end]) {
    assert.ok(
      Number.isInteger(position.line) && Number.isInteger(position.character),
      `${what}: position ${JSON.stringify(position)} is not whole numbers`,
    );
    assert.ok(
      position.line >= 0 && position.line < lines.lineCount,
      `${what}: line ${position.line} is outside the ${lines.lineCount} lines`,
    );
    const length = lines.lineText(position.line).length;
    assert.ok(
      position.character >= 0 && position.character <= length,
      `${what}: character ${position.character} is past the end of line ${position.line} (${length})`,
    );
  }
  const ordered =
    range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  assert.ok(ordered, `${what}: range ${JSON.stringify(range)} ends before it starts`);
}

/** Splits a text into lines keeping each line's break, so mutations can delete or repeat whole lines. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
