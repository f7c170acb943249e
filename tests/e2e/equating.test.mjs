// End-to-end test of the Equating tool in headless Chromium, against the
// built site (dist/) with the real WebAssembly engine. Reference: plink 1.5.1
// on Kolen & Brennan's KB04 forms (tests/fixtures/linking_KB04).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, REPO_ROOT, saveDownload, useBrowserSite } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-equating-' });
const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/linking_KB04');
const PLINK_METHODS = { 'mean-mean': 'Mean/Mean', 'mean-sigma': 'Mean/Sigma', haebara: 'Haebara', 'stocking-lord': 'Stocking-Lord' };

/** plink's constants (plink_constants.csv) as a function (D, excluded, method) -> { A, B }. */
async function plinkConstants() {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, 'plink_constants.csv'));
  const col = (name) => header.indexOf(name);
  return (D, excluded, method) => {
    const row = rows.find((r) => r[col('D')] === D && r[col('excluded_common_item')] === excluded && r[col('method')] === method);
    assert.ok(row, `plink has ${D}, ${excluded}, ${method}`);
    return { A: Number(row[col('A')]), B: Number(row[col('B')]) };
  };
}

/** A KB04 parameter file (item,a,b,c) in pacer's format (item,model,a,b,c, model 3pl). */
async function pacerParameters(fixture, file) {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, fixture));
  assert.deepEqual(header, ['item', 'a', 'b', 'c']);
  await writeFile(file, ['item,model,a,b,c', ...rows.map(([item, a, b, c]) => [item, '3pl', a, b, c].join(','))].join('\n') + '\n');
}

/** KB04's common items (form_x_item,form_y_item) as an anchor file (new_item,base_item), plus `extra` rows. */
async function pacerAnchors(file, extra = []) {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, 'common_items.csv'));
  assert.deepEqual(header, ['form_x_item', 'form_y_item']);
  await writeFile(file, ['new_item,base_item', ...rows.map((r) => r.join(',')), ...extra].join('\n') + '\n');
}

/** A table of the results as [{key: value}], numbers from the cells' full-precision data-value. */
function readTable(page, tableId) {
  return page.evaluate((id) => {
    const keys = [...document.querySelectorAll(`#${id} thead th`)].map((th) => th.dataset.key);
    return [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
      Object.fromEntries([...tr.children].map((cell, i) => [keys[i], cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent])),
    );
  }, tableId);
}

/** The full-precision value of a summary number (its data-value). */
async function readValue(page, selector) {
  const value = await page.locator(selector).getAttribute('data-value');
  assert.ok(value !== null, `${selector} has a data-value`);
  return Number(value);
}

function chartSeriesCount(page, id) {
  return page.evaluate((chartId) => globalThis.echarts.getInstanceByDom(document.getElementById(chartId)).getOption().series.length, id);
}

const close = (actual, expected, tolerance, what) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);

test('equating: KB04 as plink (mean/sigma, all methods, common item 27 left out), conversion table, charts, downloads, errors; same-origin only, no console errors', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'equating', async (page, log) => {
    const { origin, tmp } = site;
    const plink = await plinkConstants();
    const base = path.join(tmp, 'form-Y.csv');
    const newForm = path.join(tmp, 'form-X.csv');
    const anchors = path.join(tmp, 'anchors.csv');
    await pacerParameters('form_y_old_pars.csv', base);
    await pacerParameters('form_x_new_pars.csv', newForm);
    await pacerAnchors(anchors);

    await page.goto(`${origin}/#/equating`);
    assert.deepEqual(await page.locator('nav .tool-nav__link').allTextContents(), ['Item Analysis', 'IRT Calibration', 'Test Scoring', 'Equating', 'CDM Calibration', 'Skill Profiler']);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Equating');
    await page.locator('#eq-base-input').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#eq-method-stocking-lord').isChecked(), true, 'Stocking-Lord is the default method');
    assert.equal(await page.locator('#eq-d').inputValue(), '1.702', 'D = 1.702 by default');
    assert.equal(await page.locator('#eq-pop1-from-link').isDisabled(), true, 'no link to take N(B, A) from yet');

    // 1. The three files, D = 1.7, mean/sigma.
    await page.setInputFiles('#eq-base-input', base);
    await page.setInputFiles('#eq-new-input', newForm);
    await page.setInputFiles('#eq-anchors-input', anchors);
    for (const [key, name] of [['base', 'form-Y.csv'], ['new', 'form-X.csv'], ['anchors', 'anchors.csv']]) {
      await page.locator(`#eq-${key}-current`, { hasText: name }).waitFor();
    }
    await page.fill('#eq-d', '1.7');
    await page.check('#eq-method-mean-sigma');
    await page.click('#eq-run');
    await page.locator('#eq-results #eq-A').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#eq-status').textContent(), /Equated form-X\.csv to form-Y\.csv: Mean-sigma/);
    assert.equal(await page.locator('#eq-method-used').textContent(), 'Mean-sigma');
    const ms = plink('1.7', 'none', 'Mean/Sigma');
    close(await readValue(page, '#eq-A'), ms.A, 1e-5, 'mean/sigma A');
    close(await readValue(page, '#eq-B'), ms.B, 1e-5, 'mean/sigma B');
    assert.match(await page.locator('#eq-A').textContent(), /^\d\.\d{6}$/, 'A is shown with 6 decimals');
    assert.equal(await page.locator('#eq-n-anchors').textContent(), '12 of 12');

    // All four methods, each as plink's (D = 1.7, all common items).
    const methods = await page.evaluate(() =>
      [...document.querySelectorAll('#eq-methods-table tbody tr')].map((tr) => ({
        method: tr.querySelector('[data-method]').dataset.method,
        A: Number(tr.querySelector('td:nth-child(2)').dataset.value),
        B: Number(tr.querySelector('td:nth-child(3)').dataset.value),
        applied: Boolean(tr.querySelector('.badge')),
      })),
    );
    assert.deepEqual(methods.map((m) => m.method).sort(), Object.keys(PLINK_METHODS).sort());
    for (const m of methods) {
      const expected = plink('1.7', 'none', PLINK_METHODS[m.method]);
      const tolerance = m.method.startsWith('mean') ? 1e-5 : 1e-4;
      close(m.A, expected.A, tolerance, `${m.method} A`);
      close(m.B, expected.B, tolerance, `${m.method} B`);
      assert.equal(m.applied, m.method === 'mean-sigma', `${m.method} is ${m.method === 'mean-sigma' ? '' : 'not '}marked as applied`);
    }

    // The common items' drift table.
    const drift = await readTable(page, 'eq-anchors-table');
    assert.equal(drift.length, 12);
    assert.ok(drift.every((r) => r.d2 >= 0 && Math.abs(r.rmsd - Math.sqrt(r.d2)) < 1e-12), 'RMSD = √d²');
    assert.equal(drift.filter((r) => /largest/.test(r.flags)).length, 1, 'one common item has the largest d²');

    // 2. Leave out common item 27 and link again: plink's constants without it.
    await page.check('#eq-anchors-table input[type="checkbox"][data-item="27"]');
    await page.click('#eq-rerun');
    await page.locator('#eq-n-anchors', { hasText: '11 of 12' }).waitFor({ timeout: 60_000 });
    const ms27 = plink('1.7', '27', 'Mean/Sigma');
    close(await readValue(page, '#eq-A'), ms27.A, 1e-5, 'mean/sigma A without 27');
    close(await readValue(page, '#eq-B'), ms27.B, 1e-5, 'mean/sigma B without 27');
    const drift27 = (await readTable(page, 'eq-anchors-table')).find((r) => r.new_item === '27');
    assert.match(drift27.flags, /excluded/);
    assert.equal(await page.locator('#eq-anchors-table input[data-item="27"]').isChecked(), true, 'the excluded item stays checked');
    assert.match(await page.locator('#eq-excluded-text').textContent(), /27/);

    // The conversion table: plink's true-score and observed-score equivalents of score 7.
    const conversion = await readTable(page, 'eq-conversion-table');
    assert.equal(conversion.length, 37, 'scores 0 to 36');
    const seven = conversion.find((r) => r.score === 7);
    close(seven.true_score_equivalent, 6.134146, 1e-4, 'true-score equivalent of 7');
    const ose = await readCsvFile(path.join(FIXTURES, 'plink_observed_score_equating.csv'));
    const oseHeader = ose.header.map((name) => name.replace(/^"|"$/g, ''));
    const plinkSeven = ose.rows.find((r) => Number(r[oseHeader.indexOf('scores.new')]) === 7);
    close(seven.observed_score_equivalent, Number(plinkSeven[oseHeader.indexOf('scores.old')]), 1e-4, 'observed-score equivalent of 7');
    assert.equal(conversion[0].theta, '\u2014', 'no θ for score 0');

    // The moments and the linked parameters.
    assert.equal(await page.locator('#eq-moments-table tbody tr').count(), 3);
    assert.equal((await readTable(page, 'eq-linked-table')).length, 36);

    // 3. Downloads: the conversion table and the linked parameters as the CLI writes them, the JSON.
    const conversionPath = path.join(tmp, 'conversion.csv');
    const conversionDownload = await saveDownload(page, '#eq-download-conversion', conversionPath);
    assert.equal(conversionDownload.suggestedFilename(), 'form-X-conversion.csv');
    const conversionCsv = await readCsvFile(conversionPath);
    assert.equal(conversionCsv.lines[0], 'score,theta,true_score_equivalent,observed_score_equivalent');
    assert.equal(conversionCsv.rows.length, 37);
    assert.equal(Number(conversionCsv.rows[7][2]), seven.true_score_equivalent, 'the CSV has the full-precision equivalent');
    assert.equal(conversionCsv.rows[0][1], '', 'no θ for score 0');

    const linkedPath = path.join(tmp, 'linked.csv');
    const linkedDownload = await saveDownload(page, '#eq-download-linked', linkedPath);
    assert.equal(linkedDownload.suggestedFilename(), 'form-X-linked-parameters.csv');
    const linkedCsv = await readCsvFile(linkedPath);
    assert.equal(linkedCsv.lines[0], 'item,model,a,b,c,u');
    assert.equal(linkedCsv.rows.length, 36);
    assert.equal(linkedCsv.rows[0][1], '3pl');

    const jsonPath = path.join(tmp, 'equating.json');
    const jsonDownload = await saveDownload(page, '#eq-download-json', jsonPath);
    assert.equal(jsonDownload.suggestedFilename(), 'form-X-equating.json');
    const result = JSON.parse(await readFile(jsonPath, 'utf8'));
    assert.equal(result.tool, 'equating');
    assert.equal(result.linking.method, 'mean-sigma');
    assert.equal(result.linking.n_anchors, 11);
    assert.equal(result.linking.A, await readValue(page, '#eq-A'), 'the page shows the engine\u2019s numbers');
    // The linked parameters CSV holds the result's numbers (a = slope / A on the base scale).
    assert.equal(Number(linkedCsv.rows[0][2]), result.linking.linked_items[0].a);

    // 4. Charts: the common items' TCCs, one common item's curves, equated scores, distributions.
    for (const [id, series] of [['eq-chart-tcc', 3], ['eq-chart-item', 3], ['eq-chart-equated', 3], ['eq-chart-distributions', 2]]) {
      await page.locator(`#${id} canvas`).waitFor();
      assert.equal(await chartSeriesCount(page, id), series, `${id} has ${series} series`);
    }
    const largest = result.linking.anchors.find((a) => a.largest).new_item;
    const itemData = () => page.evaluate(() => globalThis.echarts.getInstanceByDom(document.getElementById('eq-chart-item')).getOption().series[0].data[40][1]);
    const selected = await page.locator('#eq-curve-item').inputValue();
    assert.equal(result.linking.curves.items[Number(selected)].new_item, largest, 'the item with the largest d² is shown first');
    const before = await itemData();
    const other = selected === '0' ? '1' : '0';
    await page.selectOption('#eq-curve-item', other);
    assert.notEqual(await itemData(), before, 'the chart shows the chosen item');
    assert.equal(await itemData(), result.linking.curves.items[Number(other)].base[40]);
    assert.match(await page.locator('#eq-chart-item').getAttribute('aria-label'), new RegExp(`common item ${result.linking.curves.items[Number(other)].new_item}\\b`));

    // Population 1 from the link: N(B, A).
    assert.equal(await page.locator('#eq-pop1-from-link').isDisabled(), false);
    await page.click('#eq-pop1-from-link');
    close(Number(await page.locator('#eq-pop1-mean').inputValue()), result.linking.B, 1e-9, 'population 1 mean = B');
    close(Number(await page.locator('#eq-pop1-sd').inputValue()), result.linking.A, 1e-9, 'population 1 SD = A');
    await page.fill('#eq-pop1-mean', '0');
    await page.fill('#eq-pop1-sd', '1');

    // 5. Errors. An anchor file naming an item the new form does not have: the engine's message
    // at the anchor file, the files and the last results kept.
    const badAnchors = path.join(tmp, 'bad-anchors.csv');
    await pacerAnchors(badAnchors, ['40,5']);
    await page.setInputFiles('#eq-anchors-input', badAnchors);
    await page.locator('#eq-anchors-current', { hasText: 'bad-anchors.csv' }).waitFor();
    assert.equal(await page.locator('#eq-excluded-box').isVisible(), false, 'a new anchor file: no common item is left out');
    await page.click('#eq-run');
    const anchorError = page.locator('#eq-anchors-error:not([hidden])');
    await anchorError.waitFor({ timeout: 60_000 });
    const message = await anchorError.textContent();
    assert.match(message, /'40'/);
    assert.match(message, /bad-anchors\.csv/);
    assert.match(message, /row 14/);
    assert.equal(await page.locator('#eq-anchors-input').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#eq-status').textContent(), /did not run/);
    assert.equal(await page.locator('#eq-results').isVisible(), true, 'the last results stay');
    assert.match(await page.locator('#eq-base-current').textContent(), /form-Y\.csv/, 'the other files stay loaded');
    assert.match(await page.locator('#eq-new-current').textContent(), /form-X\.csv/);
    assert.equal(await page.locator('#eq-base-error').isVisible(), false, 'the error is at the anchor file only');

    // An invalid option: a field error, nothing runs, the file error stays until the file is replaced.
    await page.fill('#eq-pop1-sd', '0');
    await page.click('#eq-run');
    await page.locator('#eq-pop1-sd-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#eq-pop1-sd').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#eq-status').textContent(), /correct the highlighted options/);
    assert.equal(await anchorError.isVisible(), true, 'the anchor file\u2019s error stays');
    await page.fill('#eq-pop1-sd', '1');
    await page.fill('#eq-d', 'abc');
    await page.click('#eq-run');
    await page.locator('#eq-d-error', { hasText: 'abc' }).waitFor();
    assert.equal(await page.locator('#eq-d').getAttribute('aria-invalid'), 'true');
    await page.fill('#eq-d', '1.7');

    // A good anchor file again: Run works, with all 12 common items and the default method
    // chosen on the page (Stocking-Lord).
    await page.setInputFiles('#eq-anchors-input', anchors);
    await page.locator('#eq-anchors-current', { hasText: 'anchors.csv' }).waitFor();
    assert.equal(await anchorError.isVisible(), false, 'replacing the file clears its error');
    await page.check('#eq-method-stocking-lord');
    await page.click('#eq-run');
    await page.locator('#eq-status', { hasText: 'Equated form-X.csv to form-Y.csv: Stocking-Lord' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#eq-n-anchors').textContent(), '12 of 12');
    const sl = plink('1.7', 'none', 'Stocking-Lord');
    close(await readValue(page, '#eq-A'), sl.A, 1e-4, 'Stocking-Lord A');
    close(await readValue(page, '#eq-B'), sl.B, 1e-4, 'Stocking-Lord B');

    assertCleanLog(log, origin);
  }),
);

test('equating: the sample loads the three KB04 files, sets D = 1.7 and runs (Stocking-Lord as plink)', { timeout: 120_000 }, () =>
  inNewContext(site.browser, 'equating-sample', async (page, log) => {
    const plink = await plinkConstants();
    await page.goto(`${site.origin}/#/equating`);
    await page.locator('#eq-run-sample').waitFor();
    await page.click('#eq-run-sample');
    await page.locator('#eq-status', { hasText: 'Equated KB04-new-form-X-parameters.csv to KB04-base-form-Y-parameters.csv: Stocking-Lord' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#eq-d').inputValue(), '1.7');
    for (const [key, name] of [['base', 'KB04-base-form-Y-parameters.csv'], ['new', 'KB04-new-form-X-parameters.csv'], ['anchors', 'KB04-anchors.csv']]) {
      assert.match(await page.locator(`#eq-${key}-current`).textContent(), new RegExp(name.replace(/\./g, '\\.')));
    }
    const sl = plink('1.7', 'none', 'Stocking-Lord');
    close(await readValue(page, '#eq-A'), sl.A, 1e-4, 'Stocking-Lord A');
    close(await readValue(page, '#eq-B'), sl.B, 1e-4, 'Stocking-Lord B');
    assert.equal(await page.locator('#eq-D').textContent(), '1.7');
    assertCleanLog(log, site.origin);
  }),
);
