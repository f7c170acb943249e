// End-to-end test of the CDM Calibration tool in headless Chromium, against
// the built site (dist/) with the real WebAssembly engine. Reference: the R
// package GDINA 2.9.12 on Tatsuoka's fraction subtraction data
// (tests/fixtures/frac20).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readCsvFile, REPO_ROOT, saveDownload, tabThrough, useBrowserSite, watchPage } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-cdm-' });
const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/frac20');
const TOOLS = ['Item Analysis', 'IRT Calibration', 'Test Scoring', 'Equating', 'CDM Calibration', 'Skill Profiler'];

/** A fixture CSV as [{column: text}]. */
async function fixtureRows(file) {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, file));
  return rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i]])));
}

/** The Q-matrix fixture as { attributes, required: { item: [attribute names] } }. */
async function qMatrix() {
  const { header, rows } = await readCsvFile(path.join(FIXTURES, 'Q.csv'));
  const attributes = header.slice(1);
  return { attributes, required: Object.fromEntries(rows.map((r) => [r[0], attributes.filter((_, k) => r[k + 1] === '1')])) };
}

/** The item table's rows (not the expanded details) as [{key: value}], numbers from the cells' data-value. */
function readItemTable(page) {
  return page.evaluate(() => {
    const keys = [...document.querySelectorAll('#cdm-item-table thead th')].map((th) => th.dataset.key);
    return [...document.querySelectorAll('#cdm-item-table > tbody > tr:not(.data-table__details)')].map((tr) =>
      Object.fromEntries([...tr.children].map((cell, i) => [keys[i], cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent.replace(/^[\u25B8\u25BE]\s*/, '')])),
    );
  });
}

/** The full-precision value of a summary number (its data-value). */
async function readValue(page, selector) {
  const value = await page.locator(selector).getAttribute('data-value');
  assert.ok(value !== null, `${selector} has a data-value`);
  return Number(value);
}

const close = (actual, expected, tolerance, what) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);

/**
 * 0/1 responses to the fraction subtraction items under a DINA model with
 * random attribute profiles (a fixed-seed generator): many distinct response
 * patterns, so that a G-DINA calibration with an unreachable tolerance runs
 * until it is cancelled.
 */
function simulatedResponses(persons, q) {
  let s = 2024;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const items = Object.keys(q.required);
  const lines = [items.join(',')];
  for (let p = 0; p < persons; p++) {
    const mastered = new Set(q.attributes.filter(() => uniform() < 0.6));
    lines.push(items.map((item) => (uniform() < (q.required[item].every((a) => mastered.has(a)) ? 0.85 : 0.2) ? 1 : 0)).join(','));
  }
  return lines.join('\n') + '\n';
}

test('cdm calibration: DINA on fraction subtraction as GDINA, item details, SRMSR, Q-matrix validation, patterns, classes, downloads, errors; same-origin only, no console errors', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'cdm-calibration', async (page, log) => {
    const { origin, tmp } = site;
    const gdinaFit = JSON.parse(await readFile(path.join(FIXTURES, 'gdina_DINA_fit.json'), 'utf8'));
    const guessSlip = await fixtureRows('gdina_DINA_guess_slip.csv');
    const catprob = await fixtureRows('gdina_DINA_catprob.csv');
    const q = await qMatrix();

    await page.goto(`${origin}/#/cdm-calibration`);
    assert.deepEqual(await page.locator('nav .tool-nav__link').allTextContents(), TOOLS);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'CDM Calibration');
    await page.locator('#cdm-file-input').waitFor({ state: 'attached' });

    // Defaults (GDINA's), and the link only for the models that have a choice.
    assert.equal(await page.locator('#cdm-model-gdina').isChecked(), true, 'G-DINA is the default model');
    assert.equal(await page.locator('#cdm-dist-saturated').isChecked(), true, 'saturated attribute distribution by default');
    assert.equal(await page.locator('#cdm-tol').inputValue(), '0.0001');
    assert.equal(await page.locator('#cdm-max-iter').inputValue(), '2000');
    assert.equal(await page.locator('#cdm-starts').inputValue(), '3');
    assert.equal(await page.locator('#cdm-seed').inputValue(), '123456');
    assert.equal(await page.locator('#cdm-link').isDisabled(), false);
    assert.equal(await page.locator('#cdm-link').inputValue(), 'identity');
    for (const [model, link] of [['acdm', 'identity'], ['llm', 'logit'], ['rrum', 'log']]) {
      await page.check(`#cdm-model-${model}`);
      assert.equal(await page.locator('#cdm-link').isDisabled(), true, `${model}: the link is fixed`);
      assert.equal(await page.locator('#cdm-link').inputValue(), link, `${model} is on the ${link} link`);
    }
    for (const family of ['General', 'Reduced (conjunctive and disjunctive)', 'Additive']) {
      assert.equal(await page.locator('.model-group-title', { hasText: family }).count(), 1, `the ${family} family is shown`);
    }

    // 1. DINA on the sample: loads the responses and the Q-matrix and runs.
    await page.check('#cdm-model-dina');
    assert.equal(await page.locator('#cdm-link').isDisabled(), false, 'DINA reports delta on a chosen link');
    assert.equal(await page.locator('#cdm-link').inputValue(), 'identity', 'the link chosen before (the default) is back');
    await page.click('#cdm-run-sample');
    await page.locator('#cdm-results #cdm-loglik').waitFor({ timeout: 120_000 });
    assert.match(await page.locator('#cdm-status').textContent(), /Calibrated fraction-subtraction\.csv: DINA, converged/);
    assert.equal(await page.locator('#cdm-progress').isVisible(), false, 'the progress bar is gone after the run');
    // The previews: the files' first rows and their sizes.
    assert.match(await page.locator('#cdm-data-sizes').textContent(), /536 examinees, 20 items/);
    assert.match(await page.locator('#cdm-q-sizes').textContent(), /20 items, 8 attributes \(A1, A2, A3, A4, A5, A6, A7, A8\)/);
    assert.equal(await page.locator('#cdm-data-preview-table thead th').count(), 20);
    assert.equal(await page.locator('#cdm-q-preview-table tbody tr').count(), 5);

    // Fit: at least GDINA's log-likelihood and at most 0.1 above it; the same number of parameters.
    const loglik = await readValue(page, '#cdm-loglik');
    assert.ok(loglik >= gdinaFit.logLik - 1e-6, `log-likelihood ${loglik} should be at least GDINA's ${gdinaFit.logLik}`);
    assert.ok(loglik <= gdinaFit.logLik + 0.1, `log-likelihood ${loglik} should be within 0.1 of GDINA's ${gdinaFit.logLik}`);
    assert.match(await page.locator('#cdm-loglik').textContent(), /^-\d+\.\d{3}$/);
    assert.equal(await page.locator('#cdm-npar').textContent(), String(gdinaFit.npar_total));
    close(await readValue(page, '#cdm-aic'), gdinaFit.AIC, 0.2, 'AIC');
    close(await readValue(page, '#cdm-bic'), gdinaFit.BIC, 0.2, 'BIC');
    close(await readValue(page, '#cdm-sabic'), gdinaFit.SABIC, 0.2, 'SABIC');
    close(await readValue(page, '#cdm-deviance'), gdinaFit.deviance, 0.2, 'deviance');
    for (const id of ['cdm-caic', 'cdm-aicc']) assert.ok(Number.isFinite(await readValue(page, `#${id}`)), `${id} is shown`);
    assert.equal(await page.locator('#cdm-converged').textContent(), 'Yes');
    assert.match(await page.locator('#cdm-best-start').textContent(), /^\d of 3$/);
    assert.equal(await page.locator('#cdm-starts-table tbody tr').count(), 3, 'one row per start');
    assert.equal(await page.locator('#cdm-starts-table .badge', { hasText: 'kept' }).count(), 1);

    // The item table: guess and slip of every item within 0.01 of GDINA's; standard errors
    // (except, perhaps, for the items the warnings say have a probability at a bound).
    const boundary = (await page.locator('#cdm-warnings li[data-code="boundary"]').allTextContents()).join(' ');
    const items = await readItemTable(page);
    assert.deepEqual(items.map((r) => r.item), guessSlip.map((r) => r.item));
    for (const [row, ref] of items.map((r, i) => [r, guessSlip[i]])) {
      close(row.guess, Number(ref.guess), 0.01, `${row.item} guess`);
      close(row.slip, Number(ref.slip), 0.01, `${row.item} slip`);
      assert.equal(row.required, q.required[row.item].join(', '), `${row.item} requires ${q.required[row.item]}`);
      const atBound = new RegExp(`'${row.item}'|\\b${row.item}\\b`).test(boundary);
      assert.ok((row.guess_se > 0 && row.slip_se > 0) || atBound, `${row.item} has SEs of its guess and slip`);
    }

    // Expanding V1 (mouse): its pattern probabilities (GDINA's order) and delta coefficients.
    const toggle = page.locator('#cdm-item-table > tbody > tr:not(.data-table__details)').first().locator('button.data-table__expand');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    const details = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    assert.equal(await details.isVisible(), false);
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await details.waitFor({ state: 'visible' });
    const v1 = await details.locator('table.cdm-item-patterns tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ pattern: tr.dataset.pattern, prob: Number(tr.children[2].dataset.value), se: Number(tr.children[3].dataset.value) })),
    );
    const v1Ref = catprob.filter((r) => r.item === 'V1');
    assert.equal(v1.length, 2 ** q.required.V1.length, 'V1: 2^3 patterns');
    assert.deepEqual(v1.map((r) => r.pattern), v1Ref.map((r) => r.latent_group.replace(/^P\(|\)$/g, '')), 'patterns in GDINA\u2019s order');
    v1.forEach((r, i) => {
      close(r.prob, Number(v1Ref[i].prob), 0.01, `V1 P(${r.pattern})`);
      assert.ok(r.se > 0, `V1 P(${r.pattern}) has an SE`);
    });
    const v1Delta = await details.locator('table.cdm-item-delta tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.param));
    assert.deepEqual(v1Delta, ['d0', 'd1'], 'DINA: d0 = guess, d1 = 1 - slip - guess');
    // Keyboard: Enter on V2's toggle opens it, Enter again closes it.
    const toggle2 = page.locator('#cdm-item-table > tbody > tr:not(.data-table__details)').nth(1).locator('button.data-table__expand');
    await toggle2.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle2.getAttribute('aria-expanded'), 'true');
    await page.locator(`#${await toggle2.getAttribute('aria-controls')}`).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    assert.equal(await toggle2.getAttribute('aria-expanded'), 'false');
    assert.match(await toggle2.getAttribute('aria-label'), /V2/);

    // The parameters by attribute pattern: one row per item and pattern; search filters.
    const nPatterns = Object.values(q.required).reduce((sum, r) => sum + 2 ** r.length, 0);
    assert.equal(nPatterns, catprob.length, 'GDINA lists the same patterns');
    assert.match(await page.locator('#cdm-patterns .data-table__count').textContent(), new RegExp(`^${nPatterns} patterns$`));
    await page.fill('#cdm-pattern-table-search', 'V10');
    const v10Rows = await page.locator('#cdm-pattern-table tbody tr th').allTextContents();
    assert.equal(v10Rows.length, 2 ** q.required.V10.length, 'searching V10 shows its patterns only');
    assert.ok(v10Rows.every((item) => item === 'V10'));
    await page.fill('#cdm-pattern-table-search', '');
    assert.equal(await page.locator('#cdm-pattern-table tbody tr').count(), nPatterns);

    // Attribute prevalence (chart and table) within 0.02 of GDINA's; 256 class proportions.
    await page.locator('#cdm-chart-prevalence canvas').waitFor();
    const prevalence = await page.locator('#cdm-prevalence-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].dataset.value)]));
    assert.deepEqual(prevalence.map(([a]) => a), q.attributes);
    for (const [attribute, value] of prevalence) close(value, gdinaFit.attribute_prevalence[attribute], 0.02, `prevalence of ${attribute}`);
    assert.equal(await page.locator('#cdm-class-table tbody tr').count(), 256);
    await page.fill('#cdm-class-table-search', '11111111');
    assert.equal(await page.locator('#cdm-class-table tbody tr').count(), 1);
    await page.fill('#cdm-class-table-search', '');
    const classHeader = page.locator('#cdm-class-table th[data-key="proportion"]');
    await classHeader.locator('button').click();
    assert.equal(await classHeader.getAttribute('aria-sort'), 'ascending');

    // 2. Downloads: the parameters as `pacer cdm --format csv`, the class proportions, the JSON.
    const jsonPath = path.join(tmp, 'cdm.json');
    const jsonDownload = await saveDownload(page, '#cdm-download-json', jsonPath);
    assert.equal(jsonDownload.suggestedFilename(), 'fraction-subtraction-cdm-dina.json');
    const result = JSON.parse(await readFile(jsonPath, 'utf8'));
    assert.equal(result.tool, 'cdm');
    assert.equal(result.model, 'dina');
    assert.equal(result.loglik, loglik, 'the page shows the engine\u2019s numbers');

    // SRMSR: the engine's number, a plausible size for this fit.
    const srmsr = await readValue(page, '#cdm-srmsr');
    assert.equal(typeof result.srmsr, 'number', 'the engine reports the SRMSR');
    assert.equal(srmsr, result.srmsr, 'the SRMSR shown is the engine\u2019s');
    assert.ok(srmsr > 0 && srmsr < 0.2, `SRMSR ${srmsr} should be between 0 and 0.2`);
    assert.match(await page.locator('#cdm-srmsr').textContent(), /^0\.\d{4}$/);
    assert.match(await page.locator('#cdm-srmsr-note').textContent(), /below about 0\.05/);
    // M2 under the saturated distribution: 210 margins, 295 parameters, so no degrees of freedom
    // (as in GDINA); the note says so and no M2 is shown.
    assert.equal(result.m2, null);
    assert.equal(await page.locator('#cdm-m2').count(), 0);
    assert.match(await page.locator('#cdm-fit-note').textContent(), /no degrees of freedom: the 20 items have 210 univariate and bivariate margins, no more than the 295 free parameters/);

    // Q-matrix validation: one row per item, the engine's q-vectors, PVAFs and suggestions,
    // the items with a suggested change first (each group in the file's order).
    const qv = result.q_validation;
    assert.equal(qv.items.length, 20, 'the engine validates every item');
    const qRows = await page.locator('#cdm-qval-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const [item, original, originalPvaf, suggested, suggestedPvaf, change] = tr.children;
        return {
          item: item.textContent,
          original: original.dataset.q,
          originalNames: original.textContent,
          original_pvaf: Number(originalPvaf.dataset.value),
          suggested: suggested.dataset.q,
          suggestedNames: suggested.textContent,
          suggested_pvaf: Number(suggestedPvaf.dataset.value),
          changed: change.dataset.changed === 'true',
          badge: change.querySelector('.badge')?.textContent ?? null,
        };
      }),
    );
    assert.equal(qRows.length, 20, 'the Q-matrix validation table has one row per item');
    const byChange = [...qv.items.filter((it) => it.changed), ...qv.items.filter((it) => !it.changed)];
    assert.deepEqual(qRows.map((r) => r.item), byChange.map((it) => it.item), 'items with a suggested change first');
    const names = (digits) => result.attributes.filter((_, k) => digits[k] === '1').join(', ');
    for (const [row, ref] of qRows.map((r, i) => [r, byChange[i]])) {
      assert.deepEqual(
        { item: row.item, original: row.original, original_pvaf: row.original_pvaf, suggested: row.suggested, suggested_pvaf: row.suggested_pvaf, changed: row.changed },
        { item: ref.item, original: ref.original, original_pvaf: ref.original_pvaf, suggested: ref.suggested, suggested_pvaf: ref.suggested_pvaf, changed: ref.changed },
        `${row.item}: the engine's validation`,
      );
      assert.equal(row.originalNames, names(ref.original), `${row.item}: the Q-matrix's q-vector by attribute names`);
      assert.equal(row.originalNames, q.required[row.item].join(', '), `${row.item}: the Q-matrix's own row`);
      assert.equal(row.suggestedNames, names(ref.suggested), `${row.item}: the suggested q-vector by attribute names`);
      assert.equal(row.badge, ref.changed ? 'suggested change' : null, `${row.item}: a badge exactly when a change is suggested`);
    }
    const nChanged = qv.items.filter((it) => it.changed).length;
    if (nChanged) {
      await page.check('#cdm-qval-changed-only');
      assert.equal(await page.locator('#cdm-qval-table tbody tr').count(), nChanged, 'the changed items only');
      await page.uncheck('#cdm-qval-changed-only');
    }
    await page.fill('#cdm-qval-table-search', 'V10');
    assert.deepEqual(await page.locator('#cdm-qval-table tbody tr th').allTextContents(), ['V10']);
    await page.fill('#cdm-qval-table-search', '');
    assert.equal(await page.locator('#cdm-qval-table tbody tr').count(), 20);

    // The mesa plot: the first item with a suggested change (else the first item), the engine's
    // best q-vectors and PVAFs by number of attributes, the line at epsilon; another item redraws it.
    const mesaChart = () =>
      page.evaluate(() => {
        const option = globalThis.echarts.getInstanceByDom(document.querySelector('#cdm-chart-mesa')).getOption();
        return {
          categories: option.xAxis[0].data,
          yRange: [option.yAxis[0].min, option.yAxis[0].max],
          points: option.series[0].data.map((d) => ({ q: d.name, pvaf: d.value[1] })),
          guide: option.series[0].markLine.data[0].yAxis,
        };
      });
    const mesaRows = () =>
      page.locator('#cdm-qval-mesa-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({ q: tr.dataset.q, pvaf: Number(tr.children[3].dataset.value) })));
    const checkMesa = async (ref) => {
      assert.equal(await page.locator('#cdm-chart-mesa').locator('xpath=ancestor::figure').locator('.chart-figure__title').textContent(), `Mesa plot: ${ref.item}`);
      assert.match(await page.locator('#cdm-chart-mesa').getAttribute('aria-label'), new RegExp(`^Mesa plot of item ${ref.item}:`));
      const chart = await mesaChart();
      assert.deepEqual(chart.points, ref.mesa, `${ref.item}: the mesa plot's points are the engine's`);
      assert.deepEqual(chart.categories, ref.mesa.map((_, k) => String(k + 1)), 'x: 1 to K attributes');
      assert.deepEqual(chart.yRange, [0, 1]);
      assert.equal(chart.guide, qv.epsilon, 'the line at epsilon');
      assert.deepEqual(await mesaRows(), ref.mesa, `${ref.item}: the mesa table's rows are the engine's`);
    };
    assert.equal(qv.epsilon, 0.95);
    assert.equal(qv.items[0].mesa.length, q.attributes.length, 'one mesa point per number of attributes');
    const firstShown = qv.items.find((it) => it.changed) ?? qv.items[0];
    await page.locator('#cdm-chart-mesa canvas').waitFor();
    assert.match(await page.locator('#cdm-qval-item option:checked').textContent(), new RegExp(`^${firstShown.item}\\b`));
    await checkMesa(firstShown);
    const otherIndex = qv.items.findIndex((it) => it !== firstShown && JSON.stringify(it.mesa) !== JSON.stringify(firstShown.mesa));
    assert.ok(otherIndex >= 0, 'another item with other mesa points');
    await page.selectOption('#cdm-qval-item', String(otherIndex));
    await checkMesa(qv.items[otherIndex]);
    const mesaPng = await saveDownload(page, 'button[data-chart="cdm-chart-mesa"]', path.join(tmp, 'mesa.png'));
    assert.equal(mesaPng.suggestedFilename(), `fraction-subtraction-cdm-dina-mesa-${qv.items[otherIndex].item}.png`);

    // Its CSV: one row per item in the file's order, the engine's numbers as the CLI writes them.
    const qvalPath = path.join(tmp, 'qvalidation.csv');
    const qvalDownload = await saveDownload(page, '#cdm-qval-download', qvalPath);
    assert.equal(qvalDownload.suggestedFilename(), 'fraction-subtraction-cdm-dina-qvalidation.csv');
    const qval = await readCsvFile(qvalPath);
    assert.equal(qval.lines.length, 21, 'a header and 20 rows');
    assert.equal(qval.lines[0], 'item,original,original_pvaf,suggested,suggested_pvaf,changed');
    qval.rows.forEach(([item, original, originalPvaf, suggested, suggestedPvaf, changed], i) => {
      const ref = qv.items[i];
      assert.deepEqual(
        [item, original, Number(originalPvaf), suggested, Number(suggestedPvaf), changed],
        [ref.item, ref.original, ref.original_pvaf, ref.suggested, ref.suggested_pvaf, String(ref.changed)],
        `CSV row ${i + 2}`,
      );
    });

    const paramsPath = path.join(tmp, 'params.csv');
    const paramsDownload = await saveDownload(page, '#cdm-download-params', paramsPath);
    assert.equal(paramsDownload.suggestedFilename(), 'fraction-subtraction-cdm-dina-parameters.csv');
    const paramsText = await readFile(paramsPath, 'utf8');
    assert.ok(!paramsText.includes('\r'), 'LF line ends, as the CLI');
    const params = await readCsvFile(paramsPath);
    assert.equal(params.lines[0], 'item,required,pattern,prob,se');
    assert.equal(params.rows.length, nPatterns, 'one row per item and pattern');
    assert.deepEqual(params.rows[0].slice(0, 3), ['V1', 'A4;A6;A7', '000']);
    params.rows.forEach(([item, , pattern, prob], i) => {
      const ref = catprob[i];
      assert.equal(`${item} ${pattern}`, `${ref.item} ${ref.latent_group.replace(/^P\(|\)$/g, '')}`, `row ${i + 2} in GDINA\u2019s order`);
      close(Number(prob), Number(ref.prob), 0.01, `${item} P(${pattern})`);
    });
    // Full precision: the engine's numbers as Rust prints them (no exponent in these).
    assert.equal(params.rows[0][3], String(result.items[0].groups[0].prob));
    const samePathDownload = await saveDownload(page, '#cdm-pattern-download', path.join(tmp, 'params-2.csv'));
    assert.equal(await readFile(path.join(tmp, 'params-2.csv'), 'utf8'), paramsText, 'the table\u2019s own download is the same file');
    assert.equal(samePathDownload.suggestedFilename(), 'fraction-subtraction-cdm-dina-parameters.csv');

    const classesPath = path.join(tmp, 'classes.csv');
    const classesDownload = await saveDownload(page, '#cdm-download-classes', classesPath);
    assert.equal(classesDownload.suggestedFilename(), 'fraction-subtraction-cdm-dina-classes.csv');
    const classes = await readCsvFile(classesPath);
    assert.equal(classes.lines[0], 'pattern,proportion');
    assert.equal(classes.rows.length, 256);
    const gdinaClasses = await fixtureRows('gdina_DINA_class_probs.csv');
    assert.deepEqual(classes.rows.map((r) => r[0]), gdinaClasses.map((r) => r.pattern.replace(/^p/, '')), 'classes in GDINA\u2019s order, attribute 1 first');
    close(classes.rows.reduce((sum, r) => sum + Number(r[1]), 0), 1, 1e-9, 'the proportions sum to 1');

    // 3. Errors. An option: a field error, nothing runs.
    await page.fill('#cdm-tol', 'abc');
    await page.click('#cdm-run');
    await page.locator('#cdm-tol-error', { hasText: 'abc' }).waitFor();
    assert.equal(await page.locator('#cdm-tol').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#cdm-status').textContent(), /correct the highlighted options/);
    await page.fill('#cdm-tol', '0.0001');

    // A Q-matrix naming an item the response file does not have: the engine's message at the
    // Q-matrix input; the response file stays loaded, the page keeps working.
    const badQ = path.join(tmp, 'Q-misnamed.csv');
    await writeFile(badQ, (await readFile(path.join(FIXTURES, 'Q.csv'), 'utf8')).replace(/^V20,/m, 'V21,'));
    await page.setInputFiles('#cdm-q-input', badQ);
    await page.locator('#cdm-q-current', { hasText: 'Q-misnamed.csv' }).waitFor();
    await page.click('#cdm-run');
    const qError = page.locator('#cdm-q-error:not([hidden])');
    await qError.waitFor({ timeout: 60_000 });
    const message = await qError.textContent();
    assert.match(message, /Q-misnamed\.csv/, `the message names the Q-matrix: ${message}`);
    assert.match(message, /V20|V21/, `the message names the item: ${message}`);
    assert.equal(await qError.getAttribute('role'), 'alert');
    assert.equal(await page.locator('#cdm-q-input').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#cdm-file-error').isVisible(), false, 'the error is at the Q-matrix only');
    assert.match(await page.locator('#cdm-current-file').textContent(), /fraction-subtraction\.csv/, 'the response file stays loaded');
    assert.match(await page.locator('#cdm-status').textContent(), /did not run/);
    assert.equal(await page.locator('#cdm-results').isVisible(), true, 'the last results stay');

    // The right Q-matrix again: the error goes, Run works.
    await page.setInputFiles('#cdm-q-input', path.join(FIXTURES, 'Q.csv'));
    await page.locator('#cdm-q-current', { hasText: 'Q.csv' }).waitFor();
    assert.equal(await qError.count(), 0, 'replacing the file clears its error');
    await page.click('#cdm-run');
    await page.locator('#cdm-status', { hasText: 'Calibrated fraction-subtraction.csv: DINA' }).waitFor({ timeout: 120_000 });
    close(await readValue(page, '#cdm-loglik'), loglik, 1e-6, 'the same fit with the same files');

    // 4. The higher-order attribute distribution: M2 has degrees of freedom (210 − 56); M2,
    // RMSEA2 with its interval, and each attribute's intercept and slope beside its prevalence.
    await page.check('#cdm-dist-higher-order');
    await page.click('#cdm-run');
    await page.locator('#cdm-results #cdm-m2').waitFor({ timeout: 120_000 });
    const hoPath = path.join(tmp, 'cdm-ho.json');
    await saveDownload(page, '#cdm-download-json', hoPath);
    const ho = JSON.parse(await readFile(hoPath, 'utf8'));
    assert.equal(ho.attribute_distribution, 'higher-order');
    assert.equal(ho.m2.df, 210 - 56);
    assert.equal(await readValue(page, '#cdm-m2'), ho.m2.m2, 'the M2 shown is the engine\u2019s');
    assert.equal(await readValue(page, '#cdm-rmsea'), ho.m2.rmsea, 'the RMSEA2 shown is the engine\u2019s');
    assert.ok(ho.m2.rmsea_ci[0] <= ho.m2.rmsea && ho.m2.rmsea <= ho.m2.rmsea_ci[1], 'the RMSEA2 lies in its interval');
    const m2Stat = await page.locator('#cdm-m2').locator('xpath=..').textContent();
    assert.match(m2Stat, new RegExp(`df ${ho.m2.df}, p `));
    assert.match(await page.locator('#cdm-rmsea').locator('xpath=..').textContent(), /90% CI 0\.\d{4} to 0\.\d{4}/);
    assert.equal(await page.locator('#cdm-fit-note').count(), 0, 'no note when M2 is there');
    assert.match(await page.locator('#cdm-prevalence-table thead').textContent(), /Prevalence[\s\S]*Intercept \u03BB\u2080[\s\S]*Slope \u03BB\u2081/);
    assert.equal(await page.locator('#cdm-prevalence-table tbody tr').count(), 8);

    assertCleanLog(log, origin);
  }),
);

test('cdm calibration: a long G-DINA run shows its progress and can be cancelled; the page still works', { timeout: 240_000 }, () =>
  inNewContext(site.browser, 'cdm-cancel', async (page, log) => {
    const { origin, tmp } = site;
    const big = path.join(tmp, 'simulated.csv');
    await writeFile(big, simulatedResponses(20_000, await qMatrix()));
    await page.goto(`${origin}/#/cdm-calibration`);
    await page.locator('#cdm-file-input').waitFor({ state: 'attached' });
    await page.setInputFiles('#cdm-file-input', big);
    await page.locator('#cdm-current-file', { hasText: 'simulated.csv' }).waitFor();
    await page.setInputFiles('#cdm-q-input', path.join(FIXTURES, 'Q.csv'));
    await page.locator('#cdm-q-current', { hasText: 'Q.csv' }).waitFor();
    await page.check('#cdm-model-gdina');
    await page.fill('#cdm-tol', '1e-300');
    await page.fill('#cdm-max-iter', '100000');
    await page.click('#cdm-run');
    await page.locator('#cdm-progress').waitFor({ state: 'visible' });
    await page.waitForFunction(() => /^\d/.test(document.querySelector('#cdm-progress-iteration')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.match(await page.locator('#cdm-progress-iteration').textContent(), /of at most 100,000$/);
    assert.match(await page.locator('#cdm-progress-loglik').textContent(), /^-\d+\.\d{3}$/);
    assert.match(await page.locator('#cdm-progress-change').textContent(), /stops below 1e-300/);
    assert.equal(await page.locator('#cdm-run').getAttribute('aria-disabled'), 'true');
    await page.click('#cdm-cancel');
    await page.locator('#cdm-status', { hasText: 'Cancelled' }).waitFor();
    assert.equal(await page.locator('#cdm-progress').isVisible(), false);
    assert.equal(await page.locator('#cdm-run').getAttribute('aria-disabled'), 'false');
    assert.equal(await page.locator('#cdm-results').isVisible(), false, 'no results from a cancelled run');

    // The page still works (in a new worker): the sample with DINA.
    await page.fill('#cdm-tol', '0.0001');
    await page.fill('#cdm-max-iter', '2000');
    await page.check('#cdm-model-dina');
    await page.click('#cdm-run-sample');
    await page.locator('#cdm-status', { hasText: 'Calibrated fraction-subtraction.csv: DINA' }).waitFor({ timeout: 120_000 });
    const gdinaFit = JSON.parse(await readFile(path.join(FIXTURES, 'gdina_DINA_fit.json'), 'utf8'));
    const loglik = Number(await page.locator('#cdm-loglik').getAttribute('data-value'));
    assert.ok(loglik >= gdinaFit.logLik - 1e-6 && loglik <= gdinaFit.logLik + 0.1, `log-likelihood ${loglik} vs GDINA ${gdinaFit.logLik}`);

    // An additive model (LLM, logit link): at least GDINA's log-likelihood (pacer's exact
    // M-step reaches a higher maximum; docs/json/cdm.md).
    await page.check('#cdm-model-llm');
    await page.click('#cdm-run-sample');
    await page.locator('#cdm-status', { hasText: 'Calibrated fraction-subtraction.csv: LLM' }).waitFor({ timeout: 120_000 });
    const llmFit = JSON.parse(await readFile(path.join(FIXTURES, 'gdina_LLM_fit.json'), 'utf8'));
    const llmLoglik = Number(await page.locator('#cdm-loglik').getAttribute('data-value'));
    assert.ok(llmLoglik >= llmFit.logLik - 0.01, `LLM log-likelihood ${llmLoglik} vs GDINA ${llmFit.logLik}`);
    assert.equal(await page.locator('#cdm-npar').textContent(), String(llmFit.npar_total));
    assertCleanLog(log, origin);
  }),
);

test('cdm calibration: keyboard user reaches the inputs, the models, the options and Run', { timeout: 60_000 }, async () => {
  const page = await site.browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.origin}/#/cdm-calibration`);
  await page.locator('#cdm-run').waitFor();
  const reached = await tabThrough(page, 30);
  for (const id of ['cdm-file-input', 'cdm-run-sample', 'cdm-q-input', 'cdm-model-gdina', 'cdm-link', 'cdm-dist-saturated', 'cdm-tol', 'cdm-max-iter', 'cdm-starts', 'cdm-seed', 'cdm-m2-max-items', 'cdm-run']) {
    assert.ok(reached.has(id), `Tab should reach #${id} (reached ${[...reached].join(', ')})`);
  }
  // Arrow keys move within the model radio group, across the families.
  await page.focus('#cdm-model-gdina');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#cdm-model-dina').isChecked(), true);
  // Run without files explains what to do.
  await page.focus('#cdm-run');
  await page.keyboard.press('Enter');
  await page.locator('#cdm-file-error', { hasText: 'Choose a response file' }).waitFor();
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  await page.close();
});
