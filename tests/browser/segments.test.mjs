// Issue 7 journey: on the demo, find groups in the worker with the default
// settings, read the chosen k, the profiles and the picture, check
// accessibility, then send the segments to the simulator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertAccessible, goTo, screenshot, sharedDemoPage,
} from './helpers.mjs';

const JOB_TIMEOUT = 120_000;
const shared = sharedDemoPage();

test('find groups with the default settings: chosen k, profiles, picture', async () => {
  const { page } = shared;
  await goTo(page, 'segments');
  await page.waitForSelector('#segment-run');
  // Protected columns are off by default.
  assert.equal(await page.isChecked('#segment-col-gender'), false);
  assert.equal(await page.isChecked('#segment-k-auto'), true);
  assert.equal(await page.inputValue('#segment-k-lo'), '2');
  assert.equal(await page.inputValue('#segment-k-hi'), '8');
  await page.click('#segment-run');
  await page.waitForSelector('#segment-chosen-k', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#segment-chosen-k'), /Chosen number of groups: \d+/);
  assert.match(await page.textContent('#segment-silhouettes'), /Yes \(chosen\)/);
  const profiles = await page.$$('article.segment-profile');
  assert.ok(profiles.length >= 2, 'at least two segment profiles');
  assert.match(await page.textContent('#segment-0-title'), /Segment 1/);
  assert.match(await page.textContent('article.segment-profile'), /referrals, \d+% of all/);
  assert.match(await page.textContent('article.segment-profile'), /Audit/);
  const picture = await page.$('#segment-picture svg[role="img"]');
  assert.ok(picture, 'the scatter picture is an svg with role img');
  assert.match(await picture.getAttribute('aria-label'), /Segment 1 \(circle\): \d+ points/);
  await screenshot(page, 'segments');
  await assertAccessible(page, 'Segments');
});

test('use the segments in the simulator', async () => {
  const { page } = shared;
  await page.click('#segment-send');
  await page.waitForFunction(() => location.hash === '#simulator', null, { timeout: 30_000 });
  await page.waitForFunction(
    () => /Segment 1/.test(document.body.innerText) || /groups sent to the simulator/.test(document.body.innerText),
    null,
    { timeout: 30_000 },
  );
  const text = await page.textContent('body');
  assert.ok(/Segment 1/.test(text) || /groups sent to the simulator/.test(text),
    'the simulator shows the segment groups or the hand-over notice');
});
