// Cold start: on localhost, with an empty cache, the site is interactive in under 1 s (the tool's
// file input and sample button are on the page and the analysis engine, WebAssembly and its
// thread pool, is loaded: the footer names the engine), and each WebAssembly module the site can
// load weighs under 1.5 MB gzip-compressed (what a static host such as Azure Static Web Apps
// sends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { assertCleanLog, SITE_ROOT, useBrowserSite, watchPage } from './helpers.mjs';

const INTERACTIVE_MS = 1000;
const WASM_GZIP_BYTES = 1.5e6;
const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-cold-' });

test('each wasm module is under 1.5 MB gzip-compressed', () => {
  for (const rel of ['www/pkg/pacer_core_bg.wasm', 'www/pkg-threads/pacer_core_bg.wasm']) {
    const bytes = readFileSync(path.join(SITE_ROOT, rel));
    const gz = gzipSync(bytes, { level: 9 }).length;
    console.log(`cold start: ${rel} ${bytes.length} bytes, ${gz} gzip`);
    assert.ok(gz < WASM_GZIP_BYTES, `${rel}: ${gz} bytes gzip (limit ${WASM_GZIP_BYTES})`);
  }
});

test('the site is interactive in under 1 s from a cold cache', { timeout: 60_000 }, async () => {
  const times = [];
  // Three fresh contexts (empty cache each); the median is judged, so that one hiccup of a
  // shared 2-core machine does not decide.
  for (let i = 0; i < 3; i++) {
    const context = await site.browser.newContext();
    try {
      const page = await context.newPage();
      const log = watchPage(page);
      await page.goto(`${site.origin}/`);
      await page.locator('#engine-version[data-threads]').waitFor();
      // Milliseconds since the navigation started, on the page's own clock.
      const ms = await page.evaluate(() => performance.now());
      assert.ok(await page.locator('#file-input').isEnabled(), 'the file input is enabled');
      assert.ok(await page.locator('#run-sample').isEnabled(), 'the sample button is enabled');
      const wasm = log.requests.filter((u) => u.endsWith('.wasm'));
      assert.equal(wasm.length, 1, `one wasm module loaded: ${wasm.join(', ')}`);
      assertCleanLog(log, site.origin);
      const detail = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
      });
      console.log(`cold start ${i + 1}: engine ready after ${ms.toFixed(0)} ms (DOMContentLoaded ${detail.domContentLoaded.toFixed(0)} ms, load ${detail.load.toFixed(0)} ms); ${await page.textContent('#engine-version')}`);
      times.push(ms);
    } finally {
      await context.close();
    }
  }
  const median = times.slice().sort((a, b) => a - b)[1];
  assert.ok(median < INTERACTIVE_MS, `interactive after ${median.toFixed(0)} ms (median of ${times.map((t) => t.toFixed(0)).join(', ')}; limit ${INTERACTIVE_MS} ms)`);
});
