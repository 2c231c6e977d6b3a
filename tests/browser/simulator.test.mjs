// Issue 6 journey: open the simulator on the demo, change the care home's
// places, run the baseline and the what-if in the worker, read waits with
// intervals and the bottleneck sentences; the what-if is in the URL, and the
// link restores it in a fresh browser context.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAccessible, assertNoErrors, assertOnlyLocalRequests, goTo, launch, openPage, screenshot,
} from './helpers.mjs';

const RUN_TIMEOUT = 120_000;
const CARE_PLACES = 'input[type=range][data-service="Care home"][data-field="places"]';
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('simulate the demo with more care-home places and share the what-if', async () => {
  const first = await openPage(browser, '/#demo');
  const { page } = first;
  await page.waitForSelector('#quality-title');
  await goTo(page, 'simulator');
  await page.waitForSelector('#simulator-title');
  await page.waitForSelector(CARE_PLACES);

  const before = Number(await page.inputValue(CARE_PLACES));
  await page.focus(CARE_PLACES);
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(
    ([sel, v]) => Number(document.querySelector(sel)?.value) === v, [CARE_PLACES, before + 3],
  );
  const changed = await page.inputValue(CARE_PLACES);
  assert.equal(Number(changed), before + 3);
  // The current value is shown in text beside the slider.
  const output = await page.textContent(`output[for="${await page.getAttribute(CARE_PLACES, 'id')}"]`);
  assert.match(output, new RegExp(`^${changed} places`));
  await page.waitForFunction(() => location.hash.includes('s='));

  await page.click('#sim-run');
  await page.waitForSelector('#sim-results-table', { timeout: RUN_TIMEOUT });
  const table = await page.textContent('#sim-results-table');
  assert.match(table, /Mean wait/);
  assert.match(table, /Baseline/);
  assert.match(table, /What-if/);
  assert.match(table, /Care home/);
  // Every wait has an interval: "mean (lo to hi)".
  assert.match(table, /\d+(\.\d+)? \(\d+(\.\d+)? to \d+(\.\d+)?\)/);
  const bottlenecks = await page.textContent('#sim-results');
  assert.ok(
    (await page.$('#bottlenecks-whatif li')) || (await page.$('#bottlenecks-whatif-none')),
    'the what-if has bottleneck sentences or says there is none',
  );
  assert.match(bottlenecks, /Bottlenecks/);
  assert.ok(await page.$('#sim-results figure svg[role=img]'), 'the charts are drawn');

  const url = await page.evaluate(() => location.href);
  assert.match(url, /#simulator\?s=s1\./);
  await screenshot(page, 'simulator');
  await assertAccessible(page, 'Simulator');
  assertOnlyLocalRequests(first.requests);
  assertNoErrors(first.errors);

  // The shared link restores the what-if in a new context (empty workspace).
  const hash = url.slice(url.indexOf('#'));
  const second = await openPage(browser, `/${hash}`);
  await second.page.waitForSelector('#simulator-title');
  await second.page.waitForSelector(CARE_PLACES);
  await second.page.waitForFunction(
    ([sel, v]) => document.querySelector(sel)?.value === v, [CARE_PLACES, changed],
  );
  assert.equal(await second.page.inputValue(CARE_PLACES), changed);
  await assertAccessible(second.page, 'Simulator from a shared link');
  assertOnlyLocalRequests(second.requests);
  assertNoErrors(second.errors);
  await first.context.close();
  await second.context.close();
});

test('a tampered link gives a notice and falls back to the baseline', async () => {
  const { page, context, requests, errors } = await openPage(browser, '/#simulator?s=s1.broken.00000000');
  await page.waitForSelector('#simulator-title');
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /was not loaded/);
  assert.ok(await page.$(CARE_PLACES));
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});
