// Smoke check of the browser benchmark page (bench/, driven by scripts/bench-browser): with
// ?runs=1&cases=10k it loads the release wasm module (target/wasm-web/) in its worker, runs one
// warm-up and one timed 2PL calibration of sim_2pl_10k and reports a sane result, under the
// site's Content-Security-Policy and without requests to other origins. It checks that the
// harness works, not the speed (a few seconds; the benchmark itself is not part of the tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanLog } from './helpers.mjs';
import { assertWasmBuilt, launchBenchBrowser, runBenchPage, startBenchServer } from '../../scripts/bench-browser.mjs';

test('the benchmark page runs one 2PL calibration of sim_2pl_10k in its worker', { timeout: 120_000 }, async () => {
  assertWasmBuilt();
  const server = await startBenchServer();
  const origin = server.url.replace('localhost', '127.0.0.1');
  const browser = await launchBenchBrowser();
  try {
    const { report, log } = await runBenchPage({ browser, origin, query: 'runs=1&cases=10k', timeoutMs: 100_000 });
    assert.equal(report.state, 'done', `the page finished: ${JSON.stringify(report.error)}`);
    assert.equal(report.cases.length, 1);
    const [r] = report.cases;
    assert.equal(r.name, 'sim_2pl_10k');
    assert.equal(r.runs, 1);
    assert.equal(r.timesMs.length, 1);
    assert.ok(r.medianMs > 0 && Number.isFinite(r.medianMs), `median ${r.medianMs}`);
    assert.equal(r.nPersons, 10000);
    assert.equal(r.nItems, 50);
    assert.ok(r.converged, 'the fit converged');
    assert.ok(r.iterations > 0);
    // mirt reaches -271157.166 (tests/fixtures/sim_2pl_10k); the reference tests check it closely.
    assert.ok(Math.abs(r.loglik - -271157.16) < 0.5, `loglik ${r.loglik}`);
    assert.ok(r.memoryBytes >= r.memoryAfterInitBytes && r.memoryBytes > 0, 'wasm memory reported');
    assert.ok(r.sameFitEveryRun);
    assert.ok(report.targets.some((t) => t.case === 'sim_2pl_10k'), 'targets checked');
    assertCleanLog(log, origin);
  } finally {
    await browser.close();
    await server.close();
  }
});
