// Issue 2 journeys: demo and quality report, imports (good, malformed,
// hostile), persistence, export / clear / import, privacy and accessibility.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  TEST_DATA, assertAccessible, assertNoErrors, assertOnlyLocalRequests, goTo, launch, openPage, screenshot,
} from './helpers.mjs';

let browser;
const tmp = mkdtempSync(join(tmpdir(), 'signpost-'));
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the demo link opens the demo with its quality report; every screen passes axe', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#demo');
  await page.waitForSelector('#quality-title');
  assert.match(await page.textContent('main'), /1000 rows/);
  assert.match(await page.textContent('#quality-title + *'), /finding|No problems/);
  // Every pathway of the demo is in the per-pathway table.
  for (const pathway of ['Crisis intervention', 'One-to-one support', 'Peer support group', 'Signposting']) {
    assert.match(await page.textContent('section[aria-labelledby=quality-title]'), new RegExp(pathway));
  }
  await screenshot(page, 'data');
  await assertAccessible(page, 'Data');
  for (const slug of ['start', 'settings']) {
    await goTo(page, slug);
    await screenshot(page, slug);
    await assertAccessible(page, slug);
  }
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});

test('importing iris.csv through the file chooser shows its rows and types', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#start');
  await page.setInputFiles('#import-file', join(TEST_DATA, 'iris.csv'));
  await page.waitForSelector('#quality-title');
  const text = await page.textContent('main');
  assert.match(text, /iris\.csv: 150 rows, 5 columns/);
  assert.match(text, /sepal_length_cm/);
  assert.equal(await page.$eval('#role-4', (s) => s.value), 'pathway allocated');
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});

test('a malformed file: ragged rows are reported with row and column, junk is refused and nothing is lost', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#demo');
  await page.waitForSelector('#quality-title');
  const ragged = join(tmp, 'ragged.csv');
  writeFileSync(ragged, 'id,risk_level,pathway\n1,3,Signposting\n2,4\n3,2,Crisis intervention,extra\n');
  await goTo(page, 'start');
  await page.setInputFiles('#import-file', ragged);
  await page.waitForSelector('#problems-title');
  const problems = await page.textContent('#problems-title + ul');
  assert.match(problems, /row 3/i);
  assert.match(problems, /pathway/);
  assert.match(problems, /row 4/i);

  // Binary junk is refused and the data already there stays.
  const junk = join(tmp, 'junk.csv');
  writeFileSync(junk, Buffer.from([0, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0, 7, 8]));
  await goTo(page, 'start');
  await page.setInputFiles('#import-file', junk);
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /junk\.csv/);
  assert.match(await page.textContent('.notice.error'), /unchanged/);
  await goTo(page, 'data');
  assert.match(await page.textContent('main'), /ragged\.csv: 3 rows/);
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});

test('a cell holding HTML is shown as text and runs nothing', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#start');
  const hostile = join(tmp, 'hostile.csv');
  writeFileSync(hostile, 'id,note,pathway\n1,<img src=x onerror=alert(1)>,Signposting\n2,<script>alert(2)</script>,Signposting\n');
  await page.setInputFiles('#import-file', hostile);
  await page.waitForSelector('table.preview');
  assert.match(await page.textContent('table.preview'), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.$$eval('table.preview img, table.preview script', (nodes) => nodes.length), 0);
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors); // a dialog would have been recorded here
  await context.close();
});

test('the workspace survives a reload, and export / clear / import gives it back', async () => {
  const { context, page, requests, errors } = await openPage(browser, '/#start');
  await page.setInputFiles('#import-file', join(TEST_DATA, 'iris.csv'));
  await page.waitForSelector('#quality-title');
  // Change a role so the saved workspace is more than the import.
  await page.selectOption('#role-0', 'ignore');
  await page.waitForSelector('text=Saved in this browser');
  await page.reload();
  await page.waitForSelector('#quality-title');
  assert.match(await page.textContent('main'), /iris\.csv: 150 rows/);
  assert.equal(await page.$eval('#role-0', (s) => s.value), 'ignore');

  await goTo(page, 'settings');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('text=Export workspace'),
  ]);
  const exported = join(tmp, 'exported.json');
  await download.saveAs(exported);
  const before = JSON.parse(readFileSync(exported, 'utf8'));
  assert.equal(before.format, 'signpost-workspace');

  await page.click('button:has-text("Clear all data")');
  await page.click('text=Yes, delete everything');
  await page.waitForSelector('text=All Signpost data was deleted');
  await goTo(page, 'data');
  assert.match(await page.textContent('main'), /no referral data yet/i);
  await page.reload();
  await page.waitForSelector('main');
  await goTo(page, 'data');
  assert.match(await page.textContent('main'), /no referral data yet/i);

  // A tampered copy is refused; the real one restores the same workspace.
  const tampered = join(tmp, 'tampered.json');
  writeFileSync(tampered, readFileSync(exported, 'utf8').replace('sepal_length_cm', 'sepal_length_mm'));
  await goTo(page, 'settings');
  await page.setInputFiles('#import-workspace', tampered);
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /changed or damaged/);

  await page.setInputFiles('#import-workspace', exported);
  await page.waitForSelector('text=Imported the workspace file');
  await page.waitForSelector('text=Saved in this browser');
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('text=Export workspace')]);
  const reexported = join(tmp, 'reexported.json');
  await again.saveAs(reexported);
  assert.deepEqual(JSON.parse(readFileSync(reexported, 'utf8')).workspace, before.workspace);
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});
