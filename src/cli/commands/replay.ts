/**
 * `ot3c replay`: what enforcement would do over a whole billing period (src/replay), for a generated scenario or
 * for the operator's own data (`dump-data` CSV + `list --output json`). Planner, quantile, model, grace, billing
 * start and currency come from the operator's ot3c.yaml when one is found; the budget from `--budget`, the
 * config's `target-budget` (own data only) or `--cut`. Implementation loads lazily.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

interface ReplayOpts {
  scenario: string;
  seed: number;
  month?: string;
  inventory?: string;
  costs?: string;
  resources?: number;
  budget?: number;
  cut: number;
  lagHours: number;
  syncEvery: number;
  vetoShare: number;
  planner?: "classic" | "optimal";
  maxTerminations?: number;
  ladder?: boolean;
  output: OutputFormat;
}

export function register(program: Command): void {
  program
    .command("replay")
    .description("replay a whole billing period on a virtual clock: gap, items, month-end spend vs budget, excess cut, violations")
    .option("--scenario <name>", "generated scenario: default, demo or large", "default")
    .option("--seed <n>", "scenario seed", (v) => int(v, "--seed", 1), 1)
    .option("--month <YYYY-MM>", "the billing period to replay (default: the current one; own data: the one after the newest record)", month)
    .option("--inventory <file>", "own data: the JSON of `ot3c list --output json`")
    .option("--costs <file>", "own data: the CSV of `ot3c dump-data`")
    .option("--resources <n>", "scenario size: about this many resources", (v) => int(v, "--resources", 10))
    .option("--budget <amount>", "target budget (default: --cut below what the period costs untouched)", (v) => num(v, "--budget"))
    .option("--cut <percent>", "budget this many percent under the untouched month-end", (v) => num(v, "--cut"), 15)
    .option("--lag-hours <h>", "hours after a day ends before its cost data appears", (v) => num(v, "--lag-hours"), 24)
    .option("--sync-every <h>", "hours between syncs", (v) => num(v, "--sync-every"), 24)
    .option("--veto-share <x>", "share 0..1 of new items a simulated operator vetoes", (v) => num(v, "--veto-share"), 0)
    .addOption(new Option("--planner <mode>", "override planner.mode").choices(["classic", "optimal"]))
    .option("--max-terminations <n>", "override max-terminations-per-run", (v) => int(v, "--max-terminations", 1))
    .option("--ladder", "replay the scenario month twice with the same budget: delete-only vs the ladder (office hours, park, snapshot-delete, delete)")
    .addOption(outputOption())
    .action(async (opts: ReplayOpts, cmd: Command) => {
      if ((opts.inventory === undefined) !== (opts.costs === undefined)) throw new InvalidArgumentError("--inventory and --costs go together (own data)");
      if (opts.ladder && opts.inventory) throw new InvalidArgumentError("--ladder replays a generated scenario (its office-hours servers are read from the scenario's history)");
      if (opts.vetoShare < 0 || opts.vetoShare > 1) throw new InvalidArgumentError("--veto-share must be between 0 and 1");
      const [{ replayOwnData, replayScenario, renderReplayText, replayDocument }, { loadOptionalConfig }] = await Promise.all([
        import("../../replay/index.ts"),
        import("./replay-config.ts"),
      ]);
      const config = await loadOptionalConfig(globalsOf(cmd));
      const options = {
        quantile: config?.forecast.quantile ?? "p50",
        model: config?.forecast.model ?? "ensemble",
        plannerMode: opts.planner ?? config?.planner.mode ?? "optimal",
        graceMs: config?.terminationGraceMs ?? 24 * 3_600_000,
        billingBeginDay: config?.billingBeginDay ?? 1,
        currency: config?.currency ?? "EUR",
        ...(config?.instance ? { instance: config.instance } : {}),
      } as const;
      const common = {
        options: { ...options, ...(opts.budget !== undefined ? { targetBudget: opts.budget } : {}) },
        cut: opts.cut / 100,
        // The operator's brake when there is a config; a generated scenario without one replays without a brake
        // (a default of 10 would hold every due item of a project this size, and the replay would show nothing).
        maxTerminationsPerRun: opts.maxTerminations ?? config?.maxTerminationsPerRun ?? null,
        brakeFrom: (opts.maxTerminations !== undefined ? "flag" : config ? "config" : "none") as "config" | "flag" | "none",
        lagHours: opts.lagHours,
        syncEveryHours: opts.syncEvery,
        vetoShare: opts.vetoShare,
        seed: opts.seed,
        noise: 0.03,
        // `budgets:` of the operator's config: planned together and reported one by one (src/replay/scopes.ts).
        ...(config?.budgets ? { budgets: config.budgets, home: { id: config.otc.projectId, name: config.otc.projectName, region: config.otc.region } } : {}),
      };
      let report;
      if (opts.inventory && opts.costs) {
        const { readFileSync } = await import("node:fs");
        const own = { ...common, options: { ...common.options, ...(opts.budget === undefined && config ? { targetBudget: config.targetBudget } : {}) } };
        report = await replayOwnData({ ...own, inventoryJson: readFileSync(opts.inventory, "utf8"), costsCsv: readFileSync(opts.costs, "utf8"), ...(opts.month ? { month: opts.month } : {}) });
      } else {
        const preset = opts.scenario;
        if (preset !== "default" && preset !== "demo" && preset !== "large") throw new InvalidArgumentError(`unknown scenario "${preset}" (default, demo, large)`);
        const { currentMonth, scenarioSize } = await import("./replay-config.ts");
        if (opts.ladder) {
          const { compareLadderScenario, renderLadderText } = await import("../../replay/index.ts");
          const c = await compareLadderScenario({ ...common, scenario: preset, month: opts.month ?? currentMonth(), ...(opts.resources ? { scenarioOverrides: scenarioSize(opts.resources) } : {}) });
          await printOutput(opts.output, { version: 1, ladder: c }, () => renderLadderText(c));
          if (c.deleteOnly.violations.length + c.ladder.violations.length > 0) process.exitCode = 1;
          return;
        }
        report = await replayScenario({ ...common, scenario: preset, month: opts.month ?? currentMonth(), ...(opts.resources ? { scenarioOverrides: scenarioSize(opts.resources) } : {}) });
      }
      await printOutput(opts.output, replayDocument(report), () => renderReplayText(report));
      if (report.violations.length > 0) process.exitCode = 1;
    });
}

function int(v: string, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}`);
  return n;
}

function num(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number ≥ 0`);
  return n;
}

function month(v: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new InvalidArgumentError("--month must be YYYY-MM");
  return v;
}
