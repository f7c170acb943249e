// The npm package's createPacerWorker() in a browser: a page imports the built package (pkg/,
// scripts/build-npm) as a browser would and runs item analysis and a 2PL calibration of LSAT7 in
// the package's module Web Worker, with progress, a PacerError for a bad file and cancel(),
// under the site's Content-Security-Policy and without requests to other origins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { assertCleanLog, REPO_ROOT, watchPage } from './helpers.mjs';
import { launchBenchBrowser, startBenchServer } from '../../scripts/bench-browser.mjs';

test('createPacerWorker from the npm package works in a browser', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'pkg/worker.js')), 'the package is built (scripts/build-npm)');
  const server = await startBenchServer();
  const origin = server.url.replace('localhost', '127.0.0.1');
  const browser = await launchBenchBrowser();
  try {
    const page = await browser.newPage();
    const log = watchPage(page);
    await page.goto(`${origin}/tests/e2e/pages/npm-worker.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 100_000 });
    const r = JSON.parse(await page.textContent('#out'));
    assert.equal(r.failed, undefined, r.failed);
    assert.ok(Math.abs(r.alpha - 0.453408735387426) < 1e-9, `alpha ${r.alpha}`);
    assert.ok(Math.abs(r.loglik - -2658.805) < 1e-3, `loglik ${r.loglik}`);
    assert.ok(r.progress > 0, 'progress reported');
    assert.deepEqual(r.error, { isPacer: true, code: 'non_numeric', row: 3, column: 'b' });
    assert.equal(r.cancelled, 'cancelled');
    assert.match(r.version, /^\d+\.\d+\.\d+$/);
    assert.ok(log.requests.some((u) => u.endsWith('/pkg/worker.js')), 'the package worker was started');
    assertCleanLog(log, origin);
  } finally {
    await browser.close();
    await server.close();
  }
});
