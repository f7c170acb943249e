// Scale: a response file of 1,000,000 examinees x 100 binary items (200 MB of CSV) loads and is
// analysed through the real page and its Web Worker in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startSite, watchPage, withFailureScreenshot } from './helpers.mjs';

test('1,000,000 x 100 responses load and get an item analysis in a tab', { timeout: 300_000 }, async () => {
  const server = await startSite();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const log = watchPage(page);
    await page.goto(server.url ?? `http://localhost:${server.port}/`);
    await page.waitForSelector('#file-input', { state: 'attached' });
    await withFailureScreenshot(page, 'scale', async () => {
      // Build the file inside the page (sending 200 MB through the test driver would test the
      // driver), then hand it to the file input exactly as a user's choice would arrive.
      const seconds = await page.evaluate(async () => {
        const n = 1_000_000, k = 100;
        const header = Array.from({ length: k }, (_, j) => `i${j + 1}`).join(',') + '\n';
        const parts = [header];
        let s = 1;
        const rowsPerChunk = 10_000;
        for (let start = 0; start < n; start += rowsPerChunk) {
          const bytes = new Uint8Array(rowsPerChunk * 2 * k);
          let o = 0;
          for (let r = 0; r < rowsPerChunk; r++) {
            for (let j = 0; j < k; j++) {
              s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
              bytes[o++] = (s >>> 16) % 100 < 60 ? 49 : 48; // '1' with probability .6
              bytes[o++] = j + 1 < k ? 44 : 10; // ',' or '\n'
            }
          }
          parts.push(bytes);
        }
        const file = new File(parts, 'big.csv', { type: 'text/csv' });
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const input = document.querySelector('#file-input');
        input.files = transfer.files;
        const t0 = performance.now();
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return t0 / 1000;
      });
      await page.waitForFunction(() => /1,000,000 persons/.test(document.querySelector('#status')?.textContent ?? ''), null, {
        timeout: 240_000,
      });
      const status = await page.textContent('#status');
      const elapsed = (await page.evaluate(() => performance.now() / 1000)) - seconds;
      console.log(`scale: ${status.trim()} (page clock ${elapsed.toFixed(1)} s)`);
      assert.match(status, /100 items, 1,000,000 persons/);
      const alpha = Number(await page.textContent('#alpha'));
      assert.ok(Number.isFinite(alpha), `alpha shown: ${alpha}`);
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    });
  } finally {
    await browser.close();
    await server.close();
  }
});
