// End-to-end test of the Item Analysis tool in headless Chromium, against
// the built site (dist/) with the real WebAssembly engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, readNumber, REPO_ROOT, saveDownload, tabThrough, useBrowserSite, watchPage } from './helpers.mjs';

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
  // The site is cross-origin isolated (COOP + COEP), so the worker runs the threaded build, on
  // as many threads as the browser reports cores.
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'the page is cross-origin isolated');
  assert.ok(log.requests.some((url) => url.endsWith('/www/pkg-threads/pacer_core_bg.wasm')), 'the threaded wasm was loaded');
  assert.ok(!log.requests.some((url) => url.endsWith('/www/pkg/pacer_core_bg.wasm')), 'not the single-threaded one');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const footer = page.locator(`#engine-version[data-threads="${cores}"]`);
  await footer.waitFor();
  assert.match(await footer.textContent(), new RegExp(`${cores} threads`));
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

// ------------------------------------------------ answer key, distractors, DIF

const DISTRACTOR_CSV_HEADER = ['item', 'key', 'option', 'is_key', 'count', 'proportion', 'rest_r', 'flagged', 'group1', 'group2', 'group3', 'group4', 'group5'];

// `pacer dif --format csv`: each column and where the JSON (docs/json/dif.md) has its value.
const DIF_CSV_FIELDS = {
  focal: (c) => c.focal,
  item: (c, it) => it.item,
  item_type: (c, it) => it.item_type,
  n_reference: (c, it) => it.n_reference,
  n_focal: (c, it) => it.n_focal,
  mh_chi_square: (c, it) => it.mh?.chi_square,
  mh_p: (c, it) => it.mh?.p,
  mh_flagged: (c, it) => it.mh?.flagged,
  alpha_mh: (c, it) => it.mh?.alpha_mh,
  delta_mh: (c, it) => it.mh?.delta_mh,
  delta_se: (c, it) => it.mh?.delta_se,
  log_or_z: (c, it) => it.mh?.log_or_z,
  ets_class: (c, it) => it.ets_class,
  effect_size_class: (c, it) => it.effect_size_class,
  std: (c, it) => it.std?.value,
  std_relative_to_sd: (c, it) => it.std?.relative_to_sd,
  std_class: (c, it) => it.std?.class,
  lr_uniform_chi_square: (c, it) => it.logistic?.uniform?.chi_square,
  lr_uniform_p: (c, it) => it.logistic?.uniform?.p,
  lr_uniform_r2_change: (c, it) => it.logistic?.uniform?.r2_change,
  lr_nonuniform_chi_square: (c, it) => it.logistic?.nonuniform?.chi_square,
  lr_nonuniform_p: (c, it) => it.logistic?.nonuniform?.p,
  lr_nonuniform_r2_change: (c, it) => it.logistic?.nonuniform?.r2_change,
  lr_both_chi_square: (c, it) => it.logistic?.both?.chi_square,
  lr_both_p: (c, it) => it.logistic?.both?.p,
  lr_both_r2_change: (c, it) => it.logistic?.both?.r2_change,
  lr_class: (c, it) => it.logistic?.class,
};

/** Asserts that a CSV field holds `expected` as the CLI writes it: empty for null, true/false, the number itself. */
function assertField(field, expected, what) {
  if (expected === null || expected === undefined) assert.equal(field, '', `${what}: empty for null`);
  else if (typeof expected === 'boolean') assert.equal(field, String(expected), what);
  else if (typeof expected === 'number') {
    assert.doesNotMatch(field, /e/i, `${what}: no exponent (${field})`);
    assert.equal(Number(field), expected, `${what}: ${field} vs ${expected}`);
  } else assert.equal(field, expected, what);
}

/** A table made by createTable as [{column key: value}]: numbers from the cells' data-value, else the text. */
function readTable(page, tableId) {
  return page.evaluate((id) => {
    const keys = [...document.querySelectorAll(`#${id} thead th`)].map((th) => th.dataset.key);
    return [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
      Object.fromEntries([...tr.children].map((cell, i) => [keys[i], cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent.trim()])),
    );
  }, tableId);
}

/** Checks a downloaded DIF CSV against the DIF JSON: the header, then every row and field. */
async function checkDifCsv(file, dif) {
  const raw = await readFile(file, 'utf8');
  assert.ok(!raw.includes('\r'), 'the DIF CSV has LF line ends');
  const { header, rows } = await readCsvFile(file);
  assert.deepEqual(header, Object.keys(DIF_CSV_FIELDS));
  const expected = dif.comparisons.flatMap((c) => c.items.map((it) => [c, it]));
  assert.equal(rows.length, expected.length, 'one row per focal group and item');
  rows.forEach((row, i) => {
    const [c, it] = expected[i];
    header.forEach((name, j) => assertField(row[j], DIF_CSV_FIELDS[name](c, it), `DIF CSV ${c.focal} ${it.item} ${name}`));
  });
  return { header, rows };
}

test('item analysis: multiple-choice sample with its answer key, distractors, DIF (MH as difR), key errors; same-origin only, no console errors', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'item-analysis-key-dif', keyAndDifScenario),
);

async function keyAndDifScenario(page, log) {
  const { origin, tmp } = site;
  await page.goto(`${origin}/`);
  await page.locator('#ia-key-sample').waitFor();
  assert.equal(await page.locator('#ia-key-omits-wrong').isChecked(), true, 'omits are scored wrong by default');
  assert.equal(await page.locator('#ia-key-title').textContent(), 'Answer key (optional)');

  // (a) The multiple-choice sample loads the choices and their key, and runs.
  await page.click('#ia-key-sample');
  await page.locator('#results .file-name', { hasText: 'mc-choices.csv' }).waitFor({ timeout: 60_000 });
  await page.locator('#ia-distractor-table').waitFor();
  assert.match(await page.locator('#ia-key-current').textContent(), /mc-key\.csv/);
  assert.match(await page.locator('#results .results__meta').textContent(), /answer key: mc-key\.csv/);
  assert.equal(await page.locator('#item-table tbody tr').count(), 20);
  assert.equal(await page.locator('#ia-distractor-table tbody tr').count(), 20 * 5, 'one row per item and option (A-D and omit)');

  const jsonPath = path.join(tmp, 'mc-items.json');
  await saveDownload(page, '#download-json', jsonPath);
  const result = JSON.parse(await readFile(jsonPath, 'utf8'));
  assert.equal(result.tool, 'item_analysis');
  assert.equal(result.key.n_options, 4);
  assert.equal(result.key.multiple_choice_items, 20);
  assert.equal(result.distractors.length, 20);
  const options = result.distractors.flatMap((it) => it.options.map((o) => ({ it, o })));
  assert.equal(options.length, 100);

  // The table shows the engine's numbers, the key and the flags as text.
  const shown = await readTable(page, 'ia-distractor-table');
  assert.equal(shown.length, options.length);
  shown.forEach((row, i) => {
    const { it, o } = options[i];
    const what = `${it.item} ${o.option}`;
    assert.equal(row.item, it.item, what);
    assert.equal(row.option, o.option, what);
    assert.equal(row.count, o.count, `${what} count`);
    assert.equal(row.proportion, o.proportion, `${what} proportion`);
    assert.equal(row.rest_r, o.rest_r ?? '\u2014', `${what} rest r`);
    assert.equal(/key/.test(row.is_key), o.key, `${what}: key marker`);
    assert.equal(/Flagged/.test(row.flagged), o.flagged, `${what}: flag`);
  });
  const nFlagged = options.filter(({ o }) => o.flagged).length;
  assert.match(await page.locator('#ia-distractor-flagged-count').textContent(), new RegExp(`^${nFlagged} flagged distractors?$`));
  assert.match(await page.locator('#ia-distractor-summary').textContent(), /Options A\u2013D/);

  // The Distractors CSV is `pacer items --distractors-csv`: the JSON's values, row for row.
  const distractorsPath = path.join(tmp, 'distractors.csv');
  const distractorsDownload = await saveDownload(page, '#ia-distractor-download-csv', distractorsPath);
  assert.equal(distractorsDownload.suggestedFilename(), 'mc-choices-distractors.csv');
  assert.ok(!(await readFile(distractorsPath, 'utf8')).includes('\r'), 'LF line ends');
  const distractorsCsv = await readCsvFile(distractorsPath);
  assert.deepEqual(distractorsCsv.header, DISTRACTOR_CSV_HEADER);
  assert.equal(distractorsCsv.rows.length, options.length);
  distractorsCsv.rows.forEach((row, i) => {
    const { it, o } = options[i];
    const expected = [it.item, it.key, o.option, o.key, o.count, o.proportion, o.rest_r, o.flagged, ...o.by_group];
    assert.equal(row.length, expected.length);
    row.forEach((field, j) => assertField(field, expected[j], `distractors CSV ${it.item} ${o.option} ${DISTRACTOR_CSV_HEADER[j]}`));
  });

  // The option curves: the first item with a flagged distractor, then another chosen.
  const chart = page.locator('#ia-distractor-chart');
  await chart.locator('canvas').waitFor();
  const firstFlagged = result.distractors.find((it) => it.options.some((o) => o.flagged)) ?? result.distractors[0];
  assert.equal(await page.locator('#ia-distractor-item').inputValue(), firstFlagged.item);
  const other = result.distractors.find((it) => it.item !== firstFlagged.item);
  await page.selectOption('#ia-distractor-item', other.item);
  assert.match(await chart.getAttribute('aria-label'), new RegExp(`item ${other.item} \\(key ${other.key}\\)`));
  assert.match(await page.locator('#ia-distractors .chart-figure__title').textContent(), new RegExp(`${other.item}$`));
  const lines = await page.evaluate(() => {
    const option = globalThis.echarts.getInstanceByDom(document.getElementById('ia-distractor-chart')).getOption();
    return option.series.map((s) => ({ name: s.name, values: s.data.map((d) => d.value[1]) }));
  });
  assert.deepEqual(lines.map((l) => l.name), other.options.map((o) => (o.option === 'omit' ? 'omit' : o.key ? `${o.option} (key)` : o.option)));
  lines.forEach((line, k) => assert.deepEqual(line.values, other.options[k].by_group, `the ${line.name} line is the engine's shares`));

  // (b) DIF by the group column, women the reference group, with the key.
  assert.equal(await page.locator('#ia-dif-group-column').inputValue(), 'group', 'the group column is proposed');
  const columns = await page.locator('#ia-dif-group-column option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(columns.slice(0, 3), ['id', 'group', 'Q01'], 'the file\u2019s header');
  await page.selectOption('#ia-dif-group-column', 'group');
  const groups = await page.locator('#ia-dif-reference option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual([...groups].sort(), ['men', 'women']);
  await page.selectOption('#ia-dif-reference', 'women');
  await page.click('#ia-dif-run');
  await page.locator('#ia-dif-table-1').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#ia-dif-comparison-1-title').textContent(), 'Men vs women (reference)');
  assert.equal(await page.locator('#ia-dif-error').isVisible(), false);

  const difJsonPath = path.join(tmp, 'mc-dif.json');
  await saveDownload(page, '#ia-dif-download-json', difJsonPath);
  const dif = JSON.parse(await readFile(difJsonPath, 'utf8'));
  assert.equal(dif.tool, 'dif');
  assert.equal(dif.reference, 'women');
  assert.deepEqual(dif.focal_groups, ['men']);
  const men = dif.comparisons[0];
  const q05 = men.items.find((it) => it.item === 'Q05');
  assert.equal(q05.ets_class, 'C', 'Q05 favours the men: ETS class C');
  assert.equal(q05.mh.flagged, true);
  assert.ok(men.flagged_items.includes('Q05'));
  assert.equal(await page.locator('#ia-dif-1-n-reference').textContent(), men.n_reference.toLocaleString('en-US'));
  assert.equal(await page.locator('#ia-dif-1-n-focal').textContent(), men.n_focal.toLocaleString('en-US'));
  assert.equal(await page.locator('#ia-dif-1-flagged').textContent(), String(men.flagged_items.length));
  const difRows = await readTable(page, 'ia-dif-table-1');
  assert.deepEqual(difRows.map((r) => r.item), men.items.map((it) => it.item));
  difRows.forEach((row, i) => {
    const it = men.items[i];
    assert.equal(row.mh_chi_square, it.mh.chi_square, `${it.item} MH chi-square shown`);
    assert.equal(row.delta_mh, it.mh.delta_mh, `${it.item} MH D-DIF shown`);
    assert.equal(row.ets_class, it.ets_class, `${it.item} ETS class shown`);
    assert.equal(/MH flagged/.test(row.mh_flagged), it.mh.flagged, `${it.item} flag shown as text`);
  });
  const q05Row = difRows.find((r) => r.item === 'Q05');
  assert.equal(q05Row.ets_class, 'C');
  assert.match(q05Row.mh_flagged, /MH flagged/);
  await page.locator('#ia-dif-chart-1 canvas').waitFor();
  const difCsvPath = path.join(tmp, 'mc-dif.csv');
  const difDownload = await saveDownload(page, '#ia-dif-download-csv', difCsvPath);
  assert.equal(difDownload.suggestedFilename(), 'mc-choices-dif.csv');
  await checkDifCsv(difCsvPath, dif);

  // A column to leave out that the file lacks: the engine's message in the DIF panel, nothing else lost.
  await page.fill('#ia-dif-exclude', 'Sex');
  await page.click('#ia-dif-run');
  const difError = page.locator('#ia-dif-error');
  await difError.waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await difError.getAttribute('role'), 'alert');
  assert.match(await difError.textContent(), /Sex/);
  assert.match(await page.locator('#ia-dif-status').textContent(), /did not run/);
  assert.equal(await page.locator('#ia-dif-table-1').count(), 1, 'the last DIF results stay');
  assert.equal(await page.locator('#ia-distractor-table tbody tr').count(), 100, 'the item results stay');
  await page.fill('#ia-dif-exclude', '');

  // (c) The verbal aggression data (0/1 scores, Anger a covariate, Gender the group):
  // MH as difR's difMH.
  const verbal = path.join(REPO_ROOT, 'tests/fixtures/verbal');
  await page.setInputFiles('#file-input', path.join(verbal, 'data.csv'));
  // The multiple-choice key does not fit a file of scores: the message is at the key.
  const keyError = page.locator('#ia-key-error:not([hidden])');
  await keyError.waitFor({ timeout: 60_000 });
  assert.match(await keyError.textContent(), /mc-key\.csv/);
  assert.equal(await page.locator('#file-error').isVisible(), false, 'the error is at the key only');
  assert.match(await page.locator('#current-file').textContent(), /data\.csv/, 'the response file stays loaded');
  await page.click('#ia-key-remove');
  await page.locator('#results .file-name', { hasText: 'data.csv' }).waitFor({ timeout: 60_000 });
  assert.equal(await keyError.count(), 0, 'removing the key clears its error');
  assert.equal(await page.locator('#ia-key-current').isVisible(), false);
  assert.equal(await page.locator('#ia-distractors').count(), 0, 'no distractors without a key');
  assert.equal(await page.locator('#ia-dif-results').textContent(), '', 'a new analysis clears the DIF results');
  const verbalColumns = await page.locator('#ia-dif-group-column option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(verbalColumns.slice(-2), ['Anger', 'Gender'], 'the selects follow the new file');
  await page.selectOption('#ia-dif-group-column', 'Gender');
  await page.fill('#ia-dif-exclude', 'Anger');
  await page.selectOption('#ia-dif-reference', '0');
  await page.click('#ia-dif-run');
  await page.locator('#ia-dif-table-1').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#ia-dif-comparison-1-title').textContent(), '1 vs 0 (reference)');
  const difR = await readCsvFile(path.join(verbal, 'difR_MH.csv'));
  const col = (name) => difR.header.indexOf(name);
  const info = JSON.parse(await readFile(path.join(verbal, 'difR_info.json'), 'utf8'));
  const [, nWomen, nMen] = info.group_coding.match(/n=(\d+).*n=(\d+)/);
  assert.equal(await page.locator('#ia-dif-1-n-reference').textContent(), nWomen);
  assert.equal(await page.locator('#ia-dif-1-n-focal').textContent(), nMen);
  const verbalRows = await readTable(page, 'ia-dif-table-1');
  assert.deepEqual(verbalRows.map((r) => r.item), difR.rows.map((r) => r[col('item')]), 'the 24 items, Anger left out');
  const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) <= 1e-6, `${what}: ${actual} vs difR ${expected}`);
  verbalRows.forEach((row, i) => {
    const ref = difR.rows[i];
    close(row.mh_chi_square, Number(ref[col('MH_stat')]), `${row.item} MH chi-square shown`);
    close(row.delta_mh, Number(ref[col('deltaMH')]), `${row.item} MH D-DIF shown`);
    assert.equal(/MH flagged/.test(row.mh_flagged), ref[col('flagged')] === 'TRUE', `${row.item} flagged as difR`);
  });
  const verbalJsonPath = path.join(tmp, 'verbal-dif.json');
  await saveDownload(page, '#ia-dif-download-json', verbalJsonPath);
  const verbalDif = JSON.parse(await readFile(verbalJsonPath, 'utf8'));
  assert.deepEqual(verbalDif.comparisons[0].flagged_items, info.MH.DIFitems);
  const verbalCsvPath = path.join(tmp, 'verbal-dif.csv');
  await saveDownload(page, '#ia-dif-download-csv', verbalCsvPath);
  const verbalCsv = await checkDifCsv(verbalCsvPath, verbalDif);
  verbalCsv.rows.forEach((row, i) => {
    const ref = difR.rows[i];
    assert.equal(row[verbalCsv.header.indexOf('item')], ref[col('item')]);
    close(Number(row[verbalCsv.header.indexOf('mh_chi_square')]), Number(ref[col('MH_stat')]), `${ref[0]} MH chi-square downloaded`);
    close(Number(row[verbalCsv.header.indexOf('delta_mh')]), Number(ref[col('deltaMH')]), `${ref[0]} MH D-DIF downloaded`);
  });

  // (d) A key naming an option no examinee could choose: the message at the key slot names
  // the item; the responses stay loaded and the right key works again.
  await page.click('#ia-key-sample');
  await page.locator('#results .file-name', { hasText: 'mc-choices.csv' }).waitFor({ timeout: 60_000 });
  await page.locator('#ia-distractor-table').waitFor();
  const keyText = await readFile(path.join(REPO_ROOT, 'www/samples/mc-key.csv'), 'utf8');
  assert.match(keyText, /^Q03,C$/m);
  const badKey = path.join(tmp, 'bad-key.csv');
  await writeFile(badKey, keyText.replace(/^Q03,C$/m, 'Q03,F'));
  await page.setInputFiles('#ia-key-input', badKey);
  await keyError.waitFor({ timeout: 60_000 });
  const message = await keyError.textContent();
  assert.match(message, /bad-key\.csv/, `the message names the key file: ${message}`);
  assert.match(message, /Q03/, `the message names the item: ${message}`);
  assert.equal(await keyError.getAttribute('role'), 'alert');
  assert.equal(await page.locator('#ia-key-input').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#file-error').isVisible(), false, 'the error is at the key only');
  assert.match(await page.locator('#current-file').textContent(), /mc-choices\.csv/, 'the response file stays loaded');
  assert.match(await page.locator('#status').textContent(), /did not run/);
  await page.setInputFiles('#ia-key-input', path.join(REPO_ROOT, 'www/samples/mc-key.csv'));
  await page.locator('#results .file-name', { hasText: 'mc-choices.csv' }).waitFor({ timeout: 60_000 });
  await page.locator('#ia-distractor-table').waitFor();
  assert.equal(await keyError.count(), 0, 'the right key clears the message');
  assert.equal(await page.locator('#ia-distractor-table tbody tr').count(), 100);
  // Omits as missing: the key's option is used by the next run.
  await page.check('#ia-key-omits-missing');
  await page.locator('#results .results__meta', { hasText: 'omits missing' }).waitFor({ timeout: 60_000 });

  // (e) Nothing left the page's origin, nothing failed, nothing was logged as an error.
  assertCleanLog(log, origin);
}
