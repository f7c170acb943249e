// Shared set-up for the browser end-to-end tests (not a test file itself).
//
// The site under test is the built dist/ (scripts/build-site), served
// in-process by scripts/serve.mjs. PACER_SITE_ROOT overrides the directory,
// PACER_CHROMIUM the browser (default: Debian's /usr/bin/chromium).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
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

/**
 * The usual set-up of a browser test file: registers `before` and `after`
 * hooks (call it at the top level of the test file) that start the site, a
 * browser and a temporary directory, and stop them again. The returned
 * object's fields are filled in by `before`: server, browser, tmp, and
 * origin (the site on 127.0.0.1, what the server binds to, to avoid any IPv6
 * detour through "localhost").
 */
export function useBrowserSite({ tmpPrefix = 'pacer-e2e-' } = {}) {
  const site = { server: null, browser: null, tmp: null, origin: null };
  before(async () => {
    site.server = await startSite();
    site.origin = site.server.url.replace('localhost', '127.0.0.1');
    site.browser = await launchBrowser();
    site.tmp = await mkdtemp(path.join(tmpdir(), tmpPrefix));
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
    if (site.tmp) await rm(site.tmp, { recursive: true, force: true });
  });
  return site;
}

/**
 * Runs `scenario(page, log)` in a fresh browser context that accepts
 * downloads, with the page watched (watchPage) and a screenshot called
 * `name` saved if it fails.
 */
export async function inNewContext(browser, name, scenario) {
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const page = await context.newPage();
    const log = watchPage(page);
    await withFailureScreenshot(page, name, () => scenario(page, log));
  } finally {
    await context.close();
  }
}

/**
 * Asserts that the page behaved: every request went to `origin` (or was a
 * data: URL), none failed, no uncaught exception, no console error (which
 * includes CSP violations), no warning about the security headers.
 */
export function assertCleanLog(log, origin) {
  const foreign = log.requests.filter((url) => !['data:', origin].includes(originOf(url)));
  assert.deepEqual(foreign, [], 'every request goes to the page\u2019s own origin');
  assert.deepEqual(log.failed, [], 'no failed request');
  assert.deepEqual(log.pageErrors, [], 'no uncaught exception');
  assert.deepEqual(log.consoleErrors, [], 'no console error (including CSP violations)');
  // e.g. "Error with Permissions-Policy header: Unrecognized feature" is only a warning.
  const headerWarnings = log.consoleWarnings.filter((w) => /Permissions-Policy|Content.Security.Policy|Refused/i.test(w));
  assert.deepEqual(headerWarnings, [], 'no warning about the security headers');
}

/** Presses Tab `count` times; returns the ids (or tag names) of the elements that got the focus. */
export async function tabThrough(page, count) {
  const reached = new Set();
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  return reached;
}

/** Clicks `selector`, waits for the download it starts and saves it as `file`; returns the download. */
export async function saveDownload(page, selector, file) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  await download.saveAs(file);
  return download;
}

/**
 * The number shown in `selector`, checked to be written with at least
 * `decimals` decimals (the pages show full numbers there for the tests).
 */
export async function readNumber(page, selector, decimals = 3) {
  const text = (await page.locator(selector).textContent()).trim();
  assert.match(text, new RegExp(`^-?\\d+\\.\\d{${decimals},}$`), `${selector} should be a number with at least ${decimals} decimals, got "${text}"`);
  return Number(text);
}

/** Parses one CSV line (RFC 4180 quoting) into fields. */
export function parseCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else field += c;
  }
  fields.push(field);
  return fields;
}

/** A CSV file (one record a line, no empty lines) as its lines, header fields and rows of fields. */
export async function readCsvFile(file) {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.length);
  const [header = [], ...rows] = lines.map(parseCsvLine);
  return { lines, header, rows };
}
