import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run). */
export const CHROMIUM = process.env['FNODE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Where the browser tests save a screenshot of each page (gitignored). */
export const SCREENSHOTS = join(import.meta.dirname, '../../test-output/screenshots');

export interface TestBrowser {
  /** The browser's one context (its fresh profile), at 1280×800. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches a headless Chromium with a fresh profile; nothing it does reaches the network but
 * the test's server (no background services, updates, sync, QUIC).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'fnode-chromium-'));
  // Playwright takes the profile folder itself (a `--user-data-dir` argument is refused).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Collects the page's console errors and failed requests, to assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}
