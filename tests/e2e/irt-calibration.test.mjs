// End-to-end test of the IRT Calibration tool in headless Chromium, against
// the built site (dist/) with the real WebAssembly engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, readNumber, REPO_ROOT, saveDownload, tabThrough, useBrowserSite, watchPage } from './helpers.mjs';

// mirt 1.45.1, mirt(LSAT7, 1, itemtype = '2PL'): logLik (tests/fixtures/LSAT7/mirt_2PL_fit.json).
const MIRT_2PL = { loglik: -2658.80512782027, aic: 5337.61025564054, bic: 5386.68780843037, npar: 10 };
// psych::alpha(LSAT7)$total$raw_alpha, for the Item Analysis check.
const LSAT7_ALPHA = 0.453408735387426;

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-irt-' });

/** mirt's tightly converged 2PL estimates (a1, d) per item. */
async function mirtTight() {
  const { header, rows } = await readCsvFile(path.join(REPO_ROOT, 'tests/fixtures/LSAT7/mirt_2PL_tight_pars_slopeint.csv'));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? r[i] : Number(r[i])])));
}

/** The item table as [{item, a1, d, ...}] from the cells' full-precision data-value. */
function readItemTable(page) {
  return page.evaluate(() => {
    const keys = [...document.querySelectorAll('#irt-item-table thead th')].map((th) => th.dataset.key);
    return [...document.querySelectorAll('#irt-item-table tbody tr')].map((tr) =>
      Object.fromEntries(
        [...tr.children].map((cell, i) => [keys[i], cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent]),
      ),
    );
  });
}

/**
 * A 0/1 response file big enough that a calibration runs for a while
 * (a simple 2PL simulation with a fixed-seed generator).
 */
function simulatedResponses(persons, items) {
  let s = 12345;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const a = Array.from({ length: items }, () => 0.6 + uniform());
  const d = Array.from({ length: items }, () => 1.5 * normal());
  const lines = [Array.from({ length: items }, (_, j) => `q${j + 1}`).join(',')];
  for (let p = 0; p < persons; p++) {
    const theta = normal();
    lines.push(a.map((aj, j) => (uniform() < 1 / (1 + Math.exp(-(aj * theta + d[j]))) ? 1 : 0)).join(','));
  }
  return lines.join('\n') + '\n';
}

test('irt calibration: 2PL on LSAT7 as mirt, table, charts, downloads, bad file, cancel, Item Analysis still works; same-origin only, no console errors', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'irt-calibration', mainScenario),
);

async function mainScenario(page, log) {
  const { origin, tmp } = site;
  await page.goto(`${origin}/#/irt-calibration`);

  // The tools are in the nav; the IRT one is current.
  const nav = page.locator('nav .tool-nav__link');
  assert.deepEqual(await nav.allTextContents(), ['Item Analysis', 'IRT Calibration', 'Test Scoring', 'Equating', 'CDM Calibration', 'Skill Profiler']);
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'IRT Calibration');
  await page.locator('#irt-file-input').waitFor({ state: 'attached' });
  assert.equal(await page.locator('#irt-model-2pl').isChecked(), true, '2PL is the default model');
  assert.equal(await page.locator('#irt-se').isChecked(), true, 'standard errors are on by default');
  assert.equal(await page.locator('#irt-prior-alpha').isDisabled(), true, 'the guessing prior is for 3PL/4PL only');

  // 1. mirt's settings (logistic metric D = 1, a tight tolerance), then the sample: loads and runs.
  await page.check('#irt-model-2pl');
  await page.check('#irt-d-1');
  await page.fill('#irt-tol', '1e-6');
  await page.click('#irt-run-sample');
  await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 60_000 });
  const loglik = await readNumber(page, '#irt-loglik', 3);
  assert.ok(Math.abs(loglik - -2658.805) <= 1e-3, `log-likelihood ${loglik} should be mirt's -2658.805 within 1e-3`);
  assert.ok(Math.abs((await readNumber(page, '#irt-aic')) - MIRT_2PL.aic) < 5e-3, 'AIC as mirt');
  assert.ok(Math.abs((await readNumber(page, '#irt-bic')) - MIRT_2PL.bic) < 5e-3, 'BIC as mirt');
  assert.equal(await page.locator('#irt-npar').textContent(), String(MIRT_2PL.npar));
  assert.equal(await page.locator('#irt-converged').textContent(), 'Yes');
  // M2 at the tight solution; mirt reports 11.938 at its default tolerance (the Rust tests match
  // that within 0.01 at the same tolerance).
  assert.ok(Math.abs((await readNumber(page, '#irt-m2')) - 11.938) < 0.05, 'M2 as mirt');
  assert.match(await page.locator('#irt-se-method').textContent(), /observed information/);
  assert.match(await page.locator('#irt-status').textContent(), /Calibrated LSAT7\.csv: 2PL, converged/);
  assert.equal(await page.locator('#irt-progress').isVisible(), false, 'the progress bar is gone after the run');

  // The item table: 5 rows, both parameterisations with SEs, the engine's numbers in the right columns.
  assert.equal(await page.locator('#irt-item-table tbody tr').count(), 5);
  const keys = await page.locator('#irt-item-table thead th').evaluateAll((ths) => ths.map((th) => th.dataset.key));
  for (const key of ['item', 'a1', 'se_a1', 'd', 'se_d', 'a', 'se_a', 'b', 'se_b', 's_x2', 'sx2_df', 'sx2_p', 'on_bound']) {
    assert.ok(keys.includes(key), `the item table has a ${key} column (${keys.join(', ')})`);
  }
  const table = await readItemTable(page);
  const mirt = await mirtTight();
  for (const [row, ref] of table.map((r, i) => [r, mirt[i]])) {
    assert.equal(row.item, ref.item);
    assert.ok(Math.abs(row.a1 - ref.a1) < 5e-3, `${row.item} a1 ${row.a1} vs mirt ${ref.a1}`);
    assert.ok(Math.abs(row.d - ref.d) < 5e-3, `${row.item} d ${row.d} vs mirt ${ref.d}`);
    assert.ok(Math.abs(row.a - ref.a1) < 5e-3, `${row.item}: with D = 1, a = a1`);
    assert.ok(Math.abs(row.b - -ref.d / ref.a1) < 1e-2, `${row.item} b`);
    assert.ok(row.se_a1 > 0 && row.se_d > 0, `${row.item} has standard errors`);
  }
  // S-X2 of Item.1 (mirt: 4.749 at its default tolerance; this run is tighter).
  assert.ok(Math.abs(table[0].s_x2 - 4.749) < 0.05, `Item.1 S-X2 ${table[0].s_x2}`);

  // Sorting by keyboard and searching (table.js).
  const bHeader = page.locator('#irt-item-table th[data-key="b"]');
  await bHeader.locator('button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await bHeader.getAttribute('aria-sort'), 'ascending');
  assert.equal(await page.locator('#irt-item-table tbody tr:first-child th').textContent(), 'Item.5'); // b = -2.52
  await page.fill('#irt-item-table-search', 'item.3');
  assert.equal(await page.locator('#irt-item-table tbody tr').count(), 1);
  await page.fill('#irt-item-table-search', '');

  // 2. The curves: all items, then one; test information with its SE.
  for (const id of ['irt-chart-icc', 'irt-chart-info', 'irt-chart-test']) await page.locator(`#${id} canvas`).waitFor();
  const seriesCount = (id) =>
    page.evaluate((chartId) => globalThis.echarts.getInstanceByDom(document.getElementById(chartId)).getOption().series.length, id);
  assert.equal(await seriesCount('irt-chart-icc'), 5);
  assert.equal(await seriesCount('irt-chart-test'), 2, 'information and standard error');
  await page.selectOption('#irt-curve-item', { label: 'Item.3' });
  assert.equal(await seriesCount('irt-chart-icc'), 1);
  assert.equal(await seriesCount('irt-chart-info'), 1);
  assert.match(await page.locator('#irt-chart-icc').getAttribute('aria-label'), /Item\.3/);
  // Tooltips are HTML built by ECharts: show one to prove the CSP allows it.
  await page.evaluate(() => {
    const chart = globalThis.echarts.getInstanceByDom(document.getElementById('irt-chart-test'));
    chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 40 });
  });
  await page.locator('#irt-chart-test .chart-tooltip').waitFor({ state: 'visible' });
  const pngPath = path.join(tmp, 'icc.png');
  const png = await saveDownload(page, 'button[data-chart="irt-chart-icc"]', pngPath);
  assert.equal(png.suggestedFilename(), 'LSAT7-irt-2pl-icc.png');
  assert.deepEqual([...(await readFile(pngPath)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG signature');
  // The same chart as SVG: vector text and lines, the item names as text.
  const svgPath = path.join(tmp, 'icc.svg');
  const svg = await saveDownload(page, 'button[data-chart-svg="irt-chart-icc"]', svgPath);
  assert.equal(svg.suggestedFilename(), 'LSAT7-irt-2pl-icc.svg');
  const svgText = await readFile(svgPath, 'utf8');
  assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svgText, /<path /, 'the curves are vector paths');
  assert.match(svgText, />Item\.\d</, 'the legend\u2019s item names are text');

  // 3. Downloads: item parameters as CSV (header = the item JSON field names), the full JSON.
  const csvPath = path.join(tmp, 'items.csv');
  const csvDownload = await saveDownload(page, '#irt-download-csv', csvPath);
  assert.equal(csvDownload.suggestedFilename(), 'LSAT7-irt-2pl.csv');
  const { lines, header, rows } = await readCsvFile(csvPath);
  assert.equal(lines.length, 6, 'header + 5 items');
  assert.match(lines[0], /^item,model,a1,d,/);
  for (const field of ['g', 'u', 'a', 'b', 'c', 'on_bound', 'se_a1', 'se_d', 'se_a', 'se_b']) {
    assert.ok(header.includes(field), `CSV header should include ${field}: ${lines[0]}`);
  }
  assert.deepEqual(rows.map((r) => r[header.indexOf('item')]), ['Item.1', 'Item.2', 'Item.3', 'Item.4', 'Item.5']);
  assert.deepEqual(rows.map((r) => r[header.indexOf('model')]), Array(5).fill('2pl'));
  assert.equal(Number(rows[0][header.indexOf('a1')]), table[0].a1, 'the CSV keeps full precision');

  const jsonPath = path.join(tmp, 'result.json');
  const jsonDownload = await saveDownload(page, '#irt-download-json', jsonPath);
  assert.equal(jsonDownload.suggestedFilename(), 'LSAT7-irt-2pl.json');
  const result = JSON.parse(await readFile(jsonPath, 'utf8'));
  assert.equal(result.tool, 'irt_calibration');
  assert.equal(result.items.length, 5);
  assert.equal(result.options.model, '2pl');
  assert.equal(result.options.D, 1);
  assert.equal(result.options.tolerance, 1e-6);
  assert.equal(result.loglik.toFixed(3), (await page.locator('#irt-loglik').textContent()).trim());

  // 4. Options are checked before anything runs.
  await page.fill('#irt-tol', 'small');
  await page.click('#irt-run');
  await page.locator('#irt-tol-error').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#irt-tol').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#irt-results').isVisible(), true, 'the last results stay');
  await page.fill('#irt-tol', '1e-6');

  // 5. A file with a score of 2: chosen, then Run; the error is beside the input and names the item.
  const bad = path.join(tmp, 'scored-2.csv');
  await writeFile(bad, 'Item.1,Item.2,Item.3\n1,0,1\n0,1,1\n1,2,0\n1,1,1\n0,0,0\n');
  await page.setInputFiles('#irt-file-input', bad);
  await page.locator('#irt-current-file', { hasText: 'scored-2.csv' }).waitFor();
  await page.click('#irt-run');
  const error = page.locator('#irt-file-error');
  await error.waitFor({ state: 'visible' });
  const message = await error.textContent();
  assert.match(message, /Item\.2/, `the message should name the item: ${message}`);
  assert.match(message, /scored-2\.csv/, `the message should name the file: ${message}`);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(await page.locator('#irt-results').isVisible(), false, 'stale results are hidden');
  assert.equal(await page.locator('#irt-tol-error').isVisible(), false, 'the earlier option error is cleared');

  // 6. A long calibration shows its progress and can be cancelled.
  const big = path.join(tmp, 'simulated.csv');
  await writeFile(big, simulatedResponses(20_000, 40));
  await page.setInputFiles('#irt-file-input', big);
  await page.locator('#irt-current-file', { hasText: 'simulated.csv' }).waitFor();
  assert.equal(await error.isVisible(), false, 'loading a new file clears the error');
  await page.check('#irt-model-3pl');
  assert.equal(await page.locator('#irt-prior').isDisabled(), false, 'the guessing prior is offered for 3PL');
  await page.fill('#irt-tol', '1e-300');
  await page.fill('#irt-max-iter', '100000');
  await page.click('#irt-run');
  await page.locator('#irt-progress').waitFor({ state: 'visible' });
  await page.waitForFunction(() => /^\d/.test(document.querySelector('#irt-progress-iteration')?.textContent ?? ''), null, { timeout: 60_000 });
  assert.match(await page.locator('#irt-progress-loglik').textContent(), /^-\d+\.\d{3}$/);
  assert.ok((await page.locator('#irt-progress-bar').getAttribute('value')) !== null, 'the bar is determinate once iterations run');
  assert.equal(await page.locator('#irt-run').getAttribute('aria-disabled'), 'true');
  await page.click('#irt-cancel');
  await page.locator('#irt-status', { hasText: 'Cancelled' }).waitFor();
  assert.equal(await page.locator('#irt-progress').isVisible(), false);
  assert.equal(await page.locator('#irt-run').getAttribute('aria-disabled'), 'false');

  // 7. The page still works: the sample runs again (in a new worker).
  await page.check('#irt-model-2pl');
  await page.fill('#irt-tol', '1e-6');
  await page.fill('#irt-max-iter', '500');
  await page.click('#irt-run-sample');
  await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 60_000 });
  assert.ok(Math.abs((await readNumber(page, '#irt-loglik')) - -2658.805) <= 1e-3);

  // 8. Item Analysis still works after switching back, and the IRT results survive the round trip.
  await page.click('nav a[data-tool="item-analysis"]');
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Item Analysis');
  assert.equal(await page.locator('#irt-results').isVisible(), false, 'the IRT tool is hidden');
  await page.click('#run-sample');
  await page.locator('#results #alpha').waitFor();
  const alpha = await readNumber(page, '#alpha', 6);
  assert.ok(Math.abs(alpha - LSAT7_ALPHA) < 1e-6, `alpha ${alpha}`);
  await page.click('nav a[data-tool="irt-calibration"]');
  await page.locator('#irt-results #irt-loglik').waitFor();
  assert.equal(await page.locator('#results').isVisible(), false, 'the Item Analysis tool is hidden');

  // Nothing left the page's origin, nothing failed, nothing was logged as an error.
  assertCleanLog(log, origin);
}

test('irt calibration: keyboard user reaches the inputs, the options and Run', { timeout: 60_000 }, async () => {
  const page = await site.browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.origin}/#/irt-calibration`);
  await page.locator('#irt-run').waitFor();
  const reached = await tabThrough(page, 30);
  for (const id of ['irt-file-input', 'irt-run-sample', 'irt-model-2pl', 'irt-d-1702', 'irt-quad-rule', 'irt-quad-nodes', 'irt-tol', 'irt-max-iter', 'irt-se', 'irt-run']) {
    assert.ok(reached.has(id), `Tab should reach #${id} (reached ${[...reached].join(', ')})`);
  }
  // Arrow keys move within the model radio group; Run with the keyboard, without a file, explains what to do.
  await page.focus('#irt-model-2pl');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#irt-model-3pl').isChecked(), true);
  assert.equal(await page.locator('#irt-prior').isDisabled(), false);
  await page.focus('#irt-run');
  await page.keyboard.press('Enter');
  await page.locator('#irt-file-error', { hasText: 'Choose a response file' }).waitFor();
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  await page.close();
});

test('irt calibration: Rasch on LSAT7 shows infit and outfit per item', { timeout: 120_000 }, () =>
  inNewContext(site.browser, 'irt-rasch', async (page, log) => {
    // PyPI mirt 1.2.0 at R mirt's Rasch solution (tests/fixtures/LSAT7/pymirt_Rasch_infit_outfit.json).
    const reference = JSON.parse(await readFile(path.join(REPO_ROOT, 'tests/fixtures/LSAT7/pymirt_Rasch_infit_outfit.json'), 'utf8'));
    await page.goto(`${site.origin}/#/irt-calibration`);
    await page.locator('#irt-file-input').waitFor({ state: 'attached' });
    await page.check('#irt-model-rasch');
    await page.check('#irt-d-1');
    await page.click('#irt-run-sample');
    await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 60_000 });
    const keys = await page.locator('#irt-item-table thead th').evaluateAll((ths) => ths.map((th) => th.dataset.key));
    for (const key of ['infit', 'z_infit', 'outfit', 'z_outfit']) {
      assert.ok(keys.includes(key), `the Rasch item table has a ${key} column (${keys.join(', ')})`);
    }
    const table = await readItemTable(page);
    table.forEach((row, j) => {
      assert.equal(row.item, reference.items[j]);
      assert.ok(Math.abs(row.infit - reference.item_infit[j]) < 1e-3, `${row.item} infit ${row.infit}`);
      assert.ok(Math.abs(row.outfit - reference.item_outfit[j]) < 1e-3, `${row.item} outfit ${row.outfit}`);
    });
    assertCleanLog(log, site.origin);
  }),
);

/** A reference CSV of mirt's (item, parameters...) as [{item, ...numbers}]. */
async function mirtTable(file) {
  const { header, rows } = await readCsvFile(path.join(REPO_ROOT, 'tests/fixtures', file));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? r[i] : Number(r[i])])));
}

/** The number of series in the ECharts chart `id`, and their names. */
function chartSeries(page, id) {
  return page.evaluate(
    (chartId) => globalThis.echarts.getInstanceByDom(document.getElementById(chartId)).getOption().series.map((s) => s.name),
    id,
  );
}

test('irt calibration: GRM on Science as mirt, thresholds in the table, category response curves, score hint', { timeout: 180_000 }, () =>
  inNewContext(site.browser, 'irt-grm', async (page, log) => {
    const { origin, tmp } = site;
    // mirt 1.45.1, mirt(Science, 1, itemtype = 'graded') at a tight tolerance (tests/fixtures/Science/).
    const slopeInt = await mirtTable('Science/mirt_GRM_tight_pars_slopeint.csv');
    const irt = await mirtTable('Science/mirt_GRM_tight_pars_irt.csv');
    await page.goto(`${origin}/#/irt-calibration`);
    await page.locator('#irt-file-input').waitFor({ state: 'attached' });

    // Items scored 1 to 4 under the default 2PL: the page says so (and offers Mixed) before anything runs.
    await page.setInputFiles('#irt-file-input', path.join(REPO_ROOT, 'tests/fixtures/Science/data.csv'));
    await page.locator('#irt-current-file', { hasText: 'data.csv' }).waitFor();
    const hint = page.locator('#irt-score-hint');
    await hint.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await hint.textContent(), /4 items with scores above 1 \(Comfort, Work, Future, Benefit\)/);
    await page.click('#irt-use-mixed');
    assert.equal(await page.locator('#irt-model-mixed').isChecked(), true, 'Use Mixed selects Mixed');
    assert.equal(await page.locator('#irt-poly-model').isDisabled(), false, 'the Mixed selects are enabled under Mixed');
    assert.equal(await page.locator('#irt-poly-model').inputValue(), 'grm');
    assert.equal(await page.locator('#irt-binary-model').inputValue(), '2pl');
    assert.equal(await hint.isVisible(), false, 'the hint is gone once a model for rated items is chosen');

    // GRM with mirt's settings.
    await page.check('#irt-model-grm');
    assert.equal(await page.locator('#irt-poly-model').isDisabled(), true, 'the Mixed selects are for Mixed only');
    await page.check('#irt-d-1');
    await page.fill('#irt-tol', '1e-6');
    await page.click('#irt-run');
    await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#irt-status').textContent(), /Calibrated data\.csv: GRM, converged/);
    assert.ok(Math.abs((await readNumber(page, '#irt-loglik')) - -1608.8695) < 2e-3, 'log-likelihood as mirt');
    assert.equal(await page.locator('#irt-npar').textContent(), '16');
    // Limited-information fit (M2* or C2 for rated items), or the engine's note on why there is none.
    if (await page.locator('#irt-m2').count()) assert.ok((await readNumber(page, '#irt-m2')) > 0, 'a fit statistic');
    else assert.match(await page.locator('#irt-fit-note').textContent(), /^Model fit: .*M2/);

    // The table: intercepts d1..d3 and thresholds b1..b3 (with SEs) and the location, as mirt.
    const keys = await page.locator('#irt-item-table thead th').evaluateAll((ths) => ths.map((th) => th.dataset.key));
    for (const key of ['item', 'scores', 'a1', 'se_a1', 'd1', 'se_d1', 'd2', 'd3', 'a', 'b1', 'se_b1', 'b2', 'b3', 'se_b3', 'location', 'se_location', 's_x2', 'sx2_df', 'on_bound']) {
      assert.ok(keys.includes(key), `the item table has a ${key} column (${keys.join(', ')})`);
    }
    for (const key of ['d', 'b', 'group', 'model']) assert.ok(!keys.includes(key), `no ${key} column in a GRM table`);
    const table = await readItemTable(page);
    assert.deepEqual(table.map((r) => r.item), ['Comfort', 'Work', 'Future', 'Benefit']);
    assert.equal(table[0].scores, '1, 2, 3, 4');
    assert.ok(Math.abs(table[0].a1 - 1.0406) < 2e-3, `Comfort a1 ${table[0].a1} vs mirt 1.0406`);
    table.forEach((row, j) => {
      assert.ok(Math.abs(row.a1 - slopeInt[j].a1) < 2e-3, `${row.item} a1 ${row.a1} vs mirt ${slopeInt[j].a1}`);
      for (const k of [1, 2, 3]) {
        assert.ok(Math.abs(row[`d${k}`] - slopeInt[j][`d${k}`]) < 5e-3, `${row.item} d${k} ${row[`d${k}`]} vs mirt ${slopeInt[j][`d${k}`]}`);
        assert.ok(Math.abs(row[`b${k}`] - irt[j][`b${k}`]) < 1e-2, `${row.item} b${k} ${row[`b${k}`]} vs mirt ${irt[j][`b${k}`]}`);
        assert.ok(row[`se_b${k}`] > 0, `${row.item} has an SE of b${k}`);
      }
      assert.ok(Math.abs(row.location - (irt[j].b1 + irt[j].b2 + irt[j].b3) / 3) < 1e-2, `${row.item} location`);
      assert.ok(row.s_x2 > 0 && row.sx2_df > 0, `${row.item} has a polytomous S-X2 (${row.s_x2}, df ${row.sx2_df})`);
    });
    const comfortCells = await page.locator('#irt-item-table tbody tr:first-child > *').allTextContents();
    for (const text of ['1.041', '-4.67', '-2.53', '1.40']) {
      assert.ok(comfortCells.some((c) => c.startsWith(text)), `Comfort's row shows ${text} (${comfortCells.join(' | ')})`);
    }

    // Curves: expected scores (0 to K - 1) of all items; the category curves of the first item, then of the chosen one.
    for (const id of ['irt-chart-icc', 'irt-chart-categories', 'irt-chart-info', 'irt-chart-test']) await page.locator(`#${id} canvas`).waitFor();
    assert.equal((await chartSeries(page, 'irt-chart-icc')).length, 4);
    const yAxis = await page.evaluate(() => globalThis.echarts.getInstanceByDom(document.getElementById('irt-chart-icc')).getOption().yAxis[0]);
    assert.equal(yAxis.name, 'Expected score');
    assert.equal(yAxis.max, 3);
    assert.deepEqual(await chartSeries(page, 'irt-chart-categories'), ['score 1', 'score 2', 'score 3', 'score 4']);
    assert.match(await page.locator('#irt-chart-categories').getAttribute('aria-label'), /Comfort/);
    await page.selectOption('#irt-curve-item', { label: 'Future' });
    assert.equal((await chartSeries(page, 'irt-chart-icc')).length, 1);
    assert.deepEqual(await chartSeries(page, 'irt-chart-categories'), ['score 1', 'score 2', 'score 3', 'score 4']);
    assert.match(await page.locator('#irt-chart-categories').getAttribute('aria-label'), /Future/);
    assert.match(await page.locator('#irt-chart-categories').locator('xpath=..').locator('.chart-figure__title').textContent(), /Future/);
    // Probabilities of the categories at one θ sum to 1 (the engine's curves, drawn as they are).
    const sum = await page.evaluate(() =>
      globalThis.echarts
        .getInstanceByDom(document.getElementById('irt-chart-categories'))
        .getOption()
        .series.reduce((total, s) => total + s.data[40][1], 0),
    );
    assert.ok(Math.abs(sum - 1) < 1e-9, `the category probabilities sum to 1 (${sum})`);
    const png = await saveDownload(page, 'button[data-chart="irt-chart-categories"]', path.join(tmp, 'categories.png'));
    assert.equal(png.suggestedFilename(), 'data-irt-grm-categories.png');

    // The CSV keeps the engine's fields: lists joined with ';'.
    const csvPath = path.join(tmp, 'grm.csv');
    await saveDownload(page, '#irt-download-csv', csvPath);
    const { header, rows } = await readCsvFile(csvPath);
    for (const field of ['item', 'model', 'a1', 'categories', 'scores', 'intercepts', 'thresholds', 'location', 'se_intercepts', 'se_thresholds']) {
      assert.ok(header.includes(field), `CSV header should include ${field}: ${header.join(',')}`);
    }
    assert.equal(rows[0][header.indexOf('model')], 'grm');
    assert.equal(rows[0][header.indexOf('scores')], '1;2;3;4');
    assert.deepEqual(rows[0][header.indexOf('thresholds')].split(';').map(Number), [table[0].b1, table[0].b2, table[0].b3]);

    // The bundled rating-scale sample runs with GRM even when a 0/1 model is selected.
    await page.check('#irt-model-2pl');
    await page.click('#irt-run-sample-poly');
    await page.locator('#irt-status', { hasText: 'Calibrated Science.csv: GRM' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#irt-model-grm').isChecked(), true);

    assertCleanLog(log, origin);
  }),
);

/**
 * Two groups (A: N(0, 1), B: N(0.5, 1)) answering four 0/1 items (2PL) and
 * two items scored 0 to 3 (graded), with a fixed-seed generator.
 */
function mixedGroupResponses(perGroup) {
  let s = 2468;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const logistic = (x) => 1 / (1 + Math.exp(-x));
  const binary = [[1.2, 0.5], [0.8, -0.3], [1.5, 0], [1.0, 0.8]];
  const graded = [[1.3, [2, 0, -2]], [0.9, [1.5, 0.2, -1.2]]];
  const lines = ['group,b1,b2,b3,b4,p1,p2'];
  for (let p = 0; p < 2 * perGroup; p++) {
    const group = p % 2 === 0 ? 'A' : 'B';
    const theta = (group === 'B' ? 0.5 : 0) + normal();
    const zeroOne = binary.map(([a, d]) => (uniform() < logistic(a * theta + d) ? 1 : 0));
    const scored = graded.map(([a, ds]) => {
      const u = uniform();
      return ds.filter((d) => u < logistic(a * theta + d)).length;
    });
    lines.push([group, ...zeroOne, ...scored].join(','));
  }
  return lines.join('\n') + '\n';
}

test('irt calibration: mixed format, a per-item model file, two groups with anchors', { timeout: 180_000 }, () =>
  inNewContext(site.browser, 'irt-mixed-groups', async (page, log) => {
    const { origin, tmp } = site;
    await page.goto(`${origin}/#/irt-calibration`);
    await page.locator('#irt-file-input').waitFor({ state: 'attached' });
    const data = path.join(tmp, 'two-groups.csv');
    await writeFile(data, mixedGroupResponses(500));
    await page.setInputFiles('#irt-file-input', data);
    await page.locator('#irt-current-file', { hasText: 'two-groups.csv' }).waitFor();
    await page.locator('#irt-score-hint', { hasText: 'p1, p2' }).waitFor({ timeout: 30_000 });
    await page.check('#irt-model-mixed');

    // A bad item-model file is reported beside its input and stops the run.
    const models = path.join(tmp, 'models.csv');
    await writeFile(models, 'item,kind\np2,gpcm\n');
    await page.setInputFiles('#irt-item-models-input', models);
    const modelsError = page.locator('#irt-item-models-input-error');
    await modelsError.waitFor({ state: 'visible' });
    assert.match(await modelsError.textContent(), /models\.csv.*item and model/);
    await page.click('#irt-run');
    await page.locator('#irt-status', { hasText: 'Please correct the highlighted options' }).waitFor();
    assert.equal(await modelsError.isVisible(), true);
    await writeFile(models, 'item,model\np2,graded\n');
    await page.setInputFiles('#irt-item-models-input', models);
    await page.locator('#irt-item-models-input-error', { hasText: 'row 2' }).waitFor();
    assert.match(await modelsError.textContent(), /graded/);
    await writeFile(models, 'Item, Model\n p2 , GPCM \n');
    await page.setInputFiles('#irt-item-models-input', models);
    await page.locator('#irt-item-models-current', { hasText: 'p2 GPCM' }).waitFor();
    assert.equal(await modelsError.isVisible(), false);

    // Multiple groups: an anchor the file does not have is the engine's error, shown at the field.
    await page.check('#irt-multigroup');
    await page.fill('#irt-reference-group', 'A');
    await page.fill('#irt-anchors', 'b1, b2, b3, nosuchitem');
    await page.click('#irt-run');
    await page.locator('#irt-anchors-error', { hasText: 'nosuchitem' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#irt-anchors').getAttribute('aria-invalid'), 'true');

    await page.fill('#irt-anchors', 'b1, b2, b3, p1');
    await page.click('#irt-run');
    await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 90_000 });
    assert.match(await page.locator('#irt-status').textContent(), /Calibrated two-groups\.csv: Mixed \(GRM and 2PL\) with per-item models, converged/);
    // No M2 for multiple-group calibrations (yet): the engine's note says so.
    if (!(await page.locator('#irt-m2').count())) assert.match(await page.locator('#irt-fit-note').textContent(), /M2/);

    // The groups: A is the reference (0, 1), B's mean is near its 0.5.
    const groups = await page.evaluate(() =>
      [...document.querySelectorAll('#irt-group-table tbody tr')].map((tr) => ({
        group: tr.dataset.group,
        values: [...tr.querySelectorAll('td[data-value]')].map((td) => Number(td.dataset.value)),
      })),
    );
    assert.deepEqual(groups.map((g) => g.group), ['A', 'B']);
    const [meanB, seMeanB] = groups[1].values;
    assert.ok(meanB > 0.2 && meanB < 0.8, `group B's mean ${meanB}`);
    assert.ok(seMeanB > 0 && seMeanB < 0.2, `group B's mean has an SE (${seMeanB})`);
    assert.match(await page.locator('#irt-group-table tbody tr:first-child th').textContent(), /A \(reference\)/);
    // S-X2 within each group: every item once per group, in its own table.
    const fitRows = await page.locator('#irt-group-fit-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.dataset.item}/${tr.dataset.group}`));
    assert.deepEqual(fitRows, ['b1/A', 'b2/A', 'b3/A', 'b4/A', 'p1/A', 'p2/A', 'b1/B', 'b2/B', 'b3/B', 'b4/B', 'p1/B', 'p2/B']);

    // The items: anchors once, the others (b4, p2) once per group; each with its model.
    const keys = await page.locator('#irt-item-table thead th').evaluateAll((ths) => ths.map((th) => th.dataset.key));
    for (const key of ['group', 'model', 'scores', 'd1', 'd3', 'b1', 'b3', 'location']) assert.ok(keys.includes(key), `a ${key} column (${keys.join(', ')})`);
    const table = await readItemTable(page);
    assert.deepEqual(
      table.map((r) => `${r.item}/${r.group}/${r.model}`),
      ['b1/all/2PL', 'b2/all/2PL', 'b3/all/2PL', 'b4/A/2PL', 'b4/B/2PL', 'p1/all/GRM', 'p2/A/GPCM', 'p2/B/GPCM'],
    );
    const b1 = table[0];
    assert.equal(b1.d2, '', 'a 0/1 item has no second intercept (blank)');
    assert.ok(Number.isFinite(b1.d1) && Number.isFinite(b1.b1), 'a 0/1 item has d1 = d and b1 = b');

    // Category curves of a chosen item of a group, and of a 0/1 item.
    await page.locator('#irt-chart-categories canvas').waitFor();
    await page.selectOption('#irt-curve-item', { label: 'p2 (B)' });
    assert.deepEqual(await chartSeries(page, 'irt-chart-categories'), ['score 0', 'score 1', 'score 2', 'score 3']);
    await page.selectOption('#irt-curve-item', { label: 'b1' });
    assert.deepEqual(await chartSeries(page, 'irt-chart-categories'), ['score 0', 'score 1']);

    // Items estimated in each group: their parameters cannot be handed to Test Scoring.
    assert.equal(await page.locator('#irt-score-examinees').isDisabled(), true);
    assert.match(await page.locator('#irt-score-note').textContent(), /b4, p2/);

    // Removing the item-model file: the next run uses the Mixed rule alone.
    await page.click('#irt-item-models-remove');
    assert.equal(await page.locator('#irt-item-models-current').isVisible(), false);

    assertCleanLog(log, origin);
  }),
);
