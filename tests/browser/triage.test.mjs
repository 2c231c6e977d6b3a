// Issues 3 and 4 journeys: train the demo model in the worker, read the
// report, keep it over a reload, export and import it; suggest for one
// referral with reasons and a set, override with a reason, find the decision
// in the log after a reload; batch-score a file and download the CSV.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertAccessible, goTo, screenshot, sharedDemoPage,
} from './helpers.mjs';

const TRAIN_TIMEOUT = 180_000;
// Pinned natively in tests/it/platform.rs.
const DEMO_FOREST_FINGERPRINT = '451ae9bb58b25865';
const shared = sharedDemoPage(); // one page through the whole journey: each step builds on the last
const tmp = mkdtempSync(join(tmpdir(), 'signpost-triage-'));

test('train the demo model: progress, verdict, confusion matrix; it survives a reload', async () => {
  const { page } = shared;
  await goTo(page, 'model');
  // Protected columns are off by default.
  assert.equal(await page.isChecked('#feature-gender'), false);
  assert.equal(await page.isChecked('#feature-risk_level'), true);
  // Training the demo takes about a second, so record whether the progress
  // bar (with its stage and Cancel button) appeared at any moment.
  await page.evaluate(() => {
    window.sawProgress = '';
    new MutationObserver(() => {
      const bar = document.querySelector('.progress');
      if (bar && bar.querySelector('progress') && bar.querySelector('button')) window.sawProgress = bar.textContent;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await page.click('button:has-text("Train model")');
  await page.waitForSelector('#verdict', { timeout: TRAIN_TIMEOUT });
  assert.match(await page.textContent('#verdict'), /balanced accuracy/i);
  assert.match(await page.evaluate(() => window.sawProgress), /Training/);
  assert.ok(await page.$('table.heatmap'), 'the confusion matrix is shown');
  await screenshot(page, 'model');
  await assertAccessible(page, 'Model');
  await page.waitForSelector('text=Saved in this browser');
  await page.reload();
  await page.waitForSelector('#verdict');
});

test('the same seed trains the same forest in the browser as natively', async () => {
  // The demo model trained above, in the worker's WebAssembly; the value is
  // pinned natively in tests/it/platform.rs (DEMO_FOREST_FINGERPRINT).
  const fingerprint = await shared.page.textContent('#model-fingerprint');
  assert.equal(fingerprint, DEMO_FOREST_FINGERPRINT);
});

test('export the model, refuse a tampered copy, import the good one', async () => {
  const { page } = shared;
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export model')]);
  const good = join(tmp, 'model.json');
  await download.saveAs(good);
  const tampered = join(tmp, 'tampered-model.json');
  writeFileSync(tampered, readFileSync(good, 'utf8').replace('"pathways":[', '"pathways":["Extra",'));
  await page.setInputFiles('#import-model', tampered);
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /not imported/);
  await page.setInputFiles('#import-model', good);
  await page.waitForSelector('text=Imported the model.');
});

test('one referral: suggestion, reasons, set; an override needs a reason; the decision is logged', async () => {
  const { page } = shared;
  await goTo(page, 'triage');
  await page.fill('#from-row', '2');
  await page.click('button:has-text("Fill")');
  await page.click('button:has-text("Suggest a pathway")');
  await page.waitForSelector('#suggestion-title');
  assert.match(await page.textContent('#suggestion-title'), /^Suggested: .+ \(\d+% confidence\)$/);
  assert.equal(await page.$$eval('#reasons li', (items) => items.length), 3);
  assert.match(await page.textContent('#reasons'), /points (toward|away from)/);
  assert.match(await page.textContent('#prediction-set'), /90% prediction set/);
  await screenshot(page, 'triage');
  await assertAccessible(page, 'Triage');

  // Choose another pathway: recording without a reason is refused.
  const suggested = (await page.textContent('#suggestion-title')).replace(/^Suggested: /, '').replace(/ \(\d+% confidence\)$/, '');
  const other = await page.$$eval('#decided option', (options, s) => options.map((o) => o.value).find((v) => v !== s), suggested);
  await page.selectOption('#decided', other);
  await page.click('button:has-text("Record decision (override)")');
  await page.waitForSelector('.decision .notice.error');
  assert.match(await page.textContent('.decision .notice.error'), /reason/);
  await page.selectOption('#override-reason', "Person's own preference");
  await page.fill('#override-text', 'Prefers to start in a group');
  await page.click('button:has-text("Record decision (override)")');
  // The demo starts with 8 example decisions (src/instant_demo.rs).
  await page.waitForSelector('text=Recorded as decision #9.');
  await page.waitForSelector('text=Saved in this browser');

  await page.reload();
  await page.waitForSelector('main');
  await goTo(page, 'decisions');
  const log = await page.textContent('#decision-log');
  assert.match(log, new RegExp(`${other} \\(override\\)`));
  assert.match(log, /Person's own preference: Prefers to start in a group/);
  await screenshot(page, 'decisions');
  await assertAccessible(page, 'Decisions');
});

test('batch: score a file in the worker, list the bad row, download the CSV', async () => {
  const { page } = shared;
  const header = 'referral_id,risk_level,housing_stable,support_network_strength,previous_service_completion,mental_health_needs,substance_use_needs,employment_needs,crisis_indicators,ready_for_group_work,months_since_last_service';
  const rows = [];
  for (let i = 0; i < 40; i += 1) {
    const yn = (k) => ((i * 7 + k * 3) % 5 < 2 ? 'yes' : 'no');
    rows.push([`N${i}`, 1 + (i % 5), yn(1), 1 + ((i * 3) % 5), yn(2), yn(3), yn(4), yn(5), yn(6), yn(7), (i * 5) % 30].join(','));
  }
  rows.push('N-empty,,,,,,,,,,'); // nothing known: listed, not scored
  const file = join(tmp, 'new-referrals.csv');
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  await goTo(page, 'batch');
  await page.setInputFiles('#batch-file', file);
  await page.waitForSelector('#batch-result', { timeout: TRAIN_TIMEOUT });
  assert.match(await page.textContent('#batch-result'), /40 referrals scored, 1 could not be/);
  assert.match(await page.textContent('#batch-problems + ul'), /row 42/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download results (CSV)')]);
  const out = join(tmp, 'scored.csv');
  await download.saveAs(out);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, 41);
  assert.match(lines[0], /^row,id,suggested,confidence/);
  assert.doesNotMatch(lines[0], /reason/, 'no empty reason columns before reasons are worked out');

  await screenshot(page, 'batch-scored');
  // Reasons are a second step: the same file, now with the top three reasons.
  await page.click('text=Add the top three reasons to every row');
  await page.waitForSelector('#top-reasons', { timeout: TRAIN_TIMEOUT });
  assert.match(await page.textContent('tbody'), /points (toward|away from)/);
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('text=Download results with reasons (CSV)')]);
  const withReasons = join(tmp, 'scored-with-reasons.csv');
  await again.saveAs(withReasons);
  const reasoned = readFileSync(withReasons, 'utf8').trim().split('\n');
  assert.equal(reasoned.length, 41);
  assert.match(reasoned[0], /,reason_1,reason_2,reason_3$/);
  assert.match(reasoned[1], /points (toward|away from)/);

  // Review a row in Triage: it opens filled in with its suggestion; coming
  // back, the scored table is still there.
  await page.click('button[aria-label="Review N3 in Triage and record the decision"]');
  await page.waitForSelector('#suggestion-title');
  assert.equal(await page.evaluate(() => location.hash), '#triage');
  assert.match(await page.textContent('main'), /Referral: N3/);
  assert.equal(await page.inputValue('#in-risk_level'), '4');
  assert.match(await page.textContent('#reasons'), /points (toward|away from)/);
  await goTo(page, 'batch');
  await page.waitForSelector('#top-reasons');
  assert.match(await page.textContent('#batch-result'), /40 referrals scored/);
  await screenshot(page, 'batch');
  await assertAccessible(page, 'Batch');
});
