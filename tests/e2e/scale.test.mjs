// Scale: a response file of 1,000,000 examinees x 100 binary items (200 MB of CSV) loads, gets an
// item analysis and then a 2PL calibration through the real pages and their Web Workers in
// headless Chromium: in under 60 s altogether, with under 1 GB of WebAssembly memory per engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanLog, launchBrowser, startSite, watchPage, withFailureScreenshot } from './helpers.mjs';

const PERSONS = 1_000_000;
const ITEMS = 100;
const LIMIT_SECONDS = 60;
const LIMIT_MEMORY_BYTES = 2 ** 30;

test('1,000,000 x 100 responses: item analysis and a 2PL calibration in a tab, < 60 s, < 1 GB of wasm memory', { timeout: 400_000 }, async () => {
  const server = await startSite();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const log = watchPage(page);
    const origin = `http://localhost:${server.port}`;
    await page.goto(`${origin}/`);
    await page.waitForSelector('#file-input', { state: 'attached' });
    await withFailureScreenshot(page, 'scale', async () => {
      // Build the file inside the page (sending 200 MB through the test driver would test the
      // driver): 2PL responses, P = 1 / (1 + exp(-a (theta - b))), theta ~ N(0, 1),
      // a ~ U(0.7, 2), b ~ N(0, 1), from a fixed-seed generator. Kept on window for the IRT page.
      await page.evaluate(
        ({ n, k }) => {
          let s = 20261124;
          const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
          const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
          const a = Array.from({ length: k }, () => 0.7 + 1.3 * uniform());
          const b = Array.from({ length: k }, () => normal());
          const header = Array.from({ length: k }, (_, j) => `i${j + 1}`).join(',') + '\n';
          const parts = [header];
          const rowsPerChunk = 10_000;
          for (let start = 0; start < n; start += rowsPerChunk) {
            const bytes = new Uint8Array(rowsPerChunk * 2 * k);
            let o = 0;
            for (let r = 0; r < rowsPerChunk; r++) {
              const theta = normal();
              for (let j = 0; j < k; j++) {
                bytes[o++] = uniform() < 1 / (1 + Math.exp(-a[j] * (theta - b[j]))) ? 49 : 48; // '1' : '0'
                bytes[o++] = j + 1 < k ? 44 : 10; // ',' or '\n'
              }
            }
            parts.push(bytes);
          }
          window.bigFile = new File(parts, 'big.csv', { type: 'text/csv' });
        },
        { n: PERSONS, k: ITEMS },
      );

      // The user's clock starts when the file is chosen.
      const chooseFile = (selector) =>
        page.evaluate((sel) => {
          const transfer = new DataTransfer();
          transfer.items.add(window.bigFile);
          const input = document.querySelector(sel);
          input.files = transfer.files;
          input.dispatchEvent(new Event('change', { bubbles: true }));
          return performance.now();
        }, selector);

      // 1. Item Analysis: choosing the file runs it.
      const t0 = await chooseFile('#file-input');
      await page.waitForFunction(() => /1,000,000 persons/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 240_000 });
      const tItems = await page.evaluate(() => performance.now());
      assert.match(await page.textContent('#status'), /100 items, 1,000,000 persons/);
      const alpha = Number(await page.textContent('#alpha'));
      assert.ok(alpha > 0.9 && alpha < 1, `alpha of 100 2PL items: ${alpha}`);

      // 2. IRT Calibration of the same file with the page's defaults (2PL, standard errors).
      await page.goto(`${origin}/#/irt-calibration`);
      await page.locator('#irt-file-input').waitFor({ state: 'attached' });
      assert.equal(await page.locator('#irt-model-2pl').isChecked(), true, '2PL is the default');
      const t1 = await chooseFile('#irt-file-input');
      await page.locator('#irt-status', { hasText: 'big.csv is loaded' }).waitFor({ timeout: 120_000 });
      await page.click('#irt-run');
      await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 300_000 });
      const tIrt = await page.evaluate(() => performance.now());
      const status = await page.textContent('#irt-status');
      assert.match(status, /Calibrated big\.csv/);
      assert.doesNotMatch(status, /not converge/i, status);

      const engine = await page.evaluate(async () => {
        const { engineBuild } = await import('/www/engine.js');
        return { main: await engineBuild('main'), irt: await engineBuild('irt') };
      });
      const itemsSeconds = (tItems - t0) / 1000;
      const irtSeconds = (tIrt - t1) / 1000;
      const total = itemsSeconds + irtSeconds;
      console.log(
        `scale: item analysis ${itemsSeconds.toFixed(1)} s, 2PL calibration ${irtSeconds.toFixed(1)} s (file to results), ` +
          `${total.toFixed(1)} s in all; wasm memory ${(engine.main.memoryBytes / 2 ** 20).toFixed(0)} MiB (Item Analysis), ` +
          `${(engine.irt.memoryBytes / 2 ** 20).toFixed(0)} MiB (IRT); ${engine.irt.threaded ? `${engine.irt.threads} threads` : 'one thread'}; ${status.trim()}`,
      );
      assert.ok(total < LIMIT_SECONDS, `item analysis and 2PL calibration took ${total.toFixed(1)} s (limit ${LIMIT_SECONDS} s)`);
      for (const lane of ['main', 'irt']) {
        assert.ok(engine[lane].memoryBytes > 0 && engine[lane].memoryBytes < LIMIT_MEMORY_BYTES, `${lane}: ${engine[lane].memoryBytes} bytes of wasm memory`);
      }
      assertCleanLog(log, origin);
    });
  } finally {
    await browser.close();
    await server.close();
  }
});
