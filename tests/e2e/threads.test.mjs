// The threaded WebAssembly build (rayon on Web Workers, used when the page is cross-origin
// isolated) gives the same results as the single-threaded one: every analysis of
// tests/e2e/pages/threads-worker.js (item analysis, 2PL/3PL/GRM/GPCM calibrations with and
// without standard errors, EAP and WLE scoring, DINA and G-DINA) within 1e-10 (relative), on
// simulated data large enough that the work is split over the pool. Both builds split the work
// into the same fixed chunks and add them up in the same order, so in practice they agree bit
// for bit; the test reports how many numbers do. And a page that is not cross-origin isolated
// gets the single-threaded build, which works as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { assertCleanLog, launchBrowser, readNumber, REPO_ROOT, startSite, watchPage } from './helpers.mjs';
import { assertWasmBuilt, launchBenchBrowser, startBenchServer } from '../../scripts/bench-browser.mjs';

const REL_TOL = 1e-10;

/** Walks two parsed results side by side; counts numbers and exact matches, lists differences. */
function compare(a, b, where, tally) {
  if (typeof a === 'number' && typeof b === 'number') {
    tally.numbers++;
    if (Object.is(a, b)) tally.identical++;
    else if (Math.abs(a - b) > REL_TOL * Math.max(Math.abs(a), Math.abs(b), 1e-300)) tally.diffs.push(`${where}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) tally.diffs.push(`${where}: length ${a.length} vs ${b.length}`);
    else a.forEach((x, i) => compare(x, b[i], `${where}[${i}]`, tally));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) compare(a[k], b[k], `${where}.${k}`, tally);
    return;
  }
  if (a !== b) tally.diffs.push(`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

test('the threaded and the single-threaded wasm builds give the same results (1e-10)', { timeout: 300_000 }, async () => {
  assertWasmBuilt();
  assert.ok(existsSync(path.join(REPO_ROOT, 'target/wasm-web-threads/pacer_core_bg.wasm')), 'the threaded build exists (bash scripts/build-wasm)');
  const server = await startBenchServer();
  const origin = server.url.replace('localhost', '127.0.0.1');
  const browser = await launchBenchBrowser();
  try {
    const page = await browser.newPage();
    const log = watchPage(page);
    await page.goto(`${origin}/tests/e2e/pages/threads.html`);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'the page is cross-origin isolated');
    const reply = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const worker = new Worker('/tests/e2e/pages/threads-worker.js', { type: 'module' });
          worker.addEventListener('message', (e) => resolve(e.data));
          worker.addEventListener('error', (e) => resolve({ ok: false, error: e.message }));
          worker.postMessage({ threads: 2 });
        }),
    );
    assert.ok(reply.ok, reply.error);
    assert.deepEqual(reply.threadedBuild, { single: false, threaded: true });
    const names = Object.keys(reply.single);
    assert.ok(names.length >= 9);
    const report = [];
    for (const name of names) {
      const tally = { numbers: 0, identical: 0, diffs: [] };
      compare(JSON.parse(reply.single[name]), JSON.parse(reply.threaded[name]), name, tally);
      assert.ok(tally.numbers > 20, `${name}: ${tally.numbers} numbers compared`);
      assert.deepEqual(tally.diffs.slice(0, 10), [], `${name}: the builds differ`);
      report.push(`${name} ${tally.identical}/${tally.numbers}`);
    }
    console.log(`threads: numbers identical bit for bit (of those compared): ${report.join(', ')}`);
    assertCleanLog(log, origin);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('without cross-origin isolation (as in an LMS iframe) the site runs the single-threaded build', { timeout: 120_000 }, async () => {
  const server = await startSite();
  const origin = server.url.replace('localhost', '127.0.0.1');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const log = watchPage(page);
    // The same site, its responses stripped of the COEP header, as a host that does not send it.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await page.goto(`${origin}/`);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false, 'the page is not cross-origin isolated');
    const footer = page.locator('#engine-version[data-threads="1"]');
    await footer.waitFor();
    assert.match(await footer.textContent(), /one thread/);
    await page.click('#run-sample');
    await page.locator('#results #alpha').waitFor();
    // psych::alpha(LSAT7)$total$raw_alpha, as in item-analysis.test.mjs.
    assert.ok(Math.abs((await readNumber(page, '#alpha', 6)) - 0.453408735387426) < 1e-6);
    assert.ok(log.requests.some((u) => u.endsWith('/www/pkg/pacer_core_bg.wasm')), 'the single-threaded wasm was loaded');
    assert.ok(!log.requests.some((u) => u.includes('/www/pkg-threads/')), 'nothing of the threaded build');
    assertCleanLog(log, origin);
  } finally {
    await browser.close();
    await server.close();
  }
});
