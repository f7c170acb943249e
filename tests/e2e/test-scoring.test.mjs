// End-to-end test of the Test Scoring tool in headless Chromium, against the
// built site (dist/) with the real WebAssembly engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, readNumber, REPO_ROOT, saveDownload, useBrowserSite } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-scoring-' });
const LSAT7 = path.join(REPO_ROOT, 'tests/fixtures/LSAT7/data.csv');
const ITEMS = ['Item.1', 'Item.2', 'Item.3', 'Item.4', 'Item.5'];

/** mirt's LSAT7 2PL estimates as an item-parameter CSV (D = 1): a = a1, b = -d / a1. */
async function mirtParameterCsv({ rename = {} } = {}) {
  const { header, rows } = await readCsvFile(path.join(REPO_ROOT, 'tests/fixtures/LSAT7/mirt_2PL_pars_slopeint_se.csv'));
  const col = (name) => header.indexOf(name);
  const lines = ['item,model,a,b'];
  for (const r of rows) {
    const a = Number(r[col('a1')]);
    const d = Number(r[col('d')]);
    lines.push([rename[r[col('item')]] ?? r[col('item')], '2pl', a, -d / a].join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * mirt's fscores of the LSAT7 response patterns (tests/fixtures/LSAT7/mirt_2PL_fscores_patterns.csv:
 * Item.1..Item.5, EAP, EAP_SE, MAP, MAP_SE, ML, ML_SE, WLE, WLE_SE) as a map from the pattern
 * ("00000") to { EAP, EAP_SE, ... }.
 */
async function mirtScores() {
  const { header, rows } = await readCsvFile(path.join(REPO_ROOT, 'tests/fixtures/LSAT7/mirt_2PL_fscores_patterns.csv'));
  const clean = header.map((h) => h.replace(/^"|"$/g, ''));
  const byPattern = new Map();
  for (const r of rows) {
    const pattern = ITEMS.map((item) => String(Number(r[clean.indexOf(item)]))).join('');
    const scores = {};
    for (const key of ['EAP', 'EAP_SE', 'MAP', 'MAP_SE', 'ML', 'ML_SE', 'WLE', 'WLE_SE']) scores[key] = Number(r[clean.indexOf(key)]);
    byPattern.set(pattern, scores);
  }
  return byPattern;
}

/** The response pattern of LSAT7's data row `row` (1-based), e.g. "00000". */
async function lsat7Pattern(row) {
  const { rows } = await readCsvFile(LSAT7);
  return rows[row - 1].map((v) => String(Number(v))).join('');
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

function chartSeriesCount(page, id) {
  return page.evaluate((chartId) => globalThis.echarts.getInstanceByDom(document.getElementById(chartId)).getOption().series.length, id);
}

test('test scoring: EAP of LSAT7 with mirt\u2019s 2PL parameters as mirt, charts, conversion table, levels, downloads, bad parameter file; same-origin only, no console errors', { timeout: 180_000 }, () =>
  inNewContext(site.browser, 'test-scoring', async (page, log) => {
    const { origin, tmp } = site;
    const mirt = await mirtScores();
    const first = mirt.get(await lsat7Pattern(1));
    assert.ok(first, 'mirt has the first person\u2019s pattern');

    await page.goto(`${origin}/#/test-scoring`);
    assert.deepEqual(await page.locator('nav .tool-nav__link').allTextContents(), ['Item Analysis', 'IRT Calibration', 'Test Scoring', 'Equating', 'CDM Calibration', 'Skill Profiler']);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Test Scoring');
    await page.locator('#scoring-file-input').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#scoring-method-eap').isChecked(), true, 'EAP is the default method');
    assert.equal(await page.locator('#scoring-d-1702').isChecked(), true, 'D = 1.702 by default');
    assert.equal(await page.locator('#scoring-params-source-calibration').isDisabled(), true, 'no calibration to use yet');

    // 1. The response file and a parameter file (mirt's 2PL, D = 1), EAP.
    const params = path.join(tmp, 'lsat7-2pl.csv');
    await writeFile(params, await mirtParameterCsv());
    await page.setInputFiles('#scoring-file-input', LSAT7);
    await page.locator('#scoring-current-file', { hasText: 'data.csv' }).waitFor();
    await page.locator('#scoring-data-preview', { hasText: '1,000 persons, 5 items' }).waitFor({ timeout: 30_000 });
    await page.setInputFiles('#scoring-params-input', params);
    await page.locator('#scoring-params-current', { hasText: 'lsat7-2pl.csv' }).waitFor();
    await page.check('#scoring-d-1');
    await page.click('#scoring-run');
    await page.locator('#scoring-results #scoring-reliability').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#scoring-status').textContent(), /Scored data\.csv: EAP, 1,000 persons/);
    assert.equal(await page.locator('#scoring-n').textContent(), '1,000');
    assert.equal(await page.locator('#scoring-method').textContent(), 'EAP');
    const reliability = await readNumber(page, '#scoring-reliability', 3);
    assert.ok(reliability > 0 && reliability < 1, `marginal reliability ${reliability}`);

    // The first person's θ is mirt's EAP for that response pattern.
    const persons = await readTable(page, 'scoring-person-table');
    assert.equal(persons.length, 1000);
    assert.equal(persons[0].row, '1');
    assert.ok(Math.abs(persons[0].theta - first.EAP) < 1e-3, `first person's theta ${persons[0].theta} vs mirt EAP ${first.EAP}`);
    assert.ok(persons[0].se > 0, 'the first person has a standard error');

    // Charts: the histogram, TCC, test information and CSEM.
    for (const id of ['scoring-chart-histogram', 'scoring-chart-tcc', 'scoring-chart-tif', 'scoring-chart-csem']) {
      await page.locator(`#${id} canvas`).waitFor();
      assert.equal(await chartSeriesCount(page, id), 1, `${id} has one series`);
    }
    const tccMax = await page.evaluate(() => globalThis.echarts.getInstanceByDom(document.getElementById('scoring-chart-tcc')).getOption().yAxis[0].max);
    assert.equal(tccMax, 5, 'the TCC goes up to the maximum sum score');

    // The conversion table: sum scores 0 to 5.
    const conversion = await readTable(page, 'scoring-conversion-table');
    assert.equal(conversion.length, 6);
    assert.deepEqual(conversion.map((r) => r.sum_score), ['0', '1', '2', '3', '4', '5']);
    for (let k = 1; k < 6; k++) assert.ok(conversion[k].theta > conversion[k - 1].theta, 'θ increases with the sum score');

    // Sorting the persons by θ (keyboard): the lowest first.
    const thetaHeader = page.locator('#scoring-person-table th[data-key="theta"]');
    await thetaHeader.locator('button').focus();
    await page.keyboard.press('Enter');
    assert.equal(await thetaHeader.getAttribute('aria-sort'), 'ascending');
    const sorted = await readTable(page, 'scoring-person-table');
    assert.ok(sorted[0].theta <= sorted[999].theta);

    // 2. Downloads: persons as CSV and JSON, the conversion table as CSV.
    const csvPath = path.join(tmp, 'persons.csv');
    const csv = await saveDownload(page, '#scoring-download-csv', csvPath);
    assert.equal(csv.suggestedFilename(), 'data-scores-eap.csv');
    const { lines, header, rows } = await readCsvFile(csvPath);
    assert.equal(lines.length, 1001, 'header + 1,000 persons');
    for (const field of ['row', 'sum_score', 'theta', 'se']) assert.ok(header.includes(field), `CSV header has ${field}: ${lines[0]}`);
    assert.equal(rows[0][header.indexOf('row')], '1');
    assert.ok(Math.abs(Number(rows[0][header.indexOf('theta')]) - first.EAP) < 1e-3, 'the CSV has the first person\u2019s θ');

    const jsonPath = path.join(tmp, 'scores.json');
    await saveDownload(page, '#scoring-download-json', jsonPath);
    const result = JSON.parse(await readFile(jsonPath, 'utf8'));
    assert.equal(result.tool, 'test_scoring');
    assert.equal(result.persons.length, 1000);
    assert.equal(result.options.method, 'eap');
    assert.equal(result.options.d_constant, 1);
    assert.deepEqual(result.items, ITEMS);
    assert.equal(result.persons[0].theta, persons[0].theta, 'the page shows the engine\u2019s numbers');

    const tablePath = path.join(tmp, 'conversion.csv');
    await saveDownload(page, '#scoring-download-table', tablePath);
    const conversionCsv = await readCsvFile(tablePath);
    assert.deepEqual(conversionCsv.header.slice(0, 3), ['sum_score', 'theta', 'se']);
    assert.equal(conversionCsv.rows.length, 6);

    // 3. Options are checked before anything runs.
    await page.fill('#scoring-cuts', '0.5, low');
    await page.click('#scoring-run');
    await page.locator('#scoring-cuts-error', { hasText: 'low' }).waitFor();
    assert.equal(await page.locator('#scoring-cuts').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#scoring-results').isVisible(), true, 'the last results stay');

    // 4. A scale, cut scores and level names: scale scores, levels, P(above) per cut, classification.
    await page.fill('#scoring-scale-slope', '10');
    await page.fill('#scoring-scale-intercept', '50');
    await page.fill('#scoring-scale-decimals', '0');
    await page.fill('#scoring-cuts', '45, 55');
    await page.fill('#scoring-levels', 'Basic, Proficient, Advanced');
    await page.click('#scoring-run');
    await page.locator('#scoring-results #scoring-accuracy').waitFor({ timeout: 60_000 });
    const accuracy = await readNumber(page, '#scoring-accuracy', 3);
    const consistency = await readNumber(page, '#scoring-consistency', 3);
    assert.ok(accuracy > 0 && accuracy <= 1 && consistency > 0 && consistency <= 1, `accuracy ${accuracy}, consistency ${consistency}`);
    const levels = await page.locator('#scoring-level-table tbody th').allTextContents();
    assert.deepEqual(levels, ['Basic', 'Proficient', 'Advanced']);
    const scaled = await readTable(page, 'scoring-person-table');
    const keys = Object.keys(scaled[0]);
    for (const key of ['scale_score', 'level', 'p_above_0', 'p_above_1']) assert.ok(keys.includes(key), `the person table has ${key} (${keys.join(', ')})`);
    const p1 = scaled.find((r) => r.row === '1');
    assert.equal(p1.scale_score, Math.round(10 * p1.theta + 50), 'scale score = round(10 θ + 50)');
    assert.ok(['Basic', 'Proficient', 'Advanced'].includes(p1.level));
    assert.ok(p1.p_above_0 >= p1.p_above_1, 'P(above the lower cut) \u2265 P(above the higher cut)');
    assert.match(await page.locator('#scoring-chart-histogram').getAttribute('aria-label'), /scale scores/);

    // 5. ML: no finite θ for the all-wrong pattern of the first person; extreme patterns counted.
    await page.fill('#scoring-scale-slope', '');
    await page.fill('#scoring-scale-intercept', '');
    await page.fill('#scoring-scale-decimals', '');
    await page.fill('#scoring-cuts', '');
    await page.fill('#scoring-levels', '');
    await page.check('#scoring-method-ml');
    await page.click('#scoring-run');
    await page.locator('#scoring-status', { hasText: 'Scored data.csv: ML' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#scoring-method').textContent(), 'ML');
    const ml = await readTable(page, 'scoring-person-table');
    const mlFirst = ml.find((r) => r.row === '1');
    if (first.ML === -Infinity || !Number.isFinite(first.ML)) {
      assert.equal(mlFirst.theta, '\u2014', 'no ML estimate for an extreme pattern');
      assert.equal(mlFirst.extreme, 'minimum');
      assert.ok(Number((await page.locator('#scoring-extreme').textContent()).replace(/,/g, '')) > 0, 'extreme patterns are counted');
    } else {
      assert.ok(Math.abs(mlFirst.theta - first.ML) < 1e-3, `ML ${mlFirst.theta} vs mirt ${first.ML}`);
    }

    // 6. A parameter file naming an item the response file does not have: the error names it.
    const bad = path.join(tmp, 'wrong-item.csv');
    await writeFile(bad, await mirtParameterCsv({ rename: { 'Item.5': 'Item.9' } }));
    await page.setInputFiles('#scoring-params-input', bad);
    await page.locator('#scoring-params-current', { hasText: 'wrong-item.csv' }).waitFor();
    await page.check('#scoring-method-eap');
    await page.click('#scoring-run');
    const alert = page.locator('#tool-test-scoring [role="alert"]:not([hidden])', { hasText: 'Item.9' });
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.textContent(), /Item\.9/);
    assert.equal(await page.locator('#scoring-results').isVisible(), false, 'stale results are hidden');
    assert.match(await page.locator('#scoring-status').textContent(), /did not run/);

    assertCleanLog(log, origin);
  }),
);

test('test scoring: the sample loads its parameters and runs', { timeout: 120_000 }, () =>
  inNewContext(site.browser, 'test-scoring-sample', async (page, log) => {
    const first = (await mirtScores()).get(await lsat7Pattern(1));
    await page.goto(`${site.origin}/#/test-scoring`);
    await page.locator('#scoring-run-sample').waitFor();
    await page.click('#scoring-run-sample');
    await page.locator('#scoring-status', { hasText: 'Scored LSAT7.csv: EAP' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#scoring-d-1').isChecked(), true, 'the sample\u2019s parameters are for D = 1');
    assert.match(await page.locator('#scoring-params-current').textContent(), /LSAT7-2PL-parameters\.csv/);
    const persons = await readTable(page, 'scoring-person-table');
    assert.ok(Math.abs(persons[0].theta - first.EAP) < 1e-3, `first person's theta ${persons[0].theta} vs mirt EAP ${first.EAP}`);
    assertCleanLog(log, site.origin);
  }),
);

test('test scoring: calibrate LSAT7 (2PL) on the IRT page, then score with its parameters', { timeout: 180_000 }, () =>
  inNewContext(site.browser, 'test-scoring-handoff', async (page, log) => {
    const { origin } = site;
    const first = (await mirtScores()).get(await lsat7Pattern(1));
    await page.goto(`${origin}/#/irt-calibration`);
    await page.locator('#irt-file-input').waitFor({ state: 'attached' });
    await page.check('#irt-model-2pl');
    await page.check('#irt-d-1');
    await page.click('#irt-run-sample');
    await page.locator('#irt-results #irt-loglik').waitFor({ timeout: 60_000 });
    const button = page.locator('#irt-score-examinees');
    assert.equal(await button.isDisabled(), false, 'one group: the parameters can be passed on');

    await button.click();
    await page.locator('#scoring-run').waitFor();
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Test Scoring');
    assert.equal(await page.locator('#scoring-params-source-calibration').isChecked(), true, 'the calibration\u2019s parameters are selected');
    assert.match(await page.locator('#scoring-params-source-calibration-desc').textContent(), /2PL calibration of LSAT7\.csv: 5 items, D = 1/);
    await page.locator('#scoring-current-file', { hasText: 'LSAT7.csv' }).waitFor();
    assert.equal(await page.locator('#scoring-d-1').isChecked(), true, 'D is the calibration\u2019s');
    assert.equal(await page.locator('#scoring-d-1').isDisabled(), true, 'and cannot be changed while its parameters are used');
    assert.equal(await page.locator('#scoring-params-drop').isVisible(), false, 'no parameter file needed');

    await page.click('#scoring-run');
    await page.locator('#scoring-results #scoring-reliability').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#scoring-status').textContent(), /Scored LSAT7\.csv: EAP, 1,000 persons/);
    assert.match(await page.locator('#scoring-results .results__meta').textContent(), /parameters: LSAT7-irt-2pl-parameters\.csv/);
    const persons = await readTable(page, 'scoring-person-table');
    assert.equal(persons.length, 1000);
    // The page's calibration (default tolerance) is close to mirt's.
    assert.ok(Math.abs(persons[0].theta - first.EAP) < 5e-3, `first person's theta ${persons[0].theta} vs mirt EAP ${first.EAP}`);
    assert.equal(await page.locator('#scoring-conversion-table tbody tr').count(), 6);

    // A parameter file is still a choice; the calibration stays available.
    await page.check('#scoring-params-source-file');
    assert.equal(await page.locator('#scoring-params-drop').isVisible(), true);
    assert.equal(await page.locator('#scoring-d-1').isDisabled(), false);
    await page.check('#scoring-params-source-calibration');

    // Back on the IRT page, its results are still there. A Rasch calibration handed over to the
    // scoring page, now already open: its parameters, its D and its latent SD as the prior.
    await page.click('nav a[data-tool="irt-calibration"]');
    await page.locator('#irt-results #irt-loglik').waitFor();
    await page.check('#irt-model-rasch');
    await page.check('#irt-d-1702');
    await page.click('#irt-run');
    await page.locator('#irt-status', { hasText: 'Calibrated LSAT7.csv: Rasch' }).waitFor({ timeout: 60_000 });
    await page.click('#irt-score-examinees');
    await page.locator('#scoring-params-source-calibration-desc', { hasText: 'Rasch calibration of LSAT7.csv' }).waitFor();
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Test Scoring');
    assert.equal(await page.locator('#scoring-d-1702').isChecked(), true);
    assert.equal(await page.locator('#scoring-results').isVisible(), false, 'the results of the other parameters are cleared');
    const priorSd = Number(await page.locator('#scoring-prior-sd').inputValue());
    assert.ok(priorSd > 0.5 && priorSd < 2 && priorSd !== 1, `the prior SD is the calibration's latent SD (${priorSd})`);
    await page.locator('#scoring-current-file', { hasText: 'LSAT7.csv' }).waitFor();
    await page.click('#scoring-run');
    await page.locator('#scoring-status', { hasText: 'Scored LSAT7.csv: EAP' }).waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#scoring-results .results__meta').textContent(), /LSAT7-irt-rasch-parameters\.csv/);
    assertCleanLog(log, origin);
  }),
);
