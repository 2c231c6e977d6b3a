// Issue 15 §2: offline once loaded. The page is served from a copy of dist/
// by a server this test runs (so it can deploy a "new build" at the same
// origin): load it once, go offline, reload, import a file, train, suggest
// and simulate; then back online with a new build, the page offers to reload.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAccessible, assertNoErrors, assertOnlyLocalRequests, goTo, launch, screenshot,
} from './helpers.mjs';

const DIST = process.env.DIST ?? new URL('../../dist/', import.meta.url).pathname;
const JOB_TIMEOUT = 180_000;
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain',
};

let browser;
let server;
let base;
const site = mkdtempSync(join(tmpdir(), 'signpost-offline-'));

before(async () => {
  cpSync(DIST, site, { recursive: true });
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(site, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Referrals shaped like the demo's: the pathway follows the needs, mostly. */
function referrals(rows) {
  const lines = ['referral_id,risk_level,housing_stable,crisis_indicators,ready_for_group_work,employment_needs,pathway_allocated,outcome_success'];
  for (let i = 0; i < rows; i += 1) {
    const risk = 1 + ((i * 7) % 5);
    const crisis = risk >= 4 && i % 3 === 0;
    const group = (i * 5) % 7 < 3;
    const work = (i * 3) % 4 === 0;
    let pathway = crisis ? 'Crisis intervention' : group ? 'Peer support group' : risk >= 3 ? 'One-to-one support' : 'Signposting';
    if (i % 9 === 0) pathway = 'Signposting';
    const success = (i * 11) % 10 < (pathway === 'Signposting' && risk >= 3 ? 4 : 7);
    lines.push([`R${i}`, risk, i % 4 ? 'yes' : 'no', crisis ? 'yes' : 'no', group ? 'yes' : 'no', work ? 'yes' : 'no', pathway, success ? 'yes' : 'no'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

test('after one visit the page works offline: import, train, suggest, simulate; a new build offers to reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Offline, the browser logs the failed update check of sw.js itself.
    if ((msg.type() === 'error' && !/sw\.js|ERR_INTERNET_DISCONNECTED/.test(msg.text())) || /panicked/.test(msg.text())) {
      errors.push(`console: ${msg.text()}`);
    }
  });

  // First visit, online: the service worker installs and takes control.
  await page.goto(`${base}/#start`);
  await page.waitForSelector('main');
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return Boolean(registration.active) && Boolean(navigator.serviceWorker.controller);
  }, null, { timeout: 60_000 });
  const manifest = await page.getAttribute('link[rel=manifest]', 'href');
  assert.equal(manifest, 'manifest.webmanifest');

  // Offline: reload and do a whole journey.
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('main');
  await page.waitForFunction(() => !document.body.innerText.includes('Opening your workspace'));
  const csv = join(site, '..', `offline-referrals-${process.pid}.csv`);
  writeFileSync(csv, referrals(300));
  await page.setInputFiles('#import-file', csv);
  await page.waitForSelector('#quality-title', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('main'), /300 rows/);

  await goTo(page, 'model');
  await page.click('button:has-text("Train model")');
  await page.waitForSelector('#verdict', { timeout: JOB_TIMEOUT });

  await goTo(page, 'triage');
  await page.fill('#from-row', '2');
  await page.click('button:has-text("Fill")');
  await page.click('button:has-text("Suggest a pathway")');
  await page.waitForSelector('#suggestion-title', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#suggestion-title'), /^Suggested: /);

  await goTo(page, 'simulator');
  await page.click('#sim-run');
  await page.waitForSelector('#sim-results-table', { timeout: JOB_TIMEOUT });
  assert.match(await page.textContent('#sim-results-table'), /What-if/);
  await screenshot(page, 'offline-simulator');

  // Online again, with a new build at the same address: the page offers it.
  const swPath = join(site, 'sw.js');
  writeFileSync(swPath, readFileSync(swPath, 'utf8').replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
  assert.match(readFileSync(swPath, 'utf8'), /-next"/, 'the copy of sw.js carries a new version');
  await context.setOffline(false);
  await page.reload();
  await page.waitForSelector('#update-notice', { timeout: 60_000 });
  assert.match(await page.textContent('#update-notice'), /new version of Signpost is ready/);
  await screenshot(page, 'update-notice');
  await assertAccessible(page, 'the update notice');
  // Reloading into the new version takes it over and the notice goes.
  // The click makes the new worker take over, and the page then reloads:
  // wait for that load before reading anything from the page.
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.click('#update-notice button:has-text("Reload to update")');
  await reloaded;
  await page.waitForSelector('main');
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return registration && !registration.waiting && !document.getElementById('update-notice');
  }, null, { timeout: 60_000 });
  const version = await page.evaluate(async () => {
    const names = await caches.keys();
    return names.join(' ');
  });
  assert.match(version, /-next/);

  assertOnlyLocalRequests(requests);
  assertNoErrors(errors);
  await context.close();
});
