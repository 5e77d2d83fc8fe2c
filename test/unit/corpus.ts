// Where the external corpus (other projects' files, read but never committed) lives: STAGEGATE_CORPUS, else
// ../shared/corpus beside the repository. The one module that knows; a clone without it skips the corpus tests
// with one line saying why, and the project's own fixtures cover the same behaviours.

import * as fs from 'fs';
import * as path from 'path';

const CORPUS_ENV = 'STAGEGATE_CORPUS';

function repositoryRoot(): string {
  let folder = __dirname;
  // out/ holds a copy of package.json (tsc emits imported JSON), so look for the tsconfig too.
  while (!fs.existsSync(path.join(folder, 'package.json')) || !fs.existsSync(path.join(folder, 'tsconfig.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no repository root above ${__dirname}`);
    folder = parent;
  }
  return folder;
}

/** The corpus folder as configured, whether or not it exists. */
export const CORPUS_ROOT = path.resolve(process.env[CORPUS_ENV] ?? path.join(repositoryRoot(), '..', 'shared', 'corpus'));

export function corpusAvailable(): boolean {
  return fs.existsSync(CORPUS_ROOT) && fs.statSync(CORPUS_ROOT).isDirectory();
}

/** A path inside the corpus; call it only inside `describeCorpus`, where the corpus exists. */
export function corpusPath(...segments: string[]): string {
  return path.join(CORPUS_ROOT, ...segments);
}

/** A mocha `describe` over corpus files: run where the corpus exists, one pending line saying why where it does not. */
export function describeCorpus(title: string, body: () => void): void {
  if (corpusAvailable()) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    it(`skipped: no external corpus at ${CORPUS_ROOT} (set ${CORPUS_ENV} to its folder)`);
  });
}
