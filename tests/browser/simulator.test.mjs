// Issue 6 journey: open the simulator on the demo, change the care home's
// places, run the baseline and the what-if in the worker, read waits with
// intervals and the bottleneck sentences; the what-if is in the URL, and the
// link restores it in a fresh browser context. Issue 12: a care home that
// cannot keep up is called unstable, with the people still queued at the end.
// Issue 14: a looping scenario from a link gives a message and the page keeps
// working.
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

/// A scenario as a link fragment, as Scenario::to_url_fragment writes it:
/// s1.<base64url of the JSON, no padding>.<FNV-1a 32 of the JSON, 8 hex digits>.
function fragmentOf(scenario) {
  const json = Buffer.from(JSON.stringify(scenario), 'utf8');
  let hash = 0x811c9dc5;
  for (const byte of json) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `s1.${json.toString('base64url')}.${hash.toString(16).padStart(8, '0')}`;
}

test('a looping scenario from a link gives a message and the page keeps working', async () => {
  // Visits of 1e-300 weeks that send people back with p = 0.999999999.
  const looping = {
    name: 'Looping',
    weeks: 52,
    warmup: 0,
    services: [{
      name: 'Loop',
      places: 2,
      stay: { d: 'fixed', value: 1e-300 },
      next: [{ to: 'Loop', p: 0.999999999 }, { to: 'exit', p: 1e-9 }],
    }],
    groups: [{ name: 'Everyone', rate: 1, mix: [{ to: 'Loop', p: 1 }] }],
    triage: { accuracy: 1, delay: 0 },
  };
  const { page, context, requests, errors } = await openPage(
    browser, `/#simulator?s=${fragmentOf(looping)}`,
  );
  await page.waitForSelector('#simulator-title');
  await page.waitForSelector('input[data-service="Loop"][data-field="places"]');
  await page.click('#sim-run');
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /what-if scenario cannot run: .*effectively zero/);
  // Still working: back to the baseline, and a run finishes.
  await page.click('#sim-reset');
  await page.waitForSelector(CARE_PLACES);
  await page.click('#sim-run');
  await page.waitForSelector('#sim-results-table', { timeout: RUN_TIMEOUT });
  assert.match(await page.textContent('#sim-results-table'), /Care home/);
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});

test('a care home that cannot keep up is called unstable, with its queue at the end', async () => {
  const { page, context, requests, errors } = await openPage(browser, '/#demo');
  await page.waitForSelector('#quality-title');
  await goTo(page, 'simulator');
  await page.waitForSelector(CARE_PLACES);
  // One place in the care home.
  await page.focus(CARE_PLACES);
  await page.keyboard.press('Home');
  await page.waitForFunction((sel) => document.querySelector(sel)?.value === '1', CARE_PLACES);
  await page.click('#sim-run');
  await page.waitForSelector('#sim-results-table', { timeout: RUN_TIMEOUT });
  const warning = await page.textContent('#sim-unstable');
  assert.match(
    warning,
    /What-if: unstable: arrivals exceed what Care home can take; the queue grows by about [\d.]+ people a year/,
  );
  const table = await page.textContent('#sim-results-table');
  assert.match(table, /Still queued when the run ends/);
  assert.match(table, /at least \d/);
  const careRow = await page.textContent('#sim-results-table tbody tr:has(th:text-is("Care home"))');
  assert.match(careRow, /at least/);
  assert.match(await page.textContent('#bottlenecks-whatif'), /still queued at the end/);
  await screenshot(page, 'simulator-unstable');
  await assertAccessible(page, 'Simulator with an unstable care home');
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});
