// Debian's Chromium, started headless for the tests of pages (the HTML report, the webview): offline, no sandbox
// (the tests run as root in containers), nothing in the background that could reach the network.
import * as assert from 'assert';
import { existsSync } from 'fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is installed (scripts/install-test-tools.sh installs it)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
