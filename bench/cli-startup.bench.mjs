// Whole-process start-up of `stagegate check`, as a pre-commit hook or a CI step pays it on every run: the time from
// spawning `node bin/stagegate.js check <file>` to its exit, against `node -e 0` (Node's own start-up) measured in the
// same run. Cases: the example plan (which lists one migration, so it reads SQL too), a plan without migrations (no
// SQL to read), a one-statement migration and a 2,000-statement one. The runs of all cases alternate, so drift on a
// shared machine hits them alike; medians of the runs. Builds dist/ first, so it measures the current sources.
// `node bench/cli-startup.bench.mjs [--json] [--quick]`; `npm run bench` runs it with the others.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../scripts/bundle-engine.mjs';

const json = process.argv.includes('--json');
const runs = process.argv.includes('--quick') ? 5 : 11;

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** A migration of `count` statements of the kinds real migrations hold, with a hazard every hundred. */
function migration(count) {
  const kinds = [
    (i) => `ALTER TABLE orders ADD COLUMN note_${i} text`,
    (i) => `CREATE INDEX CONCURRENTLY orders_note_${i}_idx ON orders (note_${i})`,
    (i) => `UPDATE orders SET note_${i} = 'n/a' WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999}`,
    (i) => `CREATE TABLE audit_${i} (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), created_at timestamptz NOT NULL)`,
  ];
  const statements = ["SET lock_timeout = '2s'"];
  for (let i = 1; i < count; i++)
    statements.push(i % 100 === 0 ? `CREATE INDEX orders_legacy_${i}_idx ON orders (legacy_${i})` : kinds[i % kinds.length](i));
  return statements.join(';\n') + ';\n';
}

const work = mkdtempSync(join(tmpdir(), 'stagegate-startup-bench-'));
const examplePlan = join(root, 'examples/checkout/checkout.release.yaml');
const bareplan = join(work, 'checkout.release.yaml');
writeFileSync(bareplan, readFileSync(examplePlan, 'utf8').replace(/\nmigrations:\n(\s+.*\n)+/, '\n'));
writeFileSync(join(work, 'one.sql'), 'ALTER TABLE orders ADD COLUMN note text;\n');
writeFileSync(join(work, 'many.sql'), migration(2000));

const bin = join(root, 'bin/stagegate.js');
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'example plan (lists 1 migration)', args: [bin, 'check', examplePlan] },
  { name: 'plan without migrations', args: [bin, 'check', bareplan] },
  { name: '1 statement', args: [bin, 'check', join(work, 'one.sql')] },
  { name: '2,000 statements', args: [bin, 'check', join(work, 'many.sql')] },
];
const times = cases.map(() => []);
try {
  // One warm-up round first: the page cache holds the files for every measured run alike.
  for (let round = 0; round <= runs; round++) {
    for (const [i, entry] of cases.entries()) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, entry.args, { cwd: work, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0 && result.status !== 1) throw new Error(`${entry.name} exited with ${result.status}`);
      if (round > 0) times[i].push(ms);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const node = median(times[0]);
const rows = cases.map((entry, i) => ({ case: entry.name, medianMs: Math.round(median(times[i])), overNode: median(times[i]) / node }));
if (json) console.log(JSON.stringify({ runs, rows }, null, 2));
else {
  console.log(`stagegate check as a whole process · node ${process.version} · medians of ${runs} alternating runs`);
  const width = Math.max(...rows.map((row) => row.case.length));
  for (const row of rows)
    console.log(`${row.case.padEnd(width)}  ${String(row.medianMs).padStart(5)} ms  ${row.overNode.toFixed(2)}× node -e 0`);
}
