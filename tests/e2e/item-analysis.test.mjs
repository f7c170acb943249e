// End-to-end test of the Item Analysis tool in headless Chromium, against
// the built site (dist/) with the real WebAssembly engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, readNumber, saveDownload, tabThrough, useBrowserSite, watchPage } from './helpers.mjs';

// psych::alpha(LSAT7)$total$raw_alpha (KR-20 for 0/1 items).
const LSAT7_ALPHA = 0.453408735387426;

const site = useBrowserSite();

/** #alpha holds the number alone, with 6 decimals. */
const readAlpha = (page) => readNumber(page, '#alpha', 6);

test('item analysis: sample, download, bad file, recovery; same-origin only, no console errors', { timeout: 120_000 }, () =>
  inNewContext(site.browser, 'item-analysis', mainScenario),
);

async function mainScenario(page, log) {
  const { origin, tmp } = site;
  await page.goto(`${origin}/`);

  // The shell: privacy line, nav with the tool, the file input.
  await assert.doesNotReject(page.getByText('Your data never leaves this tab').waitFor());
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Item Analysis');
  await page.locator('#file-input').waitFor({ state: 'attached' });

  // 1. One click on the sample runs the analysis in the worker.
  await page.click('#run-sample');
  await page.locator('#results #alpha').waitFor();
  const alpha = await readAlpha(page);
  assert.ok(Math.abs(alpha - LSAT7_ALPHA) < 1e-6, `alpha ${alpha} should be ${LSAT7_ALPHA} within 1e-6`);
  assert.equal(await page.locator('#item-table tbody tr').count(), 5);
  await page.locator('#chart-items canvas').waitFor();
  await page.locator('#chart-scores canvas').waitFor();

  // Tooltips are HTML built by ECharts: show one to prove the CSP allows it.
  await page.evaluate(() => {
    const chart = globalThis.echarts.getInstanceByDom(document.getElementById('chart-items'));
    chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 });
  });
  await page.locator('.chart-tooltip').first().waitFor({ state: 'visible' });

  // Sorting by keyboard: focus the p header button and press Enter twice.
  const pHeader = page.locator('#item-table th[data-key="p_value"]');
  await pHeader.locator('button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await pHeader.getAttribute('aria-sort'), 'ascending');
  const firstAsc = await page.locator('#item-table tbody tr:first-child th').textContent();
  assert.equal(firstAsc, 'Item.4'); // lowest p (0.606)
  await page.keyboard.press('Enter');
  assert.equal(await pHeader.getAttribute('aria-sort'), 'descending');
  assert.equal(await page.locator('#item-table tbody tr:first-child th').textContent(), 'Item.5'); // 0.843

  // Search filters the rows.
  await page.fill('#item-table-search', 'item.3');
  assert.equal(await page.locator('#item-table tbody tr').count(), 1);
  await page.fill('#item-table-search', '');
  assert.equal(await page.locator('#item-table tbody tr').count(), 5);

  // 2. The item table as CSV: header = JSON field names, one row per item.
  const csvPath = path.join(tmp, 'items.csv');
  const download = await saveDownload(page, '#download-csv', csvPath);
  assert.match(download.suggestedFilename(), /^LSAT7-item-analysis\.csv$/);
  const { lines, header, rows } = await readCsvFile(csvPath);
  assert.equal(lines.length, 6, 'header + 5 items');
  for (const field of ['item', 'p_value', 'item_rest_r', 'alpha_if_deleted', 'frequencies', 'flags']) {
    assert.ok(header.includes(field), `CSV header should include ${field}: ${lines[0]}`);
  }
  assert.deepEqual(rows.map((r) => r[header.indexOf('item')]), ['Item.1', 'Item.2', 'Item.3', 'Item.4', 'Item.5']);
  assert.equal(rows[0][header.indexOf('frequencies')], '172;828');

  // The full result as JSON.
  const jsonPath = path.join(tmp, 'result.json');
  await saveDownload(page, '#download-json', jsonPath);
  const result = JSON.parse(await readFile(jsonPath, 'utf8'));
  assert.equal(result.tool, 'item_analysis');
  assert.equal(result.items.length, 5);

  // 3. A malformed file: a ragged row. The error is shown beside the input.
  const bad = path.join(tmp, 'ragged.csv');
  await writeFile(bad, 'Item.1,Item.2,Item.3\n1,0,1\n0,1,1\n1,0\n1,1,1\n');
  await page.setInputFiles('#file-input', bad);
  const error = page.locator('#file-error');
  await error.waitFor({ state: 'visible' });
  const message = await error.textContent();
  assert.match(message, /ragged\.csv/, `the message should name the file: ${message}`);
  // The short row is row 4 as a spreadsheet counts (the header is row 1).
  assert.match(message, /\brow 4\b/, `the message should name the row: ${message}`);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(await page.locator('#results').isVisible(), false, 'stale results are hidden');

  // 4. The page still works: the sample runs again.
  await page.click('#run-sample');
  await page.locator('#results #alpha').waitFor();
  assert.ok(Math.abs((await readAlpha(page)) - LSAT7_ALPHA) < 1e-6);
  assert.equal(await error.isVisible(), false, 'the error is cleared by a successful run');

  // The same data as an XLSX workbook, chosen through the file input, gives the same alpha.
  await page.setInputFiles('#file-input', path.resolve('tests/fixtures/LSAT7/data.xlsx'));
  await page.locator('#results .file-name', { hasText: 'data.xlsx' }).waitFor();
  assert.ok(Math.abs((await readAlpha(page)) - LSAT7_ALPHA) < 1e-6);

  // The polytomous sample runs too (Cronbach's alpha, psych::alpha = 0.5977...).
  await page.click('#run-sample-science');
  await page.locator('#results .file-name', { hasText: 'Science.csv' }).waitFor();
  assert.ok(Math.abs((await readAlpha(page)) - 0.597724025643193) < 1e-6);

  // Changing the missing-data option re-runs the loaded file (no missing data
  // here, so alpha is unchanged).
  await page.check('input[name="missing"][value="listwise"]');
  await page.locator('#results .results__meta', { hasText: 'missing responses: listwise' }).waitFor();
  assert.ok(Math.abs((await readAlpha(page)) - 0.597724025643193) < 1e-6);

  // Nothing left the page's origin, nothing failed, nothing was logged as an error.
  assertCleanLog(log, origin);
  assert.ok(log.requests.some((url) => url.endsWith('/www/pkg/pacer_core_bg.wasm')), 'the wasm was loaded');
}

test('item analysis: keyboard user can reach the file input and the sample button', { timeout: 60_000 }, async () => {
  const page = await site.browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.origin}/`);
  await page.locator('#run-sample').waitFor();
  const reached = await tabThrough(page, 15);
  assert.ok(reached.has('file-input'), `Tab should reach #file-input (reached ${[...reached].join(', ')})`);
  assert.ok(reached.has('run-sample'), 'Tab should reach #run-sample');
  await page.focus('#run-sample');
  await page.keyboard.press('Enter');
  await page.locator('#results #alpha').waitFor();
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  await page.close();
});
