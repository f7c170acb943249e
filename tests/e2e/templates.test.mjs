// End-to-end test of the Template Library page (#/templates) in headless
// Chromium, against the built site (dist/): every file format has its
// section, every example downloads and has the columns the page's tables
// list as required, the made-up examples are accepted by the engine, the
// six tools' nav is unchanged and the page is reachable from its own link
// and by keyboard.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, parseCsvLine, REPO_ROOT, saveDownload, tabThrough, useBrowserSite } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-e2e-templates-' });

const TOOLS = ['Item Analysis', 'IRT Calibration', 'Test Scoring', 'Equating', 'CDM Calibration', 'Skill Profiler'];
const FORMATS = ['responses', 'dif', 'choices', 'params', 'item-models', 'anchors', 'qmatrix', 'cdm-params', 'cdm-classes'];

/** The downloads of the page: [{ id, href, file, table, text, required, prescribed }], from the DOM. */
function readDownloads(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#tool-templates a[data-columns-table]')].map((a) => {
      const table = a.dataset.columnsTable;
      const rows = [...document.querySelectorAll(`#${table} tbody tr[data-column]`)];
      return {
        id: a.id,
        href: a.href,
        file: a.getAttribute('download'),
        table,
        text: a.textContent,
        section: a.closest('[data-format]')?.dataset.format,
        required: rows.filter((tr) => tr.dataset.required === 'true').map((tr) => tr.dataset.column),
        prescribed: rows.map((tr) => tr.dataset.column),
      };
    }),
  );
}

test('template library: every format has its section, column table and examples; each example downloads with the required columns; same-origin only', { timeout: 120_000 }, () =>
  inNewContext(site.browser, 'templates', async (page, log) => {
    const { origin, tmp } = site;
    await page.goto(`${origin}/`);
    await page.locator('#file-input').waitFor({ state: 'attached' });

    // The six tools' nav is unchanged; the Template Library has its own link, outside it.
    assert.deepEqual(await page.locator('nav .tool-nav__link').allTextContents(), TOOLS);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Item Analysis');
    const link = page.locator('nav .aux-nav__link');
    assert.equal(await link.count(), 1);
    assert.equal(await link.textContent(), 'Template Library');
    assert.equal(await link.getAttribute('href'), '#/templates');
    await link.click();
    await page.waitForURL(/#\/templates$/);
    await page.locator('#tpl-title').waitFor();
    assert.equal(await page.locator('#tpl-title').textContent(), 'Template Library');
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Template Library');
    assert.deepEqual(await page.locator('nav .tool-nav__link').allTextContents(), TOOLS, 'the tools\u2019 nav is the same on the page');
    assert.equal(await page.locator('.tool-nav__link[aria-current]').count(), 0, 'no tool is current');
    assert.match(await page.title(), /^Template Library/);
    assert.ok(await page.locator('[data-tool="item-analysis"] #file-input').count(), 'the tool visited before is kept');
    assert.equal(await page.locator('.tool-container[data-tool="item-analysis"]').isHidden(), true, 'and hidden');

    // Every format's section: a heading, the tools that read it, a captioned column table, notes, an example.
    assert.deepEqual(await page.locator('#tool-templates [data-format]').evaluateAll((els) => els.map((el) => el.dataset.format)), FORMATS);
    for (const format of FORMATS) {
      const section = page.locator(`#tpl-${format}`);
      assert.ok((await section.locator('h2').textContent()).trim(), `${format} has a heading`);
      assert.match(await section.locator('p').first().textContent(), /^Read by /, `${format} says which tools read it`);
      const captions = await section.locator('table caption').allTextContents();
      assert.ok(captions.length >= 1 && captions.every((c) => c.trim()), `${format} has captioned column tables`);
      assert.deepEqual(await section.locator('table thead th').evaluateAll((ths) => ths.slice(0, 4).map((th) => th.textContent)), ['Column', 'Required', 'Holds', 'Accepted values']);
      assert.ok((await section.locator('.template-notes li').count()) >= 1, `${format} has notes`);
      assert.ok((await section.locator('a[download]').count()) >= 1, `${format} has an example to download`);
    }
    // The tables name the prescribed columns; some that the tests below rely on.
    const prescribed = (table) => page.locator(`#${table} tbody tr[data-column]`).evaluateAll((trs) => trs.map((tr) => tr.dataset.column));
    assert.deepEqual(await prescribed('tpl-table-responses'), ['id', 'group']);
    assert.deepEqual(await prescribed('tpl-table-key'), ['item', 'key']);
    assert.deepEqual(await prescribed('tpl-table-anchors'), ['new_item', 'base_item']);
    assert.deepEqual(await prescribed('tpl-table-cdm-params'), ['item', 'required', 'pattern', 'prob', 'se']);

    // Headings in order (no level skipped), from the page's h1.
    const levels = await page.locator('#tool-templates').evaluate((el) => [...el.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((hd) => Number(hd.tagName[1])));
    assert.equal(levels[0], 1);
    levels.forEach((level, i) => assert.ok(i === 0 || level <= levels[i - 1] + 1, `heading ${i} (h${level}) follows h${levels[i - 1]}`));

    // Every example: downloads under its own name, is the sample file, non-empty, with the required columns in its header.
    const downloads = await readDownloads(page);
    assert.ok(downloads.length >= FORMATS.length);
    assert.equal(new Set(downloads.map((d) => d.id)).size, downloads.length, 'the download ids are unique');
    for (const format of FORMATS) assert.ok(downloads.some((d) => d.section === format), `${format} has a download`);
    for (const [i, d] of downloads.entries()) {
      // Chromium lets a tab start only about ten downloads (then asks the user, and headless
      // refuses silently): reload the page every few downloads.
      if (i > 0 && i % 8 === 0) {
        await page.reload();
        await page.locator(`#${d.id}`).waitFor();
      }
      assert.match(d.id, /^tpl-download-[a-z0-9-]+$/);
      assert.ok(d.text.includes(d.file), `the link text "${d.text}" names the file ${d.file}`);
      const url = new URL(d.href);
      assert.equal(url.origin, origin, `${d.id} is same-origin`);
      assert.match(url.pathname, /^\/www\/samples\//);
      const saved = path.join(tmp, `${d.id}-${d.file}`);
      const download = await saveDownload(page, `#${d.id}`, saved);
      assert.equal(download.suggestedFilename(), d.file, `${d.id} downloads as ${d.file}`);
      const bytes = await readFile(saved);
      assert.ok(bytes.length > 0, `${d.file} is not empty`);
      assert.deepEqual(bytes, await readFile(path.join(REPO_ROOT, 'www', url.pathname.replace(/^\/www\//, ''))), `${d.file} is the file in www/samples`);
      const lines = bytes.toString('utf8').split(/\r?\n/).filter((l) => l.length);
      assert.ok(lines.length >= 2, `${d.file} has a header and rows`);
      const header = parseCsvLine(lines[0]);
      for (const name of d.required) assert.ok(header.includes(name), `${d.file}'s header (${header.join(',')}) has the required column ${name}`);
      // A prescribed name in the header is spelled as the page shows it.
      for (const name of header) {
        const match = d.prescribed.find((p) => p.toLowerCase() === name.toLowerCase());
        if (match) assert.equal(name, match, `${d.file}: column ${name} as prescribed`);
      }
      if (d.section === 'qmatrix') assert.ok(header.length >= 2, 'a Q-matrix has an item column and attributes');
      if (d.section === 'responses') assert.ok(header.some((n) => !d.prescribed.includes(n)), 'a response file has item columns');
    }

    // The made-up examples (www/samples/templates/) are accepted by the engine.
    const checks = await page.evaluate(async () => {
      const engine = await import(new URL('www/engine.js', location.href).href);
      const bytes = async (file) => new Uint8Array(await (await fetch(new URL(`www/samples/templates/${file}`, location.href))).arrayBuffer());
      const responses = await bytes('responses-scored.csv');
      const run = (promise) => promise.then((result) => ({ ok: true, result }), (error) => ({ ok: false, error: error?.message ?? String(error) }));
      const items = await run(engine.analyzeItems(responses, { fileName: 'responses-scored.csv', missing: 'pairwise' }));
      const scoring = await run(engine.scoreIrt(responses, await bytes('item-parameters-mixed.csv'), { fileName: 'responses-scored.csv', paramsFileName: 'item-parameters-mixed.csv', method: 'eap', D: 1.702 }));
      const keyed = await run(engine.analyzeItemsWithKey(await bytes('choices-mixed.csv'), await bytes('key-mixed.csv'), { fileName: 'choices-mixed.csv', keyFileName: 'key-mixed.csv' }));
      const dif = await run(engine.analyzeDif(responses, { fileName: 'responses-scored.csv', reference: 'women' }));
      return {
        items: items.ok ? { n_persons: items.result.n_persons, n_items: items.result.n_items, id: items.result.id_column, group: items.result.group_column } : items.error,
        scoring: scoring.ok ? { persons: scoring.result.persons.length, thetas: scoring.result.persons.every((p) => Number.isFinite(p.theta)) } : scoring.error,
        keyed: keyed.ok ? { n_items: keyed.result.n_items, n_persons: keyed.result.n_persons } : keyed.error,
        dif: dif.ok ? { ok: true } : dif.error,
      };
    });
    assert.deepEqual(checks.items, { n_persons: 12, n_items: 6, id: 'id', group: 'group' }, 'responses-scored.csv reads as 12 persons x 6 items with id and group');
    assert.deepEqual(checks.scoring, { persons: 12, thetas: true }, 'item-parameters-mixed.csv scores responses-scored.csv');
    assert.deepEqual(checks.keyed, { n_items: 5, n_persons: 10 }, 'choices-mixed.csv is rescored with key-mixed.csv');
    assert.deepEqual(checks.dif, { ok: true }, 'responses-scored.csv has a usable group column');

    // The item-model example is accepted by the IRT Calibration page.
    await page.click('nav a[data-tool="irt-calibration"]');
    await page.locator('#irt-item-models-input').waitFor({ state: 'attached' });
    await page.setInputFiles('#irt-item-models-input', path.join(tmp, 'tpl-download-item-models-item-models.csv'));
    await page.locator('#irt-item-models-current', { hasText: 'item-models.csv' }).waitFor();
    assert.equal(await page.locator('#irt-item-models-input-error').isHidden(), true, 'no error for the item-model file');
    assert.equal(await page.locator('nav .aux-nav__link[aria-current]').count(), 0, 'the Template Library is not current on a tool');

    assertCleanLog(log, origin);
  }),
);

test('template library: a keyboard user reaches the page from the nav and Tab reaches the first download link', { timeout: 60_000 }, () =>
  inNewContext(site.browser, 'templates-keyboard', async (page, log) => {
    const { origin } = site;
    await page.goto(`${origin}/`);
    await page.locator('#file-input').waitFor({ state: 'attached' });
    await page.focus('nav .aux-nav__link');
    await page.keyboard.press('Enter');
    await page.locator('#tpl-title').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'tpl-title');

    await page.goto('about:blank');
    await page.goto(`${origin}/#/templates`);
    const first = page.locator('#tool-templates a[download]').first();
    await first.waitFor();
    const firstId = await first.getAttribute('id');
    assert.equal(firstId, 'tpl-download-responses');
    const reached = await tabThrough(page, 15);
    assert.ok(reached.has(firstId), `Tab should reach #${firstId} (reached ${[...reached].join(', ')})`);
    assertCleanLog(log, origin);
  }),
);
