// Entry point VS Code loads inside the extension host (extensionTestsPath) under either launcher:
// runs every out/test/vscode/suite/**/*.test.js with mocha and rejects when any test fails.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';
import { TEST_REPORT_ENV } from './workspace-fixture';

const TEST_TIMEOUT_MS = 60_000;

/** Environment variable: only run tests whose full title matches this regular expression. */
const GREP_ENV = 'STAGEGATE_TEST_GREP';

export async function run(): Promise<void> {
  const report = openReport(process.env[TEST_REPORT_ENV]);
  try {
    await runSuite();
  } catch (error) {
    report.write(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  } finally {
    report.close();
  }
}

async function runSuite(): Promise<void> {
  const suiteDir = path.join(__dirname, 'suite');
  const files = findTestFiles(suiteDir);
  if (files.length === 0) {
    // A suite that silently runs nothing would pass; a missing compile step is the usual cause.
    throw new Error(`No *.test.js files under ${suiteDir}: run \`npm run compile-tests\` first.`);
  }

  const mocha = new Mocha({
    ui: 'bdd',
    timeout: TEST_TIMEOUT_MS,
    reporter: 'spec',
    // The extension host's console is not a TTY; escape codes would litter CI logs.
    color: false,
    forbidOnly: Boolean(process.env.CI),
  });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(new RegExp(grep));
  for (const file of files) mocha.addFile(file);

  // mocha.run loads the files synchronously: one that throws while loading rejects here.
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (error) {
      reject(error);
    }
  });
  if (failures > 0) {
    throw new Error(`${failures} real VS Code test${failures === 1 ? '' : 's'} failed.`);
  }
}

/**
 * When `file` is set, copies everything mocha's reporters print into it as well (they all print
 * through `Base.consoleLog`), so the launcher can show the report. Otherwise changes nothing.
 */
function openReport(file: string | undefined): { write(text: string): void; close(): void } {
  if (!file) return { write: () => undefined, close: () => undefined };
  const base = Mocha.reporters.Base;
  const original = base.consoleLog;
  const write = (text: string) => fs.appendFileSync(file, text + '\n');
  base.consoleLog = (...args: unknown[]) => {
    original(...args);
    write(util.format(...args));
  };
  return { write, close: () => (base.consoleLog = original) };
}

/** Test files below `dir`, sorted so runs are in a stable order. */
function findTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}
