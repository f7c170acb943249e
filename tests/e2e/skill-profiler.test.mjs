// End-to-end test of the Skill Profiler tool in headless Chromium, against
// the built site (dist/) with the real WebAssembly engine. Reference: the R
// package GDINA 2.9.12's DINA fit of Tatsuoka's fraction subtraction data and
// its `personparm` profiles of the first 20 examinees
// (tests/fixtures/frac20/gdina_DINA_persons_first20.csv).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, REPO_ROOT, saveDownload, tabThrough, useBrowserSite, watchPage } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-profiler-' });
const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/frac20');
const ATTRIBUTES = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'];

/**
 * GDINA's profiles of the first 20 examinees: { row, eap, map, mapTied, mle,
 * mleTied, mastery } (profiles as digit strings, attribute 1 first).
 */
async function gdinaPersons() {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, 'gdina_DINA_persons_first20.csv'));
  const col = (r, name) => r[header.indexOf(name)];
  const digits = (r, prefix) => ATTRIBUTES.map((a) => col(r, `${prefix}_${a}`)).join('');
  return rows.map((r) => ({
    row: Number(col(r, 'person')),
    eap: digits(r, 'EAP'),
    map: digits(r, 'MAP'),
    mapTied: col(r, 'MAP_multimodes') === 'TRUE',
    mle: digits(r, 'MLE'),
    mleTied: col(r, 'MLE_multimodes') === 'TRUE',
    mastery: ATTRIBUTES.map((a) => Number(col(r, `mp_${a}`))),
  }));
}

/** The first `n` rows of the examinees' table (in row order): row, profiles, tie flags, mastery (full precision). */
function readPersons(page, n) {
  return page.evaluate((count) => {
    const keys = [...document.querySelectorAll('#sp-person-table thead th')].map((th) => th.dataset.key);
    return [...document.querySelectorAll('#sp-person-table tbody tr')].slice(0, count).map((tr) => {
      const cells = Object.fromEntries([...tr.children].map((cell, i) => [keys[i], cell]));
      const profile = (key) => cells[key].firstChild.textContent.trim();
      return {
        row: Number(cells.row.dataset.value),
        eap: profile('eap'),
        map: profile('map'),
        mapTied: Boolean(cells.map.querySelector('.badge')),
        mle: profile('mle'),
        mleTied: Boolean(cells.mle.querySelector('.badge')),
        mapPosterior: Number(cells.map_posterior.dataset.value),
        mastery: keys.filter((k) => k.startsWith('mastery_')).map((k) => Number(cells[k].dataset.value)),
      };
    });
  }, n);
}

/**
 * Compares the page's profiles of the first 20 examinees with GDINA's:
 * mastery probabilities within `tolerance`; EAP for the attributes whose
 * GDINA probability is at least `tolerance` away from 0.5 (nearer, the
 * difference of the estimates can flip it); MAP for the examinees whose MAP
 * profile is not tied (MAP_multimodes), the tie flag for all; MLE likewise
 * when `mle` is set.
 */
function compareWithGdina(persons, reference, tolerance, { mle = false } = {}) {
  assert.equal(persons.length, reference.length);
  persons.forEach((p, i) => {
    const ref = reference[i];
    assert.equal(p.row, ref.row);
    p.mastery.forEach((m, k) => {
      assert.ok(Math.abs(m - ref.mastery[k]) <= tolerance, `row ${p.row} P(${ATTRIBUTES[k]}) ${m} vs GDINA ${ref.mastery[k]} (tolerance ${tolerance})`);
      if (Math.abs(ref.mastery[k] - 0.5) >= tolerance) assert.equal(p.eap[k], ref.eap[k], `row ${p.row} EAP of ${ATTRIBUTES[k]}`);
    });
    assert.equal(p.mapTied, ref.mapTied, `row ${p.row}: MAP tie flagged as GDINA's MAP_multimodes`);
    if (!ref.mapTied) assert.equal(p.map, ref.map, `row ${p.row} MAP profile`);
    if (mle) {
      assert.equal(p.mleTied, ref.mleTied, `row ${p.row}: MLE tie flagged as GDINA's MLE_multimodes`);
      if (!ref.mleTied) assert.equal(p.mle, ref.mle, `row ${p.row} MLE profile`);
    }
  });
  assert.ok(reference.some((r) => !r.mapTied) && reference.some((r) => r.mapTied), 'the reference has tied and untied examinees');
}

/** Waits for a run to end; fails with the page's message when it did not run (e.g. an engine without profile_skills). */
async function waitForProfile(page) {
  await page.waitForFunction(() => /Profiled|did not run/.test(document.querySelector('#sp-status')?.textContent ?? ''), null, { timeout: 120_000 });
  const status = await page.locator('#sp-status').textContent();
  if (/did not run/.test(status)) {
    const messages = await page.locator('.error-message:not([hidden])').allTextContents();
    assert.fail(`profiling did not run: ${messages.join(' | ')}`);
  }
}

test('skill profiler: a DINA calibration handed over by CDM Calibration, profiles as GDINA\u2019s, charts, downloads, a parameter file missing a pattern; same-origin only, no console errors', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'skill-profiler', async (page, log) => {
    const { origin, tmp } = site;
    const reference = await gdinaPersons();

    // 1. Calibrate DINA on the sample, then hand the calibration over.
    await page.goto(`${origin}/#/cdm-calibration`);
    await page.locator('#cdm-run-sample').waitFor();
    await page.check('#cdm-model-dina');
    await page.click('#cdm-run-sample');
    await page.locator('#cdm-results #cdm-loglik').waitFor({ timeout: 120_000 });
    await page.click('#cdm-profile-examinees');
    await page.locator('#sp-run').waitFor();
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Skill Profiler');
    await page.locator('#sp-current-file', { hasText: 'fraction-subtraction.csv' }).waitFor();
    assert.match(await page.locator('#sp-q-current').textContent(), /fraction-subtraction-Q\.csv/);
    assert.match(await page.locator('#sp-params-current').textContent(), /fraction-subtraction-cdm-dina-parameters\.csv/);
    assert.match(await page.locator('#sp-classes-current').textContent(), /fraction-subtraction-cdm-dina-classes\.csv/);
    assert.match(await page.locator('#sp-handoff').textContent(), /DINA calibration of fraction-subtraction\.csv \(20 items, 8 attributes\)/);
    assert.equal(await page.locator('#sp-results').isVisible(), false, 'nothing runs before Run');

    // 2. Run: the first 20 examinees as GDINA's (pacer's DINA estimates are within 0.01 of GDINA's).
    await page.click('#sp-run');
    await waitForProfile(page);
    assert.match(await page.locator('#sp-status').textContent(), /Profiled fraction-subtraction\.csv: 536 examinees, 8 attributes/);
    assert.equal(await page.locator('#sp-prior').textContent(), 'Class proportions');
    const headers = await page.locator('#sp-person-table thead th').allTextContents();
    for (const name of ['Row', 'EAP', 'MAP', 'MAP posterior', 'MLE', ...ATTRIBUTES.map((a) => `P(${a})`)]) {
      assert.ok(headers.some((text) => text.startsWith(name)), `the examinees' table has a ${name} column (${headers.join(', ')})`);
    }
    assert.ok(!headers.some((text) => text.startsWith('Id')), 'no id column: the file has none');
    const persons = await readPersons(page, 20);
    compareWithGdina(persons, reference, 0.02);
    for (const p of persons) assert.ok(p.mapPosterior > 0 && p.mapPosterior <= 1, `row ${p.row} MAP posterior ${p.mapPosterior}`);
    assert.match(await page.locator('#sp-persons .data-table__count').textContent(), /^536 examinees$/);

    // Search, sort, ties filter.
    await page.fill('#sp-person-table-search', '536');
    assert.ok((await page.locator('#sp-person-table tbody tr th').allTextContents()).includes('536'), 'searching a row number finds it');
    await page.fill('#sp-person-table-search', '');
    const rowHeader = page.locator('#sp-person-table th[data-key="row"]');
    await rowHeader.locator('button').click();
    await rowHeader.locator('button').click();
    assert.equal(await rowHeader.getAttribute('aria-sort'), 'descending');
    assert.equal(await page.locator('#sp-person-table tbody tr:first-child th').textContent(), '536');
    await page.check('#sp-ties-only');
    const tiedRows = await page.locator('#sp-person-table tbody tr').count();
    assert.ok(tiedRows > 0 && tiedRows < 536, 'the filter shows the examinees with tied profiles only');
    await page.uncheck('#sp-ties-only');
    await rowHeader.locator('button').click();
    assert.equal(await rowHeader.getAttribute('aria-sort'), 'ascending');

    // Classification accuracy and consistency: the whole profile and each attribute, proportions.
    const classification = await page.locator('#sp-classification-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].dataset.value), Number(tr.children[2].dataset.value)]),
    );
    assert.equal(classification.length, 1 + ATTRIBUTES.length);
    assert.deepEqual(classification.slice(1).map((r) => r[0]), ATTRIBUTES);
    for (const [level, accuracy, consistency] of classification) {
      assert.ok(accuracy >= 0 && accuracy <= 1 && consistency >= 0 && consistency <= 1, `${level}: accuracy ${accuracy}, consistency ${consistency}`);
    }

    // 3. Charts: the group's attributes (3 series), one examinee's mastery (row 3 chosen by keyboard).
    await page.locator('#sp-chart-group canvas').waitFor();
    const series = (id) => page.evaluate((chartId) => globalThis.echarts.getInstanceByDom(document.getElementById(chartId)).getOption().series.map((s) => s.data), id);
    assert.equal((await series('sp-chart-group')).length, 3, 'prevalence, mean mastery, EAP share');
    await page.locator('#sp-chart-person canvas').waitFor();
    assert.equal(await page.locator('#sp-chart-person').getAttribute('data-row'), '1', 'the first examinee is shown first');
    await page.fill('#sp-person', '3');
    await page.locator('#sp-person').press('Enter');
    assert.equal(await page.locator('#sp-chart-person').getAttribute('data-row'), '3');
    assert.match(await page.locator('#sp-chart-person').getAttribute('aria-label'), /row 3\b/);
    assert.match(await page.locator('#sp-person-chart .chart-figure__title').textContent(), /row 3$/);
    const shown = (await series('sp-chart-person'))[0];
    shown.forEach((value, k) => assert.ok(Math.abs(value - reference[2].mastery[k]) <= 0.02, `row 3 chart P(${ATTRIBUTES[k]}) ${value} vs GDINA ${reference[2].mastery[k]}`));
    await page.fill('#sp-person', '9999');
    await page.click('#sp-person-show');
    await page.locator('#sp-person-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#sp-person').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#sp-chart-person').getAttribute('data-row'), '3', 'the chart keeps the last examinee');

    // 4. Downloads: the profiles CSV (one row per examinee), the JSON.
    const csvPath = path.join(tmp, 'profiles.csv');
    const csvDownload = await saveDownload(page, '#sp-download-csv', csvPath);
    assert.equal(csvDownload.suggestedFilename(), 'fraction-subtraction-profiles.csv');
    assert.ok(!(await readFile(csvPath, 'utf8')).includes('\r'), 'LF line ends, as the CLI');
    const csv = await readCsvFile(csvPath);
    assert.equal(csv.lines[0], ['row', 'id', ...ATTRIBUTES.map((a) => `mastery_${a}`), 'eap', 'map', 'map_posterior', 'map_ties', 'mle', 'mle_ties'].join(','));
    assert.equal(csv.rows.length, 536, 'one row per examinee');
    const col = (name) => csv.header.indexOf(name);
    csv.rows.slice(0, 20).forEach((r, i) => {
      const ref = reference[i];
      assert.equal(r[col('row')], String(ref.row));
      assert.equal(r[col('id')], '', 'no id column: empty');
      assert.equal(r[col('map_ties')], String(ref.mapTied), `row ${ref.row} map_ties`);
      if (!ref.mapTied) assert.equal(r[col('map')], ref.map, `row ${ref.row} MAP in the CSV`);
      ATTRIBUTES.forEach((a, k) => assert.ok(Math.abs(Number(r[col(`mastery_${a}`)]) - ref.mastery[k]) <= 0.02, `row ${ref.row} mastery_${a} in the CSV`));
    });
    assert.ok(csv.rows.every((r) => /^[01]{8}$/.test(r[col('eap')]) && ['true', 'false'].includes(r[col('mle_ties')])), 'profiles as 8 digits, ties as true/false');
    const jsonPath = path.join(tmp, 'profiles.json');
    const jsonDownload = await saveDownload(page, '#sp-download-json', jsonPath);
    assert.equal(jsonDownload.suggestedFilename(), 'fraction-subtraction-profiles.json');
    const result = JSON.parse(await readFile(jsonPath, 'utf8'));
    assert.equal(result.tool, 'profile');
    assert.equal(result.n_persons, 536);
    assert.equal(result.prior, 'file');
    assert.equal(Number(csv.rows[0][col('map_posterior')]), result.persons[0].map_posterior, 'the CSV keeps full precision');

    // 5. A parameter file without one of V1's patterns: the engine's message at the parameter
    // file, naming it; the other files stay loaded, the last results stay.
    const paramsText = (await readFile(path.join(REPO_ROOT, 'www/samples/fraction-subtraction-dina-parameters.csv'), 'utf8')).split('\n');
    const missing = path.join(tmp, 'params-missing-pattern.csv');
    await writeFile(missing, paramsText.filter((line) => !line.startsWith('V1,A4;A6;A7,101,')).join('\n'));
    await page.setInputFiles('#sp-params-input', missing);
    await page.locator('#sp-params-current', { hasText: 'params-missing-pattern.csv' }).waitFor();
    assert.equal(await page.locator('#sp-handoff').isVisible(), false, 'the hand-off note goes once a file is replaced');
    await page.click('#sp-run');
    const paramsError = page.locator('#sp-params-error:not([hidden])');
    await paramsError.waitFor({ timeout: 60_000 });
    const message = await paramsError.textContent();
    assert.match(message, /params-missing-pattern\.csv/, `the message names the file: ${message}`);
    assert.equal(await paramsError.getAttribute('role'), 'alert');
    assert.equal(await page.locator('#sp-params-input').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#sp-file-error').isVisible(), false, 'the error is at the parameter file only');
    assert.match(await page.locator('#sp-current-file').textContent(), /fraction-subtraction\.csv/, 'the response file stays loaded');
    assert.match(await page.locator('#sp-q-current').textContent(), /fraction-subtraction-Q\.csv/, 'the Q-matrix stays loaded');
    assert.match(await page.locator('#sp-status').textContent(), /did not run/);
    assert.equal(await page.locator('#sp-results').isVisible(), true, 'the last results stay');

    // The complete file again: the error goes, Run works.
    await page.setInputFiles('#sp-params-input', path.join(REPO_ROOT, 'www/samples/fraction-subtraction-dina-parameters.csv'));
    await page.locator('#sp-params-current', { hasText: 'fraction-subtraction-dina-parameters.csv' }).waitFor();
    assert.equal(await paramsError.count(), 0, 'replacing the file clears its error');
    await page.click('#sp-run');
    await page.locator('#sp-status', { hasText: 'Profiled fraction-subtraction.csv' }).waitFor({ timeout: 60_000 });

    assertCleanLog(log, origin);
  }),
);

test('skill profiler: the sample (GDINA\u2019s own DINA estimates) gives GDINA\u2019s profiles; without class proportions, its MLE profiles', { timeout: 180_000 }, () =>
  inNewContext(site.browser, 'skill-profiler-sample', async (page, log) => {
    const reference = await gdinaPersons();
    await page.goto(`${site.origin}/#/skill-profiler`);
    await page.locator('#sp-run-sample').waitFor();
    await page.click('#sp-run-sample');
    await waitForProfile(page);
    for (const [key, name] of [['q', 'fraction-subtraction-Q.csv'], ['params', 'fraction-subtraction-dina-parameters.csv'], ['classes', 'fraction-subtraction-dina-classes.csv']]) {
      assert.match(await page.locator(`#sp-${key}-current`).textContent(), new RegExp(name.replace(/\./g, '\\.')));
    }
    // GDINA's parameters and class proportions: its profiles (its mastery probabilities are
    // reported to within 5e-4 of the posterior at its printed estimates).
    compareWithGdina(await readPersons(page, 20), reference, 1e-3, { mle: true });
    // The prevalence of the attributes from the class proportions: GDINA's.
    const gdinaFit = JSON.parse(await readFile(path.join(FIXTURES, 'gdina_DINA_fit.json'), 'utf8'));
    const prevalence = await page.locator('#sp-prevalence-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].dataset.value)]));
    assert.deepEqual(prevalence.map(([a]) => a), ATTRIBUTES);
    for (const [a, value] of prevalence) assert.ok(Math.abs(value - gdinaFit.attribute_prevalence[a]) < 1e-6, `prevalence of ${a} ${value} vs GDINA ${gdinaFit.attribute_prevalence[a]}`);

    // Without the class proportions: equal ones; MAP is then the MLE profile, GDINA's MLE.
    await page.click('#sp-classes-remove');
    assert.equal(await page.locator('#sp-classes-current').isVisible(), false);
    await page.click('#sp-run');
    await page.locator('#sp-prior', { hasText: 'Equal' }).waitFor({ timeout: 60_000 });
    const uniform = await readPersons(page, 20);
    uniform.forEach((p, i) => {
      const ref = reference[i];
      assert.equal(p.mleTied, ref.mleTied, `row ${p.row}: MLE tie flagged as GDINA's MLE_multimodes`);
      if (!ref.mleTied) {
        assert.equal(p.mle, ref.mle, `row ${p.row} MLE profile`);
        assert.equal(p.map, ref.mle, `row ${p.row}: with equal class proportions the MAP profile is GDINA's MLE`);
      }
    });
    assertCleanLog(log, site.origin);
  }),
);

test('skill profiler: keyboard user reaches the files and Run; Run without files explains what to do', { timeout: 60_000 }, async () => {
  const page = await site.browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.origin}/#/skill-profiler`);
  await page.locator('#sp-run').waitFor();
  const reached = await tabThrough(page, 20);
  for (const id of ['sp-file-input', 'sp-run-sample', 'sp-q-input', 'sp-params-input', 'sp-classes-input', 'sp-run']) {
    assert.ok(reached.has(id), `Tab should reach #${id} (reached ${[...reached].join(', ')})`);
  }
  await page.focus('#sp-run');
  await page.keyboard.press('Enter');
  await page.locator('#sp-file-error', { hasText: 'Choose a response file' }).waitFor();
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  await page.close();
});
