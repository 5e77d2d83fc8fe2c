#!/usr/bin/env node
// Entry point for `npx stagegate`: runs the bundled CLI (dist/cli.js). An installed package carries the bundle (its
// prepack script builds it); only a clone of the repository, which has scripts/, builds it when dist/ is missing.
const path = require('path');
const fs = require('fs');
const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  const build = path.join(root, 'scripts', 'build.mjs');
  if (!fs.existsSync(build)) {
    process.stderr.write(
      `stagegate: this installation has no built CLI (${bundle} is missing): the package was packed without running its build. ` +
        'Install a package made by `npm pack` or `npm publish` (their prepack script builds dist/), or run the CLI from a clone of the repository.\n',
    );
    process.exit(2);
  }
  try {
    require('child_process').execFileSync(process.execPath, [build], { stdio: 'inherit' });
  } catch {
    process.stderr.write('stagegate: building dist/ from the sources failed (see above); in a clone, run `npm install` first.\n');
    process.exit(2);
  }
}
// A CLI run parses SQL once and exits: V8's baseline WASM compiler (Liftoff) is enough, and its optimising tier-up of the
// parser's hot functions costs more CPU than a run ever wins back (measured: bench/cli-startup.bench.mjs). Set before the
// bundle can compile the WASM; the language server (`stagegate lsp`, or the extension's), a long-lived process, keeps
// V8's default tiering.
// It also reuses the bundles' compiled code from earlier runs (bin/code-cache.js); a long-lived server compiles once.
if (process.argv[2] !== 'lsp') {
  require('v8').setFlagsFromString('--liftoff-only');
  // Not dist/trace.js, which imports PGlite's ES modules through import().
  require('./code-cache.js').useCodeCache(path.dirname(bundle), ['cli.js', 'commands.js', 'schemas.js', 'ajv.js', 'pg-parser.js']);
}
// `stagegate check | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
require(bundle)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
