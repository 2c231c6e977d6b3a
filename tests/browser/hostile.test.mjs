// Issue 14: hostile and damaged files through the page's import. The page
// shows a message naming the problem, keeps the data it had, and goes on
// working (no page error, no panic, no dialog).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  TEST_DATA, assertNoErrors, assertOnlyLocalRequests, goTo, launch, openPage, screenshot,
} from './helpers.mjs';

let browser;
const tmp = mkdtempSync(join(tmpdir(), 'signpost-hostile-'));
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Imports a file from Start and returns the error notice that names it. */
async function importRefused(page, file) {
  const name = file.split('/').pop();
  await goTo(page, 'start');
  await page.setInputFiles('#import-file', file);
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('.notice.error')].some((e) => e.textContent.includes(n)),
    name,
  );
  return page.$$eval('.notice.error', (nodes, n) => nodes.map((e) => e.textContent).find((t) => t.includes(n)), name);
}

test('a workbook with a far cell and a CSV with an unclosed quote are refused, and the page keeps working', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#demo');
  await page.waitForSelector('#quality-title');
  assert.match(await page.textContent('main'), /1000 rows/);

  // One value in XFD1048576: once a 512 GB allocation that killed the page.
  const far = await importRefused(page, join(TEST_DATA, 'far_cell.xlsx'));
  assert.match(far, /far_cell\.xlsx/);
  assert.match(far, /XFD1048576/);
  assert.match(far, /unchanged/);
  await screenshot(page, 'hostile-far-cell');

  // A quote opened in row 12 and never closed: once 290 rows read as one cell.
  const quoted = join(tmp, 'unclosed.csv');
  let text = 'id,note,pathway\n';
  for (let row = 2; row <= 301; row += 1) {
    text += row === 12 ? '12,"never closed,Signposting\n' : `${row},fine,Signposting\n`;
  }
  writeFileSync(quoted, text);
  const unclosed = await importRefused(page, quoted);
  assert.match(unclosed, /row 12/);
  assert.match(unclosed, /never closed/);
  assert.match(unclosed, /290 lines/);

  // The demo data is still there, and the page still imports a good file.
  await goTo(page, 'data');
  assert.match(await page.textContent('main'), /1000 rows/);
  await goTo(page, 'start');
  await page.setInputFiles('#import-file', join(TEST_DATA, 'iris.csv'));
  await page.waitForFunction(() => /iris\.csv: 150 rows/.test(document.querySelector('main')?.textContent ?? ''));
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});
