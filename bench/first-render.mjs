// First render on localhost, and what the first screen fetches: a fresh
// browser context (nothing cached) opens the Start screen; prints the time
// from navigation to the screen being drawn, each file fetched by then with
// its size and gzipped size (gzip -9, what a static host would serve), and
// their totals. Median of 5 fresh contexts for the time.
//   scripts/build.sh && python3 -m http.server 8765 --bind 127.0.0.1 --directory dist &
//   BASE_URL=http://127.0.0.1:8765 node bench/first-render.mjs [DIST]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, BASE } from '../tests/browser/helpers.mjs';

const dist = process.argv[2] ?? 'dist';
const browser = await launch();
const times = [];
let files = [];
for (let i = 0; i < 5; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  page.on('requestfinished', (request) => fetched.push(new URL(request.url()).pathname));
  const start = Date.now();
  await page.goto(`${BASE}/#start`);
  await page.waitForSelector('#import-file', { timeout: 60_000 });
  times.push(Date.now() - start);
  if (i === 0) files = [...new Set(fetched)];
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
let raw = 0;
let gz = 0;
const rows = files.map((path) => {
  const name = path === '/' ? 'index.html' : path.slice(1);
  const bytes = readFileSync(join(dist, name));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  return { file: name, bytes: bytes.length, gzipped: zipped };
});
console.table(rows);
console.log(`fetched before the first screen: ${(raw / 1e6).toFixed(2)} MB, ${(gz / 1e6).toFixed(3)} MB gzipped`);
console.log(`first render (navigation to the Start screen drawn), median of 5 fresh contexts: ${times[2]} ms [${times.join(', ')}]`);
