// Issue 13 journey: train the demo model and read its fairness audit; record
// decisions and their outcomes; retrain with the new outcomes and compare the
// two versions before switching; switch, and find the versions after a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertAccessible, goTo, screenshot, sharedDemoPage,
} from './helpers.mjs';

const TRAIN_TIMEOUT = 180_000;
const DECISIONS = 6;
const shared = sharedDemoPage(); // one page through the whole journey
// The instant demo comes with example decisions (some with outcomes): the
// decisions recorded here are numbered after them, and the retrain button
// counts their outcomes too.
let firstId = 1;
let outcomesBefore = 0;

test('train: the fairness audit covers the protected columns, on the report and the card', async () => {
  const { page } = shared;
  await goTo(page, 'model');
  await page.click('button:has-text("Train model")');
  await page.waitForSelector('#fairness', { timeout: TRAIN_TIMEOUT });
  const audit = await page.textContent('#fairness');
  assert.match(audit, /Fairness audit over gender, age_band, gender × age_band on \d+ referrals predicted out of fold/);
  assert.match(await page.textContent('#fairness-flags'), /gap/);
  assert.match(await page.textContent('dl.card'), /Fairness audit over gender/);
  // One version, in use.
  assert.match(await page.textContent('#version-list'), /Version 1.*In use/s);
  await page.click('#fairness details summary');
  await screenshot(page, 'oversight-audit');
  await assertAccessible(page, 'Model with the fairness audit');
});

test('record decisions and their outcomes; overrides are judged on Decisions', async () => {
  const { page } = shared;
  const retrain = await page.$('#retrain');
  if (retrain) outcomesBefore = Number((await retrain.textContent()).match(/(\d+) new outcomes/)?.[1] ?? 0);
  for (let i = 0; i < DECISIONS; i += 1) {
    await goTo(page, 'triage');
    await page.fill('#from-row', String(2 + i));
    await page.click('button:has-text("Fill")');
    await page.click('button:has-text("Suggest a pathway")');
    await page.waitForSelector('#suggestion-title');
    if (i % 3 === 2) {
      const suggested = (await page.textContent('#suggestion-title')).replace(/^Suggested: /, '').replace(/ \(\d+% confidence\)$/, '');
      const other = await page.$$eval('#decided option', (options, s) => options.map((o) => o.value).find((v) => v && v !== s), suggested);
      await page.selectOption('#decided', other);
      await page.selectOption('#override-reason', 'Information the model does not have');
      await page.click('button:has-text("Record decision (override)")');
    } else {
      await page.click('button:has-text("Accept and record decision")');
    }
    if (i === 0) {
      await page.waitForSelector('text=/Recorded as decision #\\d+\\./');
      firstId = Number((await page.textContent('main')).match(/Recorded as decision #(\d+)\./)[1]);
    } else {
      await page.waitForSelector(`text=Recorded as decision #${firstId + i}.`);
    }
  }
  await goTo(page, 'decisions');
  for (let id = firstId; id < firstId + DECISIONS; id += 1) {
    const label = id % 2 === 0 ? `Decision ${id}: it did not work` : `Decision ${id}: it worked`;
    await page.click(`button[aria-label="${label}"]`);
  }
  await page.waitForSelector('#overrides-judged');
  assert.match(await page.textContent('main'), /These groups differ/);
  assert.match(await page.textContent('#drift-summary'), /6 referrals seen since training/);
  await screenshot(page, 'oversight-decisions');
  await assertAccessible(page, 'Decisions with overrides judged');
});

test('retrain with the new outcomes, compare before switching, switch, reload', async () => {
  const { page } = shared;
  await goTo(page, 'model');
  await page.waitForSelector('#retrain');
  const newOutcomes = outcomesBefore + DECISIONS;
  assert.equal((await page.textContent('#retrain')).trim(), `Retrain with ${newOutcomes} new outcomes`);
  await page.click('#retrain');
  await page.waitForSelector('text=Version 2 is trained', { timeout: TRAIN_TIMEOUT });
  // Version 1 stays in use until someone switches; the comparison is shown.
  assert.match(await page.textContent('#version-list'), new RegExp(`Version 2.*retrained with ${newOutcomes} new outcomes.*Use version 2.*Version 1.*In use`, 's'));
  await page.waitForSelector('#comparison');
  assert.match(await page.textContent('#comparison-summary'), /both versions held out, version 1 suggests .* and version 2/);
  assert.equal((await page.textContent('#retrain')).trim(), 'Retrain with 0 new outcomes');
  await screenshot(page, 'oversight-versions');
  await assertAccessible(page, 'Model with two versions compared');

  await page.click('#version-list button:has-text("Use version 2")');
  await page.waitForSelector('text=Version 2 is now in use.');
  assert.match(await page.textContent('#version-list'), /Version 2.*In use.*Version 1.*Use version 1/s);
  await page.waitForSelector('text=Saved in this browser');
  await page.reload();
  await page.waitForSelector('main');
  await page.waitForFunction(() => !document.body.innerText.includes('Opening your workspace'));
  await goTo(page, 'model');
  await page.waitForSelector('#version-list');
  assert.match(await page.textContent('#version-list'), /Version 2.*In use.*Version 1.*Use version 1/s);
  // The decisions log can be filtered by the version that suggested.
  await goTo(page, 'decisions');
  await page.waitForSelector('#decision-log');
});
