/**
 * A real headless Chromium for the dashboard tests, driven by playwright-core: Debian's package
 * (installed by `scripts/servers.ts`, entry `chromium`), a new empty profile per browser, and
 * every console error and page error collected for the test to check.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from '../../../scripts/servers/chromium.js';

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with an empty profile, closed (and its profile removed) when the test ends. */
export async function openBrowser(t: ExecutionContext): Promise<BrowserContext> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: install the browser with \`npx tsx scripts/servers.ts up chromium\` ` +
        '(the Debian package chromium; `npm test` does it)',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'kindling-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1360, height: 900 },
    timeout: 30_000,
  });
  t.teardown(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}

/** A page whose console errors and uncaught errors land in `errors`. */
export async function watchedPage(browser: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.setDefaultTimeout(10_000);
  return { page, errors };
}
