/**
 * `ot3c forecast backtest`: the forecast models' month-end accuracy on synthetic series with known truth and on
 * the simulator's scenario, with the issue's targets marked pass/fail. Implementation loads lazily.
 */
import { InvalidArgumentError, type Command } from "commander";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

export interface BacktestSuiteOptions {
  series: number;
  seed: number;
  portfolios: number;
  sim: boolean;
}

/** Everything the command (and scripts/bench/backtest.ts) prints, as one object. */
export async function backtestSuite(o: BacktestSuiteOptions) {
  const bt = await import("../../engine/forecast/backtest.ts");
  const report = bt.runBacktest({ series: o.series, seed: o.seed, portfolios: o.portfolios });
  const targets = bt.checkTargets(report.resources);
  let sim: { scenario: string; period: string; resources: number; rows: ReturnType<typeof bt.backtestDailySeries> } | undefined;
  if (o.sim) {
    const { generateScenario } = await import("../../sim/scenario/index.ts");
    const { monthPeriodOf } = await import("../../engine/forecast/dates.ts");
    // History ends on 2026-09-30 (the scenario's "yesterday"), so September is a complete target month with 6+
    // weeks of history before it.
    const scenario = generateScenario({ seed: o.seed, now: Date.UTC(2026, 9, 1, 10), days: 75 });
    const items = bt.dailyByResource(scenario.world.costs);
    const period = monthPeriodOf("2026-09-01");
    sim = { scenario: `generateScenario({seed: ${o.seed}, days: 75})`, period: period.startDate, resources: items.length, rows: bt.backtestDailySeries(items, period) };
  }
  return { report, targets, sim };
}

export async function formatSuite(suite: Awaited<ReturnType<typeof backtestSuite>>): Promise<string> {
  const bt = await import("../../engine/forecast/backtest.ts");
  const lines = [bt.formatReport(suite.report), "", "Targets (per resource, held-out seed):"];
  for (const t of suite.targets) lines.push(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name} = ${t.value.toFixed(3)} (${t.limit})`);
  if (suite.sim) {
    const days = suite.report.days;
    lines.push("", `Simulator scenario ${suite.sim.scenario}, ${suite.sim.resources} resources, target month ${suite.sim.period}:`);
    lines.push(bt.formatRows("Per resource:", suite.sim.rows.resources, days));
    lines.push(bt.formatRows("Project total (one series: coverage is 0 or 100 %):", suite.sim.rows.totals, days));
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  const forecast = program.command("forecast").description("month-end forecast models");
  forecast
    .command("backtest")
    .description("backtest the forecast models (MAPE at day 5/10/20, bias, P10–P90 coverage) against the targets")
    .option("--series <n>", "synthetic series", (v) => parsePositive(v, "--series"), 300)
    .option("--seed <s>", "seed of the reported set (the intervals are calibrated on seed 1)", (v) => parsePositive(v, "--seed"), 2)
    .option("--portfolios <n>", "synthetic projects for the total's accuracy", (v) => parsePositive(v, "--portfolios"), 100)
    .option("--no-sim", "skip the simulator scenario")
    .addOption(outputOption())
    .action(async (opts: { series: number; seed: number; portfolios: number; sim: boolean; output: OutputFormat }) => {
      const suite = await backtestSuite(opts);
      const text = await formatSuite(suite);
      await printOutput(opts.output, suite, () => text);
    });
}

function parsePositive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer`);
  return n;
}
