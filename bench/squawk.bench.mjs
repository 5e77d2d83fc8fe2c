// Stagegate against squawk, the peer migration linter, as a CI step or a pre-commit hook runs each: whole-process
// time from spawn to exit of `node bin/stagegate.js check <path>` and of squawk on the same SQL. squawk is measured
// twice: as installed by npm (`.bin/squawk`, the squawk-cli package's Node wrapper that spawns the
// binary: what `npx squawk` and an npm script run) and its platform binary alone (what a Cargo or Homebrew install
// runs). Cases: a one-statement file, a 2,000-statement file, and a folder of 300 migrations (squawk is given the
// folder's `*.sql` pattern: it takes no folder). All runs alternate, so drift on a shared machine hits every case
// alike; medians. The goal: no slower than squawk on 2,000 statements, within 1.5× on one statement.
// `node bench/squawk.bench.mjs [--json] [--quick]`; `npm run bench` runs it with the others. Builds dist/ first.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../scripts/bundle-engine.mjs';

const json = process.argv.includes('--json');
const runs = process.argv.includes('--quick') ? 3 : 11;

// scripts/install-test-tools.sh installs squawk-cli on its own, beside code-server.
const squawkRoot = join(root, '.vscode-test', 'squawk');
const wrapper = join(squawkRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'squawk.cmd' : 'squawk');
/** The platform package's binary, found as squawk-cli's own wrapper finds it. */
function squawkBinary() {
  const require = createRequire(join(squawkRoot, 'node_modules', 'squawk-cli', 'package.json'));
  return require.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/squawk${process.platform === 'win32' ? '.exe' : ''}`);
}
if (!existsSync(wrapper)) {
  console.error(`squawk.bench: no ${wrapper}: run bash scripts/install-test-tools.sh, which installs squawk-cli there`);
  process.exit(2);
}
const binary = squawkBinary();

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** Statements of the kinds real migrations hold, with a hazard every hundred (as cli-startup.bench.mjs writes them). */
function statement(i) {
  if (i % 100 === 0) return `CREATE INDEX orders_legacy_${i}_idx ON orders (legacy_${i})`;
  const kinds = [
    () => `ALTER TABLE orders ADD COLUMN note_${i} text`,
    () => `CREATE INDEX CONCURRENTLY orders_note_${i}_idx ON orders (note_${i})`,
    () => `UPDATE orders SET note_${i} = 'n/a' WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999}`,
    () => `CREATE TABLE audit_${i} (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), created_at timestamptz NOT NULL)`,
  ];
  return kinds[i % kinds.length]();
}

function migration(count, from = 1) {
  const statements = ["SET lock_timeout = '2s'"];
  for (let i = from; i < from + count - 1; i++) statements.push(statement(i));
  return statements.join(';\n') + ';\n';
}

const work = mkdtempSync(join(tmpdir(), 'stagegate-squawk-bench-'));
const one = join(work, 'one.sql');
const many = join(work, 'many.sql');
const folder = join(work, 'migrations');
writeFileSync(one, 'ALTER TABLE orders ADD COLUMN note text;\n');
writeFileSync(many, migration(2000));
mkdirSync(folder);
// 300 migrations of 2 to 6 statements each, numbered as golang-migrate and most tools number them.
for (let n = 1; n <= 300; n++)
  writeFileSync(join(folder, `${String(n).padStart(6, '0')}_change_${n}.up.sql`), migration(2 + (n % 5), n * 10));

const stagegate = (path) => [process.execPath, [join(root, 'bin/stagegate.js'), 'check', path]];
// Stagegate runs twice per case: with its code cache (bin/code-cache.js) in a folder of this run, filled by the warm-up
// round, as every run after the first on a machine; and with the cache off, as the first run on a fresh CI machine.
const codeCache = { ...process.env, STAGEGATE_CACHE_DIR: join(work, 'code-cache') };
const noCodeCache = { ...process.env, STAGEGATE_CODE_CACHE: 'off' };
const targets = [
  { name: '1 statement', stagegate: one, squawk: [one] },
  { name: '2,000 statements', stagegate: many, squawk: [many] },
  { name: '300 migrations', stagegate: folder, squawk: [join(folder, '*.sql')] },
];
const cases = targets.flatMap((target) => [
  { target: target.name, tool: 'stagegate', command: stagegate(target.stagegate), env: codeCache },
  { target: target.name, tool: 'stagegate, no code cache', command: stagegate(target.stagegate), env: noCodeCache },
  { target: target.name, tool: 'squawk (npm)', command: [wrapper, target.squawk] },
  { target: target.name, tool: 'squawk (binary)', command: [binary, target.squawk] },
]);
const times = cases.map(() => []);
try {
  // One warm-up round first: the page cache holds the files for every measured run alike.
  for (let round = 0; round <= runs; round++) {
    for (const [i, entry] of cases.entries()) {
      const started = process.hrtime.bigint();
      const result = spawnSync(entry.command[0], entry.command[1], { cwd: work, stdio: 'ignore', env: entry.env ?? process.env });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0 && result.status !== 1) throw new Error(`${entry.tool} on ${entry.target} exited with ${result.status}`);
      if (round > 0) times[i].push(ms);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (target, tool) => median(times[cases.findIndex((entry) => entry.target === target && entry.tool === tool)]);
const rows = targets.map(({ name }) => ({
  case: name,
  stagegateMs: Math.round(ms(name, 'stagegate')),
  stagegateNoCodeCacheMs: Math.round(ms(name, 'stagegate, no code cache')),
  squawkNpmMs: Math.round(ms(name, 'squawk (npm)')),
  squawkBinaryMs: Math.round(ms(name, 'squawk (binary)')),
  overSquawkNpm: ms(name, 'stagegate') / ms(name, 'squawk (npm)'),
  overSquawkBinary: ms(name, 'stagegate') / ms(name, 'squawk (binary)'),
  noCodeCacheOverSquawkNpm: ms(name, 'stagegate, no code cache') / ms(name, 'squawk (npm)'),
}));
/** The issue's goals, against squawk as npm installs it. */
const goals = [
  { goal: 'no slower than squawk on 2,000 statements', ratio: rows[1].overSquawkNpm, limit: 1 },
  { goal: 'within 1.5× of squawk on 1 statement', ratio: rows[0].overSquawkNpm, limit: 1.5 },
].map((goal) => ({ ...goal, met: goal.ratio <= goal.limit }));

if (json) console.log(JSON.stringify({ runs, squawk: { npm: wrapper, binary }, rows, goals }, null, 2));
else {
  console.log(`stagegate check against squawk, whole processes · node ${process.version} · medians of ${runs} alternating runs`);
  const width = Math.max(...rows.map((row) => row.case.length));
  console.log(
    `${''.padEnd(width)}  stagegate  no code cache  squawk (npm)  squawk (binary)  ratio to npm  no cache to npm  ratio to binary`,
  );
  for (const row of rows)
    console.log(
      `${row.case.padEnd(width)}  ${`${row.stagegateMs} ms`.padStart(9)}  ${`${row.stagegateNoCodeCacheMs} ms`.padStart(13)}  ${`${row.squawkNpmMs} ms`.padStart(12)}  ${`${row.squawkBinaryMs} ms`.padStart(15)}  ${`${row.overSquawkNpm.toFixed(2)}×`.padStart(12)}  ${`${row.noCodeCacheOverSquawkNpm.toFixed(2)}×`.padStart(15)}  ${`${row.overSquawkBinary.toFixed(2)}×`.padStart(15)}`,
    );
  for (const goal of goals)
    console.log(`goal: ${goal.goal} (against squawk from npm): ${goal.ratio.toFixed(2)}× · ${goal.met ? 'met' : 'not met'}`);
}
