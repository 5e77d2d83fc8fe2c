// `npm run bench`: every benchmark in this folder (`*.bench.mjs`), one process each so none inherits another's
// heap or JIT state. Arguments are passed on (`--json`, `--quick`); the exit code is the first failure's.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort();
let exitCode = 0;
for (const [i, name] of benches.entries()) {
  if (i > 0 && !process.argv.includes('--json')) process.stdout.write('\n');
  const result = spawnSync(process.execPath, [join(folder, name), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0 && exitCode === 0) exitCode = result.status ?? 1;
}
process.exit(exitCode);
