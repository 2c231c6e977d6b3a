// End-to-end browser benchmark of the Batch screen: train the demo model,
// score a file of 10,000 new referrals, then add the top three reasons to
// every row (shared among one worker per core, at most four), timed from the
// click to the table.
//   scripts/build.sh && python3 -m http.server 8765 --bind 127.0.0.1 --directory dist &
//   target/release/signpost demo referrals --rows 10000 --seed 7 > /tmp/new-referrals.csv
//   BASE_URL=http://127.0.0.1:8765 node bench/batch-reasons.mjs /tmp/new-referrals.csv
import { launch, BASE } from '../tests/browser/helpers.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/batch-reasons.mjs FILE.csv (see the header of this script)');
  process.exit(2);
}
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${BASE}/#demo`);
await page.waitForSelector('#quality-title', { timeout: 60_000 });
// Builds with the instant demo finish it before we train (older ones have none).
await page.waitForSelector('text=Demo ready', { timeout: 15_000 }).catch(() => {});
await page.click('nav a[href="#model"]');
await page.click('button:has-text("Train model")');
await page.waitForSelector('#verdict', { timeout: 180_000 });
await page.click('nav a[href="#batch"]');
const cores = await page.evaluate(() => navigator.hardwareConcurrency);

// Twice: the first time also compiles the worker's WebAssembly.
const name = file.split('/').pop();
const score = async () => {
  const begun = Date.now();
  await page.setInputFiles('#batch-file', file);
  await page.waitForFunction((n) => document.querySelector('#batch-result')?.textContent.startsWith(n), name, { timeout: 600_000 });
  return Date.now() - begun;
};
const scored = await score();
const again = await score();
const heading = await page.textContent('#batch-result');

const start = Date.now();
await page.click('text=Add the top three reasons to every row');
await page.waitForSelector('#top-reasons', { timeout: 1_800_000 });
const reasons = Date.now() - start;
await browser.close();

console.log(heading);
console.table([
  { what: 'score the file (one worker, includes reading it), first time', ms: scored },
  { what: 'score the same file again', ms: again },
  { what: `add the top three reasons to every row (${cores} cores reported)`, ms: reasons },
]);
