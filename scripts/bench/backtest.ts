/**
 * Forecast benchmark (issue 3, item 2): the backtest table of `ot3c forecast backtest` (synthetic series with
 * known truth, calibrated on seed 1 and reported on held-out seed 2, plus the simulator scenario), the issue's
 * targets as pass/fail, and the time `forecastResources` takes for 100,000 resources. Ends with the JSON line.
 *
 * `BENCH_SERIES`, `BENCH_SEED`, `BENCH_RESOURCES` change the set sizes.
 */
import { backtestSuite, formatSuite } from "../../src/cli/commands/forecast.ts";
import { forecastResources } from "../../src/engine/forecast/index.ts";
import { asVirtual } from "../../src/engine/forecast/backtest.ts";
import { generatePortfolios } from "../../src/engine/forecast/synthetic.ts";
import { MODEL_NAMES } from "../../src/engine/forecast/models/index.ts";
import { check, report, type BenchCheck } from "./report.ts";

const series = Number(process.env.BENCH_SERIES ?? 300);
const seed = Number(process.env.BENCH_SEED ?? 2);
const resources = Number(process.env.BENCH_RESOURCES ?? 100_000);

let t = performance.now();
const suite = await backtestSuite({ series, seed, portfolios: 100, sim: true });
console.log(await formatSuite(suite));
console.log(`(backtest ran in ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);

const checks: BenchCheck[] = [];
for (const target of suite.targets) {
  if (target.name.includes("coverage")) checks.push(check(target.name, target.value, "", ">=", 0.75), check(target.name, target.value, "", "<=", 0.85));
  else checks.push(check(target.name, target.value, "×", "<=", target.name.includes("steady-state") ? 0.5 : 0.8));
}

// --- speed: one forecast run over a large project -----------------------------------------------------------------
t = performance.now();
const [members] = generatePortfolios(1, resources, resources, 7);
const roots = members.map(asVirtual);
const period = members[0].period;
const lastCompleteDay = period.startDate.slice(0, 8) + "12";
console.log(`generated ${resources} resources with ${roots.reduce((a, r) => a + r.daily.days.length, 0)} daily records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const timings: Record<string, number> = {};
for (const model of MODEL_NAMES) {
  forecastResources({ roots: roots.slice(0, 1000), period, lastCompleteDay, model }); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    forecastResources({ roots, period, lastCompleteDay, model });
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  timings[model] = Math.round(runs[1]);
  console.log(`forecastResources ${model.padEnd(13)} ${resources} resources: median of 3 ${timings[model]} ms`);
}
checks.push(check(`forecastResources ensemble, ${resources} resources`, timings.ensemble / 1000, "s", "<=", 2));

report("backtest", checks, {
  seed,
  calibrationSeed: suite.report.calibrationSeed,
  inSample: suite.report.inSample,
  resources: suite.report.resources,
  totals: suite.report.totals,
  sim: suite.sim ? { resources: suite.sim.resources, period: suite.sim.period, rows: suite.sim.rows } : null,
  forecastMs: timings,
});
