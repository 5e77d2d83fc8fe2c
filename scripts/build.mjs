// Bundles the extension, the CLI and the webview with esbuild, and copies the files they load at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { writeCatalogue } from './catalogue.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });
writeCatalogue();

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

// The CLI bundle holds what `check` runs. Code only some runs need is loaded from sibling files when needed, so that
// every run does not compile it: the PostgreSQL parser's loader (dist/pg-parser.js, required only when there is SQL
// to read), Ajv's schema compiler (dist/ajv.js: the Stagegate schemas come precompiled, only flagd files need it),
// simulate, calibrate and backtest (dist/commands.js), the language server (`stagegate lsp` loads dist/server.js,
// which starts it) and the trace command (`stagegate trace` loads dist/trace.js, which holds PGlite's and
// node-postgres's JavaScript). Each sibling bundle holds its own copy of the engine code it uses.
const cliSplit = {
  name: 'cli-split',
  setup(build) {
    build.onResolve({ filter: /^libpg-query$/ }, () => ({ path: './pg-parser.js', external: true }));
    build.onResolve({ filter: /^\.\/server\.js$/, namespace: 'cli-split' }, () => ({ path: './server.js', external: true }));
    build.onResolve({ filter: /^\.\/trace-command$/ }, () => ({ path: './trace.js', external: true }));
    build.onResolve({ filter: /^\.\/commands$/ }, () => ({ path: './commands.js', external: true }));
    build.onResolve({ filter: /^\.\/ajv-compiler$/ }, () => ({ path: './ajv.js', external: true }));
    build.onResolve({ filter: /^\.\/precompiled$/ }, () => ({ path: './schemas.js', external: true }));
    build.onResolve({ filter: /\/server\/listen$/ }, () => ({ path: 'server-listen', namespace: 'cli-split' }));
    build.onLoad({ filter: /.*/, namespace: 'cli-split' }, () => ({
      contents: "exports.listen = () => { require('./server.js'); };",
      loader: 'js',
    }));
  },
};

// The language server loads the trace core (PGlite, node-postgres) from dist/trace.js when a trace runs, so that a
// server that never traces does not load it.
const serverSplit = {
  name: 'server-split',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/node\/trace\/(database|trace)$/ }, () => ({ path: './trace.js', external: true }));
  },
};

// Ajv's standalone code for the two Stagegate schemas, compiled with the options of src/engine/schema/ajv-compiler.ts: the
// CLI carries these validators (dist/schemas.js) instead of compiling the schemas on every run (most of a plan's check).
const requireHere = createRequire(import.meta.url);
const { default: Ajv } = requireHere('ajv');
const { default: addFormats } = requireHere('ajv-formats');
const { default: standaloneCode } = requireHere('ajv/dist/standalone');
const precompiledSchemas = {
  name: 'precompiled-schemas',
  setup(build) {
    build.onLoad({ filter: /src[\\/]engine[\\/]schema[\\/]precompiled\.ts$/ }, () => {
      const ajv = addFormats(new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true, code: { source: true } }), [
        'date',
      ]);
      const schema = (name) => requireHere(join(root, 'schemas', `${name}.schema.json`));
      const releasePlan = schema('release-plan');
      const flagSet = schema('flag-set');
      ajv.addSchema(releasePlan).addSchema(flagSet);
      const code = standaloneCode(ajv, { releasePlan: releasePlan.$id, flagSet: flagSet.$id });
      return {
        contents: `${code}\nexports.precompiled = { 'release-plan': exports.releasePlan, 'flag-set': exports.flagSet };\n`,
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', plugins: [cliSplit] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/commands.ts'], outfile: 'dist/commands.js', plugins: [cliSplit] }),
  esbuild.build({
    ...common,
    entryPoints: ['src/engine/schema/precompiled.ts'],
    outfile: 'dist/schemas.js',
    plugins: [precompiledSchemas],
  }),
  esbuild.build({ ...common, entryPoints: ['src/engine/schema/ajv-compiler.ts'], outfile: 'dist/ajv.js' }),
  esbuild.build({ ...common, entryPoints: ['node_modules/libpg-query/wasm/index.cjs'], outfile: 'dist/pg-parser.js' }),
  // PGlite and node-postgres are bundled, so the package installs no dependency. PGlite looks for its WASM and data
  // beside the module that holds it (copied below); node-postgres's native and Cloudflare sockets are never used in Node.
  // The same bundle serves the language server's "Trace Migration" (the trace core's two modules).
  esbuild.build({
    ...common,
    stdin: {
      contents: [
        "export { runTrace } from './src/cli/trace-command';",
        "export { openPglite } from './src/node/trace/database';",
        "export { traceMigrations, lockLevel } from './src/node/trace/trace';",
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'trace-entry.ts',
      loader: 'ts',
    },
    outfile: 'dist/trace.js',
    external: ['pg-native', 'pg-cloudflare'],
    plugins: [cliSplit],
  }),
  // The language server the VS Code client starts; `stagegate lsp` serves the same one from the CLI bundle.
  esbuild.build({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', plugins: [serverSplit] }),
  // The report's charts, for the webview and the HTML report: a browser bundle exposing StagegateReport.
  esbuild.build({
    entryPoints: ['webview/simulation.ts'],
    outfile: 'dist/webview.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
  }),
  esbuild.build({
    entryPoints: ['webview/report-charts.ts'],
    outfile: 'dist/report-charts.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'StagegateReport',
    target: 'es2020',
    minify: true,
    logLevel: 'warning',
    absWorkingDir: root,
  }),
]);
copyFileSync(join(root, 'node_modules/chart.js/dist/chart.umd.min.js'), join(dist, 'chart.umd.min.js'));

// The PostgreSQL parser is WASM; the bundled loader looks for it beside the bundle.
copyFileSync(join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm'), join(dist, 'libpg-query.wasm'));

// PostgreSQL for `stagegate trace`: PGlite's server and initdb WASM and its data (the share/ files). Its extensions'
// tarballs are not copied: a trace loads none.
for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm'])
  copyFileSync(join(root, 'node_modules/@electric-sql/pglite/dist', file), join(dist, file));
