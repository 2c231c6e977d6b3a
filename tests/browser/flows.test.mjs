// Issue 11 journey: import an event log on the Flows screen (a small demo
// log made by `signpost demo events --people 800 --years 5 --seed 7`,
// tests/data/flows_demo.csv), read the roles guessed, discover in the
// worker, read the quality report, the states, the map and its table,
// back-test with 20 replications, use the result in the simulator, change a
// slider and run. Bad input (the wrong column as the start date, an empty
// file) gets a message. `#demo` opens the Flows screen with the demo log's
// results. No request leaves the machine; axe finds nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  TEST_DATA, assertAccessible, assertNoErrors, assertOnlyLocalRequests, goTo, launch, openPage,
  screenshot,
} from './helpers.mjs';

const JOB_TIMEOUT = 180_000;
const LOG = join(TEST_DATA, 'flows_demo.csv');
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function errorNotice(page) {
  await page.waitForSelector('.notice.error');
  return page.textContent('.notice.error');
}

async function dismiss(page) {
  const button = await page.$('.notice button');
  if (button) await button.click();
}

/** Shares of every move out of each state, from the table, in percent. */
async function sharesByState(page, selector) {
  return page.$$eval(`${selector} tbody tr:not(.subtotal)`, (rows) => {
    const sums = {};
    for (const row of rows) {
      const from = row.querySelector('th').textContent;
      const share = parseFloat(row.querySelectorAll('td')[2].textContent);
      sums[from] = (sums[from] ?? 0) + share;
    }
    return sums;
  });
}

test('import an event log, discover, back-test and use it in the simulator', async () => {
  const { page, requests, errors } = await openPage(browser, '/');
  await goTo(page, 'flows');
  await page.waitForSelector('#flows-title');

  // An empty file: a message, nothing else changes.
  await page.setInputFiles('#flows-file', join(TEST_DATA, 'empty.csv'));
  assert.match(await errorNotice(page), /empty\.csv is empty/);
  assert.equal(await page.$('#flows-roles-title'), null);
  await dismiss(page);

  // The log: roles guessed from the names and types.
  await page.setInputFiles('#flows-file', LOG);
  await page.waitForSelector('#flows-roles-title', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#flows-source'), /flows_demo\.csv: 1,727 rows, 7 columns/);
  assert.equal(await page.inputValue('#flows-role-person'), 'household_id');
  assert.equal(await page.inputValue('#flows-role-state'), 'state');
  assert.equal(await page.inputValue('#flows-role-start'), 'start_date');
  assert.equal(await page.inputValue('#flows-role-end'), 'end_date');
  assert.equal(await page.isChecked('#flows-attributes input[data-column="age_band"]'), true);
  assert.equal(await page.inputValue('#flows-tolerance'), '1');
  await dismiss(page);

  // The wrong column as the start date: a warning beside it, then a message
  // naming the row, the column and the value.
  await page.selectOption('#flows-role-start', 'age_band');
  await page.waitForSelector('#flows-role-start-warning');
  assert.match(await page.textContent('#flows-role-start-warning'), /not dates/);
  await page.click('#flows-discover');
  const wrong = await errorNotice(page);
  assert.match(wrong, /row 2, column 'age_band'/);
  assert.match(wrong, /is not a date/);
  await dismiss(page);
  // The same column for two roles is refused before any work.
  await page.selectOption('#flows-role-start', 'end_date');
  await page.click('#flows-discover');
  assert.match(await errorNotice(page), /chosen for two roles/);
  await dismiss(page);
  await page.selectOption('#flows-role-start', 'start_date');
  // A tolerance out of range is refused with what it takes.
  await page.fill('#flows-tolerance', '400');
  await page.click('#flows-discover');
  assert.match(await errorNotice(page), /tolerance "400" is not usable: give a whole number of days from 0 to 365/);
  await dismiss(page);
  await page.fill('#flows-tolerance', '1');
  // The records begin on 2016-01-01; stays under way then are carried in.
  await page.fill('#flows-start-of-data', '2016-01-01');

  // Discover in the worker.
  await page.click('#flows-discover');
  await page.waitForSelector('#flows-quality', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#flows-window'), /The data run from 2016-01-01 to 2020-12-3\d/);
  assert.match(await page.textContent('#flows-quality-summary'), /1,727 rows read; [\d,]+ stays used, of [\d,]+ people in 6 states/);
  assert.ok(await page.$('#flows-quality-issues li, #flows-quality-none'), 'the quality report lists problems or says there are none');

  // States: honest and naive mean stays side by side.
  const states = await page.textContent('#flows-states');
  assert.match(states, /Honest mean stay/);
  assert.match(states, /Naive mean of ended stays/);
  assert.match(states, /Care home/);
  assert.equal((await page.$$('#flows-states tbody tr')).length, 6);
  assert.ok(await page.$('#flows-arrivals tbody tr'), 'arrivals per week');

  // The map and the table with the same figures; shares of a state add up to 100%.
  const map = await page.$('#flows-map svg[role="img"]');
  assert.ok(map, 'the process map is an svg with role img');
  assert.match(await map.getAttribute('aria-label'), /Process map\. 6 states/);
  assert.ok((await page.$$('#flows-map path[marker-end]')).length > 0, 'the map draws arrows');
  const sums = await sharesByState(page, '#flows-moves');
  assert.ok(Object.keys(sums).length >= 5, 'moves out of several states');
  for (const [from, sum] of Object.entries(sums)) {
    assert.ok(Math.abs(sum - 100) < 0.6, `the shares out of ${from} add up to ${sum}%`);
  }
  // The move model against the table of shares, both shown.
  const loss = await page.textContent('#flows-log-loss');
  assert.match(loss, /Table of shares/);
  assert.match(loss, /Move model/);
  await screenshot(page, 'flows-results');
  await assertAccessible(page, 'Flows results');

  // Back-test with the default 20 replications.
  assert.equal(await page.inputValue('#flows-backtest-replications'), '20');
  await page.click('#flows-backtest-run');
  await page.waitForSelector('#flows-backtest-mape', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#flows-backtest-mape'), /Mean absolute percentage error, weighted by occupancy: \d+(\.\d)?% \(threshold 15%\)/);
  assert.match(await page.textContent('#flows-backtest-words'), /(Follows|Misses) the history/);
  const inside = await page.$$eval('#flows-backtest-table tbody tr', (rows) => rows.map((r) => r.querySelectorAll('td')[3].textContent));
  assert.equal(inside.length, 6);
  for (const text of inside) {
    const [, k, n] = text.match(/^(\d+) of (\d+)$/);
    assert.ok(Number(k) <= Number(n) && Number(n) > 0, `months inside the range: ${text}`);
  }
  assert.ok(await page.$('#flows-backtest svg[role="img"]'), 'the back-test chart');
  await screenshot(page, 'flows-backtest');
  await assertAccessible(page, 'Flows back-test');

  // Use in the simulator: the scenario opens there, a slider changes it, it runs.
  await page.click('#flows-use');
  await page.waitForFunction(() => location.hash.startsWith('#simulator'), null, { timeout: JOB_TIMEOUT });
  await page.waitForSelector('#sim-run');
  assert.match(await page.textContent('#sim-services'), /Care home/);
  assert.match(await page.textContent('.notice'), /open in the simulator/);
  const places = 'input[type=range][data-service="Care home"][data-field="places"]';
  const before = Number(await page.inputValue(places));
  await page.focus(places);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(([sel, v]) => Number(document.querySelector(sel)?.value) === v, [places, before + 1]);
  await page.click('#sim-run');
  await page.waitForSelector('#sim-results-table', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#sim-results-table'), /Care home/);

  // Back on Flows, the results are still there (kept in the workspace).
  await goTo(page, 'flows');
  await page.waitForSelector('#flows-map');
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await page.context().close();
});

test('a messy log: the quality report names each problem in words', async () => {
  const { page, requests, errors } = await openPage(browser, '/');
  await goTo(page, 'flows');
  await page.setInputFiles('#flows-file', join(TEST_DATA, 'flows_messy.csv'));
  await page.waitForSelector('#flows-roles-title', { timeout: JOB_TIMEOUT });
  await page.click('#flows-discover');
  await page.waitForSelector('#flows-quality-issues', { timeout: JOB_TIMEOUT });
  const kinds = await page.$$eval('#flows-quality-issues li', (items) => items.map((li) => li.dataset.kind));
  for (const kind of ['end_before_start', 'overlap', 'near_duplicate_state', 'gap', 'no_person', 'future_date']) {
    assert.ok(kinds.includes(kind), `the quality report lists ${kind}: ${kinds}`);
  }
  const text = await page.textContent('#flows-quality-issues');
  assert.match(text, /End before start \(1\): 1 row with an end before the start \(first: row 5/);
  assert.match(text, /'Hospital' \(3\), 'hospital' \(1\)/);
  assert.match(text, /Rows, as a spreadsheet numbers them: 8/);
  await screenshot(page, 'flows-quality');
  await assertAccessible(page, 'Flows quality report');
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await page.context().close();
});

test('#demo opens the Flows screen with the demo log discovered', async () => {
  const { page, requests, errors } = await openPage(browser, '/#demo');
  await goTo(page, 'flows');
  await page.waitForSelector('#flows-map', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#flows-source'), /demo event log \(16000 households, 10 years, seed 42\)/);
  assert.match(await page.textContent('#flows-window'), /The data run from/);
  assert.ok(await page.$('#flows-drivers li'), 'the demo move model names its drivers');
  await screenshot(page, 'flows-demo');
  await assertAccessible(page, 'Flows on the demo');
  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await page.context().close();
});
