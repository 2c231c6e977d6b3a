// Browser benchmarks: runs each workload of src/ui/bench.rs in Debian's
// Chromium against the built site and prints the figures beside the goals.
//   scripts/build.sh --bench && python3 -m http.server 8765 --bind 127.0.0.1 --directory dist &
//   BASE_URL=http://127.0.0.1:8765 node bench/browser.mjs
// Ranking and one suggestion run in the page when deployed and are timed at
// the page's profile (opt-level "z"); the other workloads run in the worker
// (opt-level 3) when deployed: time them with
// `SIGNPOST_BENCH_PROFILE=release scripts/build.sh --bench` (BENCHMARKS.md).
import { launch, BASE } from '../tests/browser/helpers.mjs';

const browser = await launch();
const page = await browser.newPage();
await page.goto(`${BASE}/#start`);
await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.bench_import, null, { timeout: 60_000 });
const run = (name, ...args) => page.evaluate(([n, a]) => window.wasmBindings[n](...a), [name, args]);
const median = async (times, f) => {
  const values = [];
  for (let i = 0; i < times; i += 1) values.push(await f());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
};
const rows = [];
const add = (what, ms, goal) => rows.push({ what, ms: Number(ms).toFixed(1), goal });

add('import 100,000 x 15 + quality report', await median(3, () => run('bench_import', 100_000)), '< 2,000 ms');
add('forest fit, 100 trees, depth 10, 20,000 demo rows', await median(3, () => run('bench_forest_fit', 20_000)), 'no slower than scikit-learn, one thread');
const [one, batch, reasons] = await run('bench_suggest', 50, 10_000);
add('one suggestion with reasons and set', one, '< 10 ms');
add('batch of 10,000 referrals, no reasons', batch, '< 1,000 ms');
add('batch of 10,000 referrals, then the top three reasons for every row (second step)', reasons, 'recorded (reasons are asked for)');
add('rank 10,000 services for one person (with excluded list)', await median(3, () => run('bench_rank', 10_000, 50)), '< 5 ms');
add('simulate demo scenario, 1 replication (~16,000 people, 10 years)', await median(5, () => run('bench_simulate')), '< 1,000 ms');
add('segment 20,000 demo rows, k = 2..8', await median(3, () => run('bench_segment', 20_000)), 'recorded');
console.log(`forest fingerprint in the browser: ${await run('forest_fingerprint_hex')}`);
console.table(rows);
await browser.close();
