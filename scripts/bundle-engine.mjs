// The engine as the CLI and the language server ship it, bundled by esbuild, for scripts that run it from source
// (benchmarks, docs:check). libpg-query stays external so that its loader finds its WASM in node_modules; bundles
// go to out/bench/.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCatalogue } from './catalogue.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `exportLines` (TypeScript re-exports from the repository root) and loads the bundle. */
export async function bundleEngine(name, exportLines) {
  writeCatalogue();
  const folder = join(root, 'out', 'bench');
  mkdirSync(folder, { recursive: true });
  const bundle = join(folder, `${name}.cjs`);
  await esbuild.build({
    stdin: { contents: exportLines.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    external: ['libpg-query'],
    logLevel: 'warning',
  });
  return { engine: createRequire(bundle)(bundle), require: createRequire(bundle) };
}
