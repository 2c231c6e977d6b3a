// Shared set-up for the browser tests: Debian's Chromium through
// playwright-core, a record of every request, page errors and dialogs, and
// an axe-core accessibility check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8765';
export const TEST_DATA = new URL('../data/', import.meta.url).pathname;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh context and page that record requests, errors and dialogs. */
export async function openPage(browser, path = '/') {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('worker', (worker) => worker.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`worker console: ${msg.text()}`);
  }));
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /panicked/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', async (dialog) => {
    errors.push(`unexpected dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.goto(BASE + path);
  await page.waitForSelector('main');
  await page.waitForFunction(() => !document.body.innerText.includes('Opening your workspace'));
  // `#demo` builds its model, decisions, groups and simulation in the worker:
  // wait for them so that no step races the demo replacing the workspace.
  if (path === '/#demo') await page.waitForSelector('text=Demo ready', { timeout: 60_000 });
  return { context, page, requests, errors };
}

/** Every request went to the page's own server on 127.0.0.1. */
export function assertOnlyLocalRequests(requests) {
  assert.ok(requests.length > 0, 'the test saw no request at all: the recorder is broken');
  for (const url of requests) {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') continue;
    assert.equal(hostname, '127.0.0.1', `request left the machine: ${url}`);
  }
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], 'page errors, panics or dialogs appeared');
}

/** axe-core on the current page: zero violations. */
export async function assertAccessible(page, label) {
  // evaluate() runs through the debugging protocol, so the page's CSP (which
  // rightly forbids injected scripts) does not block axe.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')})`);
  });
  assert.deepEqual(violations, [], `accessibility violations on ${label}`);
}

export async function goTo(page, slug) {
  await page.click(`nav a[href="#${slug}"]`);
  await page.waitForFunction((s) => location.hash === `#${s}`, slug);
  // The hash changes before the page redraws: the screen is drawn in the
  // same render that marks its link as the current page.
  await page.waitForSelector(`nav a[href="#${slug}"][aria-current="page"]`);
}

export async function screenshot(page, name) {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png`, fullPage: true });
  }
}

/**
 * One `#demo` page shared by every test of a file: opened before them (once
 * the demo's data screen shows), and checked for requests off the machine and
 * page errors after them. Tests read `shared.page`.
 */
export function sharedDemoPage({ timeout } = {}) {
  const shared = {};
  let browser;
  before(async () => {
    browser = await launch();
    Object.assign(shared, await openPage(browser, '/#demo'));
    await shared.page.waitForSelector('#quality-title', timeout ? { timeout } : undefined);
  });
  after(async () => {
    assertOnlyLocalRequests(shared.requests);
    assertNoErrors(shared.errors);
    await browser?.close();
  });
  return shared;
}
