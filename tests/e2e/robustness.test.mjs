// Bad input in the browser: files the site refuses before reading them, and files the engine
// refuses, each with a message naming the file and what to change, after which the page still
// works with the data it already had.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertCleanLog, inNewContext, readNumber, useBrowserSite } from './helpers.mjs';

const site = useBrowserSite({ tmpPrefix: 'pacer-robustness-' });

test('a 2 GB file is refused before it is read; 1 GB and below are read', { timeout: 60_000 }, () =>
  inNewContext(site.browser, 'robustness-size', async (page, log) => {
    await page.goto(`${site.origin}/`);
    await page.locator('#file-input').waitFor({ state: 'attached' });
    const verdicts = await page.evaluate(async () => {
      const input = await import('/www/data-input.js');
      // A File-like object: readFile looks at the size before reading a byte.
      let read = false;
      const huge = { name: 'huge.csv', size: 2 * 1024 ** 3, arrayBuffer: async () => { read = true; return new ArrayBuffer(0); } };
      const refused = await input.readFile(huge).then(() => null, (e) => e.message);
      return {
        refused,
        read,
        limit: input.MAX_FILE_BYTES,
        atLimit: input.fileTooLarge(input.MAX_FILE_BYTES),
        scaleFile: input.fileTooLarge(200 * 1024 ** 2),
      };
    });
    assert.equal(verdicts.read, false, 'the 2 GB file must not be read');
    assert.match(verdicts.refused, /2\.0 GB/);
    assert.match(verdicts.refused, /up to 1\.0 GB/);
    assert.match(verdicts.refused, /command-line tool/);
    assert.equal(verdicts.limit, 1024 ** 3);
    assert.equal(verdicts.atLimit, null);
    assert.equal(verdicts.scaleFile, null, 'the 1,000,000 x 100 file (200 MB) is within the limit');
    assertCleanLog(log, site.origin);
  }),
);

test('empty, binary and Latin-1 files get their message; the loaded results stay usable', { timeout: 90_000 }, () =>
  inNewContext(site.browser, 'robustness-files', async (page, log) => {
    await page.goto(`${site.origin}/`);
    await page.click('#run-sample');
    await page.locator('#results #alpha').waitFor();
    const alpha = await readNumber(page, '#alpha', 6);
    const cases = [
      ['empty.csv', Buffer.alloc(0), /empty/i],
      ['junk.csv', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01, 0x02, 0x7f, 0x00]), /neither CSV text nor an XLSX workbook/],
      ['latin1.csv', Buffer.from('id,\xcdtem,Q2\nA,1,0\nB,0,1\n', 'latin1'), /not UTF-8 text/],
      ['semicolons.csv', Buffer.from('Q1;Q2;Q3\n1;0;\n0;1;1\n1;1;1\n'), null],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(site.tmp, name);
      await writeFile(file, bytes);
      await page.setInputFiles('#file-input', file);
      const error = page.locator('#file-error');
      if (message) {
        await error.waitFor({ state: 'visible' });
        const text = await error.textContent();
        assert.match(text, new RegExp(name.replace('.', '\\.')), `${name}: the message names the file: ${text}`);
        assert.match(text, message, `${name}: ${text}`);
      } else {
        await page.locator('#results #alpha').waitFor();
        await page.waitForFunction(() => document.querySelectorAll('#item-table tbody tr').length === 3);
      }
    }
    // The page still works: the sample runs again and gives the same result.
    await page.click('#run-sample');
    await page.waitForFunction(() => document.querySelectorAll('#item-table tbody tr').length === 5);
    assert.equal(await readNumber(page, '#alpha', 6), alpha);
    assert.equal(await page.locator('#file-error').isVisible(), false);
    assertCleanLog(log, site.origin);
  }),
);
