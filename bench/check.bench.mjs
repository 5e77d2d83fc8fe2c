// Benchmark of `check` against the tools users already run, on generated workloads, in one process:
//   (a) Stagegate's full check of one file (parse + schema + rules), as Workspace.check runs it;
//   (b) a bare `yaml` parseDocument of the same text: the floor any YAML-based tool pays (defaults, and with
//       uniqueKeys: false, the option Stagegate parses with);
//   (c) yaml-language-server's doValidation of the same text against the same JSON Schema, through its
//       language-service API (the engine of the YAML extension for VS Code).
// Then a re-check after a one-character edit of the 5,000-line file, as the extension does on each keystroke,
// and a 2,000-statement migration (parse plus rules) against libpg-query's bare parse of it.
// Medians of repeated runs; the runs of (a), (b) and (c) are interleaved, so drift hits all of them alike.
// `node bench/check.bench.mjs [--json] [--quick]`; `npm run bench` runs it with the simulator's benchmark.

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleEngine, root } from '../scripts/bundle-engine.mjs';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const REPEATS = quick ? 3 : 9;
const REPEATS_SLOW = quick ? 3 : 5;
const EDITS = quick ? 10 : 41;
const TODAY = '2026-11-26';

const { engine, require } = await bundleEngine('check-engine', [
  "export { Workspace } from './src/engine/workspace/workspace';",
  "export { defaultConfig } from './src/engine/config/config';",
  "export { analyseMigration } from './src/engine/workspace/analyse-migration';",
  "export { loadSqlParser } from './src/engine/sql/parser';",
  "export { MAX_STAGES, MAX_FLAGS } from './src/engine/limits';",
]);
const { parseDocument } = require('yaml');
const pg = require('libpg-query');
const { getLanguageService } = await import(pathToFileURL(join(root, 'node_modules/yaml-language-server/out/src/index.js')).href);
const { TextDocument } = await import(pathToFileURL(join(root, 'node_modules/vscode-languageserver-textdocument/lib/esm/main.js')).href);

// ---- workloads ----------------------------------------------------------------------------------------------

/** A flag set of `count` flags, six lines each; every 10th has no owner and every 7th no expiry, as in real files. */
function flagSet(count) {
  const lines = ['apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'metadata:', '  name: generated-flags', 'flags:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  flag-${i}:`, `    description: Guards change ${i} of the checkout service until it is fully rolled out.`);
    lines.push(i % 10 === 0 ? `    type: release` : `    owner: team-${i % 17}`);
    lines.push(i % 7 === 0 ? `    type: experiment` : `    expires: 2027-0${1 + (i % 9)}-1${i % 10}`);
    lines.push(`    default: false`);
  }
  return lines.join('\n') + '\n';
}

/** A release plan of `stages` stages of 12 lines each, with traffic dimensions, a baseline and KPI gates. */
function plan(stages) {
  const lines = [
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata:',
    '  name: generated-plan',
    '  service: checkout',
    '  owner: team-payments',
    'strategy: canary',
    'traffic:',
    '  requestsPerSecond: 1200',
    '  internalShare: 0.02',
    '  dimensions:',
    '    region: { eu-west: 0.4, us-east: 0.45, ap-south: 0.15 }',
    '    device: { web: 0.55, ios: 0.25, android: 0.2 }',
    'baseline:',
    '  errorRate: 0.002',
    '  latencyP95Ms: 180',
    '  kpis:',
    '    payment-success: 0.97',
    'rollback:',
    '  automatic: true',
    '  action: rollback',
    'stages:',
  ];
  for (let i = 0; i < stages; i++) {
    lines.push(
      `  - name: stage-${i}`,
      `    weight: ${Math.min(100, 1 + Math.floor((i * 100) / stages))}`,
      `    duration: ${30 + (i % 4) * 15}m`,
      '    interval: 15m',
    );
    lines.push(
      '    breakdown: [region]',
      '    gates:',
      '      - metric: errorRate',
      '        maxIncrease: 25%',
      '      - metric: latencyP95Ms',
      '        max: 400',
    );
    lines.push('      - metric: kpi:payment-success', '        minRatio: 0.99');
  }
  return lines.join('\n') + '\n';
}

/** A migration of `count` statements: the kinds real migrations hold, in a repeating order. */
function migration(count) {
  const kinds = [
    (i) => `ALTER TABLE orders ADD COLUMN note_${i} text`,
    (i) => `CREATE INDEX CONCURRENTLY orders_note_${i}_idx ON orders (note_${i})`,
    (i) => `UPDATE orders SET note_${i} = 'n/a' WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999}`,
    (i) =>
      `CREATE TABLE audit_${i} (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), created_at timestamptz NOT NULL DEFAULT now())`,
    (i) => `ALTER TABLE audit_${i} ADD CONSTRAINT audit_${i}_positive CHECK (id > 0) NOT VALID`,
    (i) => `COMMENT ON TABLE audit_${i} IS 'audit trail ${i}'`,
  ];
  const statements = ["SET lock_timeout = '2s'"];
  for (let i = 1; i < count; i++) {
    // One hazard in a hundred, so the rules report as well as read.
    if (i % 100 === 0)
      statements.push(
        i % 200 === 0 ? `ALTER TABLE orders DROP COLUMN legacy_${i}` : `CREATE INDEX orders_legacy_${i}_idx ON orders (legacy_${i})`,
      );
    else statements.push(kinds[i % kinds.length](i));
  }
  return statements.join(';\n') + ';\n';
}

// ---- measuring ----------------------------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const config = engine.defaultConfig(TODAY);
const schemas = {
  'flag-set': JSON.parse(readFileSync(join(root, 'schemas/flag-set.schema.json'), 'utf8')),
  'release-plan': JSON.parse(readFileSync(join(root, 'schemas/release-plan.schema.json'), 'utf8')),
};
const languageService = getLanguageService({
  schemaRequestService: async (uri) => {
    throw new Error(`the benchmark gives every schema inline; asked for ${uri}`);
  },
  workspaceContext: { resolveRelativePath: (relativePath, resource) => new URL(relativePath, resource).href },
});
languageService.configure({
  validate: true,
  hover: false,
  completion: false,
  format: false,
  schemas: [
    { uri: 'file:///schemas/flag-set.schema.json', fileMatch: ['*.flags.yaml'], schema: schemas['flag-set'] },
    { uri: 'file:///schemas/release-plan.schema.json', fileMatch: ['*.release.yaml'], schema: schemas['release-plan'] },
  ],
});
let documentVersion = 1;

async function stagegate(path, text) {
  const workspace = new engine.Workspace(config, { read: async () => undefined });
  workspace.setFile(path, text);
  const [report] = await workspace.check([path]);
  return report.findings.length;
}

async function yamlLanguageServer(path, text) {
  // A new version each time: the language service caches parses by URI and version.
  const document = TextDocument.create(`file:///bench/${path.split('/').pop()}`, 'yaml', documentVersion++, text);
  return (await languageService.doValidation(document, false)).length;
}

async function compare(name, path, text, repeats = REPEATS, repeatsSlow = REPEATS_SLOW) {
  const runners = {
    stagegate: () => stagegate(path, text),
    yamlDefaults: () => parseDocument(text).errors.length,
    yamlNoUniqueKeys: () => parseDocument(text, { uniqueKeys: false }).errors.length,
    yamlLanguageServer: () => yamlLanguageServer(path, text),
  };
  const samples = Object.fromEntries(Object.keys(runners).map((key) => [key, []]));
  const counts = {};
  for (const [key, run] of Object.entries(runners)) counts[key] = (await time(run)).result; // warm-up
  for (let i = 0; i < repeats; i++) {
    for (const [key, run] of Object.entries(runners)) {
      if (key === 'yamlLanguageServer' && i >= repeatsSlow) continue;
      samples[key].push((await time(run)).ms);
    }
  }
  const ms = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
  return {
    workload: name,
    lines: text.split('\n').length - 1,
    kilobytes: Math.round(Buffer.byteLength(text) / 1024),
    ms,
    findings: { stagegate: counts.stagegate, yamlLanguageServer: counts.yamlLanguageServer },
    stagegateOverFloor: ms.stagegate / ms.yamlDefaults,
    stagegateOverNoUniqueKeys: ms.stagegate / ms.yamlNoUniqueKeys,
    languageServerOverStagegate: ms.yamlLanguageServer / ms.stagegate,
  };
}

/** The extension's path on a keystroke: setFile with the edited text, then check that file against the workspace. */
async function recheckAfterEdit(path, text) {
  const workspace = new engine.Workspace(config, { read: async () => undefined });
  const flagsPath = join(root, 'examples/checkout/checkout.flags.yaml');
  workspace.setFile(flagsPath, readFileSync(flagsPath, 'utf8'));
  workspace.setFile(path, text);
  await workspace.check();
  // One character in the middle of the file, typed and typed back: each text differs from the cached one.
  const at = text.indexOf('duration: 30m', Math.floor(text.length / 2)) + 'duration: 3'.length;
  const edited = text.slice(0, at) + '5' + text.slice(at + 1);
  const samples = [];
  for (let i = 0; i < EDITS; i++) {
    const { ms } = await time(async () => {
      workspace.setFile(path, i % 2 === 0 ? edited : text);
      return workspace.check([path]);
    });
    if (i > 0) samples.push(ms);
  }
  return { lines: text.split('\n').length - 1, edits: samples.length, medianMs: median(samples), maxMs: Math.max(...samples) };
}

async function migrations(count) {
  const text = migration(count);
  await engine.loadSqlParser();
  await pg.loadModule();
  const analyse = () => engine.analyseMigration(text, { config, fileName: 'migrations/0001_generated.sql' });
  const parseOnly = () => pg.parseSync(text).stmts.length;
  const first = await analyse();
  const samples = { analyse: [], parseOnly: [] };
  for (let i = 0; i < REPEATS; i++) {
    samples.analyse.push((await time(analyse)).ms);
    samples.parseOnly.push((await time(parseOnly)).ms);
  }
  return {
    statements: first.statementCount,
    findings: first.findings.length,
    kilobytes: Math.round(Buffer.byteLength(text) / 1024),
    analyseMs: median(samples.analyse),
    libpgQueryParseMs: median(samples.parseOnly),
  };
}

// ---- run ----------------------------------------------------------------------------------------------------

const fiveThousandLines = plan(Math.round((5000 - 22) / 12));
const comparisons = [
  await compare('flag set, 2,000 flags', '/bench/generated.flags.yaml', flagSet(2000)),
  await compare('plan, 200 stages', '/bench/generated.release.yaml', plan(200)),
  await compare('plan, 5,000 lines', '/bench/large.release.yaml', fiveThousandLines),
];
// Not a goal workload: how the three scale on a file ten times larger (the language server's duplicate-key check
// grows with the square of a mapping's size). Skipped with --quick.
const scaling = quick ? [] : [await compare('flag set, 20,000 flags (scaling)', '/bench/huge.flags.yaml', flagSet(20000), 3, 3)];
const recheck = await recheckAfterEdit('/bench/large.release.yaml', fiveThousandLines);
const migrationResult = await migrations(2000);

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: readCpuModel(),
  yaml: require('yaml/package.json').version,
  yamlLanguageServer: JSON.parse(readFileSync(join(root, 'node_modules/yaml-language-server/package.json'), 'utf8')).version,
  repeats: REPEATS,
};
const goals = {
  withinOneAndAHalfOfFloor: comparisons.every((row) => row.stagegateOverFloor <= 1.5),
  threeTimesFasterThanLanguageServer: comparisons.every((row) => row.languageServerOverStagegate >= 3),
  recheckUnder20ms: recheck.medianMs < 20,
};

if (json) {
  process.stdout.write(JSON.stringify({ machine, comparisons, scaling, recheck, migrations: migrationResult, goals }, null, 2) + '\n');
} else {
  const f = (value, digits = 1) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log(
    `stagegate check benchmark · node ${machine.node} · ${machine.cpus} × ${machine.cpuModel} · yaml ${machine.yaml} · yaml-language-server ${machine.yamlLanguageServer}`,
  );
  console.log(`medians of ${REPEATS} runs (${REPEATS_SLOW} for yaml-language-server), one process\n`);
  const header = [
    'workload',
    'lines',
    'KB',
    '(a) stagegate ms',
    '(b) yaml ms',
    'yaml uniqueKeys:false ms',
    '(c) yaml-language-server ms',
    'a/b',
    'c/a',
  ];
  const rows = [...comparisons, ...scaling].map((row) => [
    row.workload,
    row.lines.toLocaleString('en-US'),
    row.kilobytes.toLocaleString('en-US'),
    f(row.ms.stagegate),
    f(row.ms.yamlDefaults),
    f(row.ms.yamlNoUniqueKeys),
    f(row.ms.yamlLanguageServer),
    `${f(row.stagegateOverFloor, 2)}×`,
    `${f(row.languageServerOverStagegate, 1)}×`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    `\ngoal (a) within 1.5× of (b): ${goals.withinOneAndAHalfOfFloor ? 'met' : 'missed'}; goal (c) at least 3× (a): ${goals.threeTimesFasterThanLanguageServer ? 'met' : 'missed'}`,
  );
  console.log(
    `re-check after a one-character edit of the ${recheck.lines.toLocaleString('en-US')}-line plan: median ${f(recheck.medianMs)} ms, slowest ${f(recheck.maxMs)} ms over ${recheck.edits} edits (goal < 20 ms: ${goals.recheckUnder20ms ? 'met' : 'missed'})`,
  );
  console.log(
    `migration of ${migrationResult.statements.toLocaleString('en-US')} statements (${migrationResult.kilobytes} KB): parse + rules ${f(migrationResult.analyseMs)} ms, ${migrationResult.findings} findings; libpg-query parse alone ${f(migrationResult.libpgQueryParseMs)} ms`,
  );
}

function readCpuModel() {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}
