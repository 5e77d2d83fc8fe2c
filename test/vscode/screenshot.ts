// Lets a test in the extension host ask for a picture of the whole workbench. Only the launcher
// drives the browser, so the test drops a request file in a directory the code-server launcher
// watches, and that launcher answers with a PNG beside it.
import * as fs from 'fs';
import * as path from 'path';
import { SCREENSHOT_REQUESTS_ENV } from './workspace-fixture';

const SCREENSHOT_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;

/**
 * Takes a screenshot named `name` (letters, digits, `.`, `_`, `-`) and returns the PNG's path,
 * or undefined when no launcher can take one (under @vscode/test-electron) or it did not answer
 * in time. Tests should treat screenshots as evidence to keep, not as something to assert on.
 */
export async function screenshot(name: string): Promise<string | undefined> {
  const dir = process.env[SCREENSHOT_REQUESTS_ENV];
  if (!dir) return undefined;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`Screenshot name ${JSON.stringify(name)} may hold only letters, digits, ".", "_" and "-".`);
  }

  const png = path.join(dir, `${name}.png`);
  const request = path.join(dir, `${name}.request`);
  fs.rmSync(png, { force: true });
  fs.writeFileSync(request, JSON.stringify({ requestedAt: new Date().toISOString() }));

  // The launcher writes the PNG atomically (rename) and then deletes the request.
  const deadline = Date.now() + SCREENSHOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.existsSync(png) && !fs.existsSync(request)) return png;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  fs.rmSync(request, { force: true });
  console.warn(`screenshot(${name}): no answer from the launcher within ${SCREENSHOT_TIMEOUT_MS} ms`);
  return undefined;
}
