// Browser benchmark of flows (issue 11): discovery of a 1,000,000-stay demo
// event log and the back-test of the demo log with 20 replications, each in
// this page's WebAssembly (src/ui/bench.rs says exactly what is timed).
//   scripts/build.sh --bench && python3 -m http.server 8603 --bind 127.0.0.1 --directory dist &
//   BASE_URL=http://127.0.0.1:8603 node bench/flows-browser.mjs [runs]
import { launch, BASE } from '../tests/browser/helpers.mjs';

const runs = Number(process.argv[2] || 3);
const steps = ['rules', 'stays', 'series', 'moves', 'segments', 'move model'];
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${BASE}/#start`);
await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.bench_flows_discover, null, { timeout: 60_000 });
const run = (name, ...args) => page.evaluate(([n, a]) => Array.from(window.wasmBindings[n](...a)), [name, args]);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => Number(v).toFixed(0);

const discover = [];
for (let i = 0; i < runs; i += 1) discover.push(await run('bench_flows_discover', 290_000));
const [, , , stays, people] = discover[0];
const rows = [];
const col = (i) => median(discover.map((d) => d[i]));
rows.push({ what: `read the log + full discovery, ${stays} stays, ${people} people (median of ${runs})`, ms: ms(col(0)), goal: '< 3,000 ms' });
rows.push({ what: '  reading the log from the imported table', ms: ms(col(1)), goal: '' });
rows.push({ what: '  discovery (all steps)', ms: ms(col(2)), goal: '' });
steps.forEach((step, i) => rows.push({ what: `    ${step}`, ms: ms(col(5 + i)), goal: '' }));
console.log(`discovery runs (ms): ${discover.map((d) => ms(d[0])).join(', ')}`);

const backtests = [];
for (let i = 0; i < runs; i += 1) backtests.push(await run('bench_flows_backtest', 20));
rows.push({ what: `back-test of the demo log, 20 replications (median of ${runs}; error ${(backtests[0][1] * 100).toFixed(1)}%)`, ms: ms(median(backtests.map((b) => b[0]))), goal: '< 2,000 ms' });
console.log(`back-test runs (ms): ${backtests.map((b) => ms(b[0])).join(', ')}`);
console.table(rows);
await browser.close();
