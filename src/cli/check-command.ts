// `stagegate check`: lint files and folders, print findings, exit 0/1/2.

import { promises as fs } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ruleMetas } from '../engine/catalogue';
import { todayIso } from '../engine/config/config';
import { compareFindings } from '../engine/finding';
import { applyFixes } from '../engine/fix';
import { parseIsoDate } from '../engine/model/dates';
import { durationMinutes } from '../engine/model/units';
import type { Readiness } from '../engine/readiness';
import type { ConfiguredKind } from '../engine/formats/recognise';
import { Workspace } from '../engine/workspace/workspace';
import { earlierMigrations } from './earlier-migrations';
import { LABEL_LOOKBACK_MINUTES, type LabelMeasurementState } from '../engine/calibrate/labels';
import { measureLabels } from '../node/measure-labels';
import { TOOL_NAMES } from '../engine/formats/migration-tools';
import {
  CodeOwnersIndex,
  collectFiles,
  describeRecognition,
  describeSkip,
  loadConfig,
  readerForOneRun,
  type CollectedFiles,
} from './files';
import { formatStylish, toJsonFindings, type FileFindings } from './format';
import { UsageError, type Io } from './io';
import { toSarif } from './sarif';
import { VERSION } from '../shared/version';

const FORMATS = ['stylish', 'json', 'sarif'] as const;

/** `--fix` passes at most (as ESLint): each applies the fixes that do not touch one another. */
const MAX_FIX_PASSES = 10;

export async function runCheck(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'stylish' },
      'max-warnings': { type: 'string' },
      today: { type: 'string' },
      config: { type: 'string' },
      fix: { type: 'boolean', default: false },
      readiness: { type: 'boolean', default: false },
      metrics: { type: 'boolean', default: false },
      prometheus: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
  if (values.readiness && format !== 'stylish') throw new UsageError('--readiness prints a text checklist; use it with --format stylish.');
  if (values.prometheus !== undefined && !values.metrics)
    throw new UsageError('--prometheus names the server --metrics asks; check alone never contacts one.');
  if (values.timeout !== undefined && !values.metrics) throw new UsageError('--timeout goes with --metrics.');
  const timeoutMinutes = durationMinutes(values.timeout ?? '30s');
  if (timeoutMinutes === undefined || timeoutMinutes <= 0)
    throw new UsageError(`--timeout takes a duration such as 30s (got "${values.timeout}").`);
  const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0))
    throw new UsageError('--max-warnings takes a whole number, 0 or more.');
  const today = values.today ?? todayIso();
  if (parseIsoDate(today) === undefined) throw new UsageError(`--today takes a real date written YYYY-MM-DD (got "${today}").`);

  const paths = positionals.length > 0 ? positionals : ['.'];
  // The configuration first: its files: map says what some files are.
  const { config, root } = await loadConfig(values.config, paths, io, today);
  const collected = await collectFiles(paths, io.cwd, config);
  const { inputs } = collected;
  // A gate that checked nothing must not pass: a wrong path or a renamed file would otherwise go green (as ESLint does).
  if (inputs.length === 0) {
    if (values.verbose) for (const line of verboseLines(collected, () => [])) io.stderr(`stagegate: ${line}\n`);
    const passedOver = collected.skipped.filter((skip) => skip.reason !== 'ignored-folder' && skip.reason !== 'configuration').length;
    throw new UsageError(
      `${paths.join(', ')}: no release plans, flag files or SQL migrations found; nothing was checked.` +
        (passedOver > 0 && !values.verbose
          ? `\n${passedOver} YAML or JSON file${passedOver === 1 ? ' was' : 's were'} passed over; --verbose says why, and the files: map of .stagegate.yaml can name what they are.`
          : ''),
    );
  }

  const workspace = new Workspace(config, readerForOneRun());
  // Each file's CODEOWNERS is its repository's, wherever the command runs from.
  const codeOwners = new CodeOwnersIndex(root);
  await codeOwners.prepare(inputs.map((input) => input.absolute));
  workspace.setCodeOwners((file) => codeOwners.ownerOf(file));
  for (const input of inputs) workspace.setFile(input.absolute, input.text, input.kind);
  // Read, not reported: the migrations before those named, for the schema they leave.
  const earlier = await earlierMigrations(inputs.filter((input) => input.kind === 'sql').map((input) => input.absolute));
  for (const migration of earlier) workspace.setFile(migration.path, migration.text, 'sql');
  if (values.verbose && earlier.length > 0)
    io.stderr(
      `stagegate: read ${earlier.length} earlier migration${earlier.length === 1 ? '' : 's'} of the folders of the migrations named, for the schema they leave (not reported).\n`,
    );
  if (values.verbose) {
    const tools = await migrationTools(workspace, inputs);
    for (const line of verboseLines(collected, (file) => workspace.kindsOf(file), tools)) io.stderr(`stagegate: ${line}\n`);
  }
  let reports = await workspace.check(inputs.map((input) => input.absolute));

  if (values.fix) {
    let fixed = 0;
    // Fixes that touch one spot (an owner and an expiry both creating a flagd flag's `metadata`) apply one per pass;
    // the next pass, on the fixed text, applies the other.
    for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
      let applied = 0;
      for (const report of reports) {
        const input = inputs.find((candidate) => candidate.absolute === report.path)!;
        const result = applyFixes(input.text, report.findings);
        if (result.applied === 0) continue;
        // Write beside the file and rename over it, so an interrupted --fix never leaves half a file.
        const temporary = `${input.absolute}.stagegate-fix-${process.pid}`;
        await fs.writeFile(temporary, (input.bom ? '\ufeff' : '') + result.text, 'utf8');
        await fs.rename(temporary, input.absolute);
        input.text = result.text;
        workspace.setFile(input.absolute, result.text, input.kind);
        applied += result.applied;
      }
      if (applied === 0) break;
      fixed += applied;
      reports = await workspace.check(inputs.map((input) => input.absolute));
      if (
        pass === MAX_FIX_PASSES - 1 &&
        reports.some((report) => applyFixes(workspace.textOf(report.path) ?? '', report.findings).applied > 0)
      )
        io.stderr(`stagegate: --fix stopped after ${MAX_FIX_PASSES} passes; run it again to apply the fixes left.\n`);
    }
    if (fixed > 0) io.stderr(`stagegate: applied ${fixed} fix${fixed === 1 ? '' : 'es'}.\n`);
  }

  const displayOf = new Map(inputs.map((input) => [input.absolute, input.display]));
  const display = (file: string) =>
    displayOf.get(file) ?? (path.isAbsolute(file) ? path.relative(io.cwd, file).split(path.sep).join('/') : file);
  // Only when asked: a check (a pre-commit hook) never contacts a server by itself.
  const measured = new Map<string, LabelMeasurementState>();
  let measureFailed = false;
  if (values.metrics) {
    const time = Math.floor(Date.now() / 1000);
    let plans = 0;
    for (const report of reports) {
      for (const { document, plan, measure } of workspace.labelMeasurePlans(report.path)) {
        plans++;
        const state = await measureLabels(
          plan,
          measure,
          { url: values.prometheus, env: process.env, timeoutMs: timeoutMinutes * 60_000 },
          time,
          LABEL_LOOKBACK_MINUTES,
        );
        measured.set(`${report.path}#${document}`, state);
        if (state.state === 'measured')
          report.findings = [...report.findings, ...workspace.labelFindings(report.path, document, state.measurement)].sort(
            compareFindings,
          );
        else {
          measureFailed = true;
          io.stderr(`stagegate: ${display(report.path)}: labels not measured: ${state.reason}\n`);
        }
      }
    }
    if (plans === 0)
      io.stderr('stagegate: --metrics: no release plan checked has metrics.queries.requests or errors; nothing was measured.\n');
  }

  const results: FileFindings[] = reports.map((report) => ({
    file: display(report.path),
    findings: report.findings.map((finding) =>
      finding.related ? { ...finding, related: finding.related.map((related) => ({ ...related, file: display(related.file) })) } : finding,
    ),
  }));

  if (format === 'json') io.stdout(JSON.stringify(toJsonFindings(results), null, 2) + '\n');
  else if (format === 'sarif') {
    // Code scanning places results by repository path: relative to where the check runs, not to a scanned folder.
    const fromCwd = (file: string) => path.relative(io.cwd, file).split(path.sep).join('/');
    const sarifResults = reports.map((report) => ({
      file: fromCwd(report.path),
      findings: report.findings.map((finding) =>
        finding.related
          ? { ...finding, related: finding.related.map((related) => ({ ...related, file: fromCwd(related.file) })) }
          : finding,
      ),
    }));
    io.stdout(JSON.stringify(toSarif(sarifResults, ruleMetas(), VERSION), null, 2) + '\n');
  } else io.stdout(formatStylish(results));

  if (values.readiness) {
    for (const input of inputs) {
      const labels = (document: number) => measured.get(`${input.absolute}#${document}`);
      for (const readiness of await workspace.readiness(input.absolute, labels)) io.stdout(formatReadiness(input.display, readiness));
    }
  }
  // What was read, for people: machine formats keep their output (and standard error) as it was, unless asked.
  if (format === 'stylish' || values.verbose)
    io.stderr(`stagegate: ${checkedSummary(inputs.map((input) => workspace.kindsOf(input.absolute)[0]))}\n`);

  const all = results.flatMap((result) => result.findings);
  const errors = all.filter((finding) => finding.severity === 'error').length;
  const warnings = all.filter((finding) => finding.severity === 'warning').length;
  // The measurement asked for could not be made (the server, as an I/O problem): the check did not do all it was asked.
  if (measureFailed) return 2;
  if (errors > 0) return 1;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    if (format === 'stylish') io.stderr(`stagegate: ${warnings} warnings, more than --max-warnings ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

const KIND_LABELS: Record<ConfiguredKind | 'other', [string, string]> = {
  'release-plan': ['release plan', 'release plans'],
  'flag-set': ['flag set', 'flag sets'],
  flagd: ['flagd file', 'flagd files'],
  'argo-rollout': ['Argo Rollout', 'Argo Rollouts'],
  'argo-analysis-template': ['Argo AnalysisTemplate file', 'Argo AnalysisTemplate files'],
  'flagger-canary': ['Flagger Canary', 'Flagger Canaries'],
  'flagger-metric-template': ['Flagger MetricTemplate file', 'Flagger MetricTemplate files'],
  'flagger-alert-provider': ['Flagger AlertProvider file', 'Flagger AlertProvider files'],
  'sql-migration': ['SQL migration', 'SQL migrations'],
  other: ['file with no document of a kind Stagegate reads', 'files with no document of a kind Stagegate reads'],
};

function kindLabel(kind: ConfiguredKind | undefined, count: number): string {
  const [one, many] = KIND_LABELS[kind ?? 'other'];
  return count === 1 ? one : many;
}

/** `checked 14 files: 3 release plans, 9 flagd files, 2 SQL migrations.` Each file counts once, by its first kind. */
function checkedSummary(kinds: (ConfiguredKind | undefined)[]): string {
  const counts = new Map<ConfiguredKind | 'other', number>();
  for (const kind of kinds) counts.set(kind ?? 'other', (counts.get(kind ?? 'other') ?? 0) + 1);
  const parts = (Object.keys(KIND_LABELS) as (ConfiguredKind | 'other')[])
    .filter((kind) => counts.has(kind))
    .map((kind) => `${counts.get(kind)} ${kindLabel(kind === 'other' ? undefined : kind, counts.get(kind)!)}`);
  return `checked ${kinds.length} file${kinds.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

/** For --verbose: the tool that runs each SQL migration, and what said so, or why none is assumed. */
async function migrationTools(workspace: Workspace, inputs: CollectedFiles['inputs']): Promise<Map<string, string>> {
  const said = new Map<string, string>();
  for (const input of inputs) {
    if (input.kind !== 'sql') continue;
    const { assumed, conflict } = await workspace.migrationTool(input.absolute, input.text);
    if (assumed) said.set(input.absolute, `run by ${TOOL_NAMES[assumed.tool]} (${assumed.from})`);
    else if (conflict)
      said.set(
        input.absolute,
        `no migration tool assumed: ${conflict.from} name two tools (${conflict.tools.join(', ')}); set migrations.tool in .stagegate.yaml`,
      );
    else said.set(input.absolute, 'no migration tool known: one transaction per file unless a statement cannot run in one');
  }
  return said;
}

/** For --verbose: each file read and what it is, each file or folder passed over and why, in path order. */
function verboseLines(
  collected: CollectedFiles,
  kindsOf: (file: string) => ConfiguredKind[],
  tools: Map<string, string> = new Map(),
): string[] {
  const rows = [
    ...collected.inputs.map((input) => ({
      display: input.display,
      line:
        `read ${input.display}: ${kindLabel(kindsOf(input.absolute)[0], 1)}, ${describeRecognition(input.by)}` +
        (tools.has(input.absolute) ? `; ${tools.get(input.absolute)}` : ''),
    })),
    ...collected.skipped.map((skip) => ({
      display: skip.display,
      line: `skipped ${skip.display}: ${describeSkip(skip.reason, skip.size)}`,
    })),
  ].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  const lines = rows.map((row) => row.line);
  if (collected.otherFiles > 0)
    lines.push(`skipped ${collected.otherFiles} other file${collected.otherFiles === 1 ? '' : 's'}: ${describeSkip('unknown-name')}`);
  return lines;
}

function formatReadiness(file: string, readiness: Readiness): string {
  const lines = [`\nReadiness of ${readiness.plan} (${file}): ${readiness.readyCount}/${readiness.items.length}`];
  for (const item of readiness.items) lines.push(`  ${item.ready ? '[x]' : '[ ]'} ${item.question}`, `      ${item.reason}`);
  return lines.join('\n') + '\n';
}
