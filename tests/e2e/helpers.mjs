// Shared set-up for the browser end-to-end tests (not a test file itself).
//
// The site under test is the built dist/ (scripts/build-site), served
// in-process by scripts/serve.mjs. PACER_SITE_ROOT overrides the directory,
// PACER_CHROMIUM the browser (default: Debian's /usr/bin/chromium).

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SITE_ROOT = path.resolve(REPO_ROOT, process.env.PACER_SITE_ROOT ?? 'dist');
export const CHROMIUM = process.env.PACER_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox', // the tests run as root
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Fails early, with a useful message, when the site has not been built. */
export function assertSiteBuilt() {
  const needed = ['index.html', 'www/app.js', 'www/pkg/pacer_core.js', 'www/pkg/pacer_core_bg.wasm', 'staticwebapp.config.json'];
  const missing = needed.filter((f) => !existsSync(path.join(SITE_ROOT, f)));
  if (missing.length) {
    throw new Error(`${SITE_ROOT} is missing ${missing.join(', ')}: build the site first (bash scripts/build-site).`);
  }
}

export async function startSite() {
  assertSiteBuilt();
  return startServer({ root: SITE_ROOT, port: 0 });
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Records what a page does that a test may want to forbid: requests (with
 * their origins), failed requests, console errors and uncaught exceptions.
 */
export function watchPage(page) {
  const log = { requests: [], failed: [], consoleErrors: [], consoleWarnings: [], pageErrors: [] };
  page.on('request', (req) => log.requests.push(req.url()));
  page.on('requestfailed', (req) => log.failed.push(`${req.url()} (${req.failure()?.errorText})`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.consoleErrors.push(`${msg.text()} @ ${msg.location()?.url ?? ''}`);
    if (msg.type() === 'warning') log.consoleWarnings.push(msg.text());
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  // The worker's errors and requests are reported through the page's events
  // too (Playwright attributes worker network traffic to the page).
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') log.consoleErrors.push(`[worker] ${msg.text()}`);
    });
  });
  return log;
}

/** The origin a URL belongs to; blob: URLs belong to their creator's origin. */
export function originOf(url) {
  if (url.startsWith('data:')) return 'data:';
  return new URL(url).origin;
}

/**
 * Runs `fn`; if it throws, saves a full-page screenshot (and the page's HTML)
 * to tests/e2e/artifacts/<name>.* for debugging, then rethrows.
 */
export async function withFailureScreenshot(page, name, fn) {
  try {
    await fn();
  } catch (error) {
    const dir = path.join(REPO_ROOT, 'tests/e2e/artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => {});
    const html = await page.content().catch(() => '');
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, `${name}.html`), html)).catch(() => {});
    throw error;
  }
}
