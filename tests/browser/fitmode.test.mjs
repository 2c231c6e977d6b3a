// Issue 12 §1-3 in the page: the mode choice in words with the paired
// difference; in pathway-fit mode the suggestion, the alternative, every bar
// and the set speak of one quantity, the chance of success if referred,
// named on screen and in the Batch CSV header.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertAccessible, goTo, screenshot, sharedDemoPage,
} from './helpers.mjs';

const TRAIN_TIMEOUT = 180_000;
const shared = sharedDemoPage();
const tmp = mkdtempSync(join(tmpdir(), 'signpost-fit-'));

test('pathway fit: the choice in words, then one quantity on Triage and Batch', async () => {
  const { page } = shared;
  await goTo(page, 'model');
  await page.selectOption('#train-mode', 'fit');
  await page.click('button:has-text("Train model")');
  // The instant demo already shows a model: wait for the one trained here.
  await page.waitForFunction(
    () => document.querySelector('#mode-choice')?.textContent.includes('You chose pathway fit'),
    null,
    { timeout: TRAIN_TIMEOUT },
  );
  const choice = await page.textContent('#mode-choice');
  assert.match(choice, /Compared on the same referrals, .+ by \d+\.\d points \(95% interval [+-]\d+\.\d points to [+-]\d+\.\d points\)/);
  assert.match(choice, /You chose pathway fit/);
  await screenshot(page, 'model-fit');
  await assertAccessible(page, 'Model (fit)');

  await goTo(page, 'triage');
  await page.fill('#from-row', '2');
  await page.click('button:has-text("Fill")');
  await page.click('button:has-text("Suggest a pathway")');
  await page.waitForSelector('#suggestion-title');
  assert.match(await page.textContent('#suggestion-title'), /^Suggested: .+ \(chance of success if referred: (\d+%|little evidence)\)$/);
  assert.doesNotMatch(await page.textContent('.suggestion'), /confidence/i);
  assert.match(await page.textContent('#prediction-set'), /90% set: .+ held the pathway that worked/);
  await screenshot(page, 'triage-fit');
  await assertAccessible(page, 'Triage (fit)');

  const header = 'referral_id,risk_level,housing_stable,support_network_strength,previous_service_completion,mental_health_needs,substance_use_needs,employment_needs,crisis_indicators,ready_for_group_work,months_since_last_service';
  const rows = [];
  for (let i = 0; i < 20; i += 1) {
    const yn = (k) => ((i * 7 + k * 3) % 5 < 2 ? 'yes' : 'no');
    rows.push([`N${i}`, 1 + (i % 5), yn(1), 1 + ((i * 3) % 5), yn(2), yn(3), yn(4), yn(5), yn(6), yn(7), (i * 5) % 30].join(','));
  }
  const file = join(tmp, 'new.csv');
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  await goTo(page, 'batch');
  await page.setInputFiles('#batch-file', file);
  await page.waitForSelector('#batch-result', { timeout: TRAIN_TIMEOUT });
  assert.match(await page.textContent('table'), /Chance of success if referred/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download results (CSV)')]);
  const out = join(tmp, 'scored.csv');
  await download.saveAs(out);
  const first = readFileSync(out, 'utf8').split('\n')[0];
  assert.match(first, /^row,id,suggested,chance_of_success,alternative,alternative_chance_of_success,prediction_set_90,flags/);
});
