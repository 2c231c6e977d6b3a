// Issue 5 journey: find services for a person in the demo region (Harbourton,
// zip 90101, issue Housing) with reasons and score formulas; make a Top
// Result a best bet for Housing and see it move to Best Bets; the edit
// survives a reload; excluded services show the rule that left them out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  TEST_DATA, assertAccessible, goTo, screenshot, sharedDemoPage,
} from './helpers.mjs';

const TIMEOUT = 120_000;
const ZIP = '90101';
const ISSUE = 'Housing';
const shared = sharedDemoPage({ timeout: TIMEOUT });

async function findServices(page) {
  await page.waitForSelector('#find-zip', { timeout: TIMEOUT });
  await page.fill('#find-zip', ZIP);
  await page.selectOption('#find-issue', ISSUE);
  await page.fill('#find-date', '2026-12-01');
  await page.click('#find-services');
  await page.waitForSelector('#find-results', { timeout: TIMEOUT });
}

test('find services for a person: result sets in order, with reasons and score formulas', async () => {
  const { page } = shared;
  await goTo(page, 'directory');
  await page.waitForSelector('#directory-title');
  await findServices(page);
  assert.match(await page.textContent('#find-results'), /Harbourton/);
  const order = await page.$$eval('#find-results .result-set', (sets) => sets.map((s) => s.id));
  assert.deepEqual(order, ['results-best-bets', 'results-top-results', 'results-bar-referrals', 'results-self-help']);
  const top = await page.$$('#results-top-results li[data-service-id]');
  assert.ok(top.length > 0, 'the demo has Top Results for Housing in 90101');
  assert.match(await page.textContent('#results-top-results'), /Referral score: \d/);
  assert.match(await page.textContent('#results-top-results .reasons'), /serves the issue 'Housing'/);

  // The excluded services, with the rule that left each out.
  await page.check('#find-show-excluded');
  await page.waitForSelector('#results-excluded li');
  assert.match(await page.textContent('#results-excluded'), /does not|closed|only serves|beyond|gives no/);
  await screenshot(page, 'directory');
  await assertAccessible(page, 'Directory');
});

test('make a Top Result a best bet for the issue: it moves to Best Bets and survives a reload', async () => {
  const { page } = shared;
  const id = await page.getAttribute('#results-top-results li[data-service-id]', 'data-service-id');
  assert.ok(id);
  const before = await page.$$eval('#results-best-bets li[data-service-id]', (items) => items.map((i) => i.dataset.serviceId));
  assert.ok(!before.includes(id));

  await page.click(`#services-table tr[data-service-id="${id}"] button:has-text("Edit")`);
  await page.waitForSelector('#service-editor');
  await page.waitForSelector('#bb-issue-housing');
  await page.check('#bb-issue-housing');
  await assertAccessible(page, 'Directory (editing a service)');
  await page.click('#save-service');
  await page.waitForSelector('#service-editor', { state: 'detached' });

  await page.waitForSelector(`#results-best-bets li[data-service-id="${id}"]`, { timeout: TIMEOUT });
  assert.equal(await page.$(`#results-top-results li[data-service-id="${id}"]`), null);
  assert.match(await page.textContent(`#results-best-bets li[data-service-id="${id}"]`), /best bet for the issue 'Housing'/);

  await page.waitForSelector('text=Saved in this browser', { timeout: TIMEOUT });
  await page.reload();
  await page.waitForSelector('main');
  await page.waitForFunction(() => !document.body.innerText.includes('Opening your workspace'));
  // The hash is still #directory, so the page opens on the Directory screen.
  await page.waitForSelector('#directory-title', { timeout: TIMEOUT });
  await findServices(page);
  await page.waitForSelector(`#results-best-bets li[data-service-id="${id}"]`, { timeout: TIMEOUT });
});

test('search, add and remove (with a confirm) a service', async () => {
  const { page } = shared;
  await page.fill('#directory-search', 'Eviction Defence');
  await page.waitForSelector('#services-table tr[data-service-id="hla-eviction"]');
  await page.fill('#directory-search', '');
  const count = async () => page.$$eval('#services-table tbody tr', (rows) => rows.length);
  const n = await count();
  await page.click('#add-service');
  await page.waitForSelector('#service-editor');
  await page.fill('#edit-name', 'Test Drop-in');
  await page.click('#save-service');
  await page.waitForSelector('#services-table th:has-text("Test Drop-in")');
  assert.equal(await count(), n + 1);
  await page.click('button[aria-label="Remove Test Drop-in"]');
  await page.click('button:has-text("Yes, remove")');
  await page.waitForFunction((expected) => document.querySelectorAll('#services-table tbody tr').length === expected, n);
});

// Issue 15 §3: directory files are read in the worker (the page's
// WebAssembly has no workbook reader): one file in the simple layout, then
// several HSDS tables chosen together. Last, because it replaces the demo's
// services.
test('import a directory file and HSDS tables (read in the worker)', async () => {
  const { page } = shared;
  const examples = new URL('../../examples/', import.meta.url).pathname;
  await page.setInputFiles('#import-directory', join(examples, 'directory.csv'));
  await page.waitForSelector('text=/Imported \\d+ services from directory\\.csv/', { timeout: TIMEOUT });
  const hsds = ['organizations', 'services', 'locations', 'service_at_location']
    .map((t) => join(TEST_DATA, 'hsds-example', `${t}.csv`));
  await page.setInputFiles('#import-directory', hsds);
  await page.waitForSelector('text=/Imported \\d+ services from organizations\\.csv, services\\.csv/', { timeout: TIMEOUT });
  const rows = await page.$$eval('#services-table tbody tr', (r) => r.length);
  assert.ok(rows > 0, 'the HSDS services are listed');
});
