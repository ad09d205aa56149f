/**
 * `ot3c list`: sync (OTC inventory + the period's costs and the forecast's history), evaluate, and print the seed's
 * tree of virtual resources with prio, tags, cost so far and forecast, then totals and budget left. Progress goes to
 * stderr so `--output json` leaves stdout clean; a failed sync prints why and exits 1 without a partial list.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";
import { addScopeOptions, type ScopeChoice } from "../scope-options.ts";

export function register(program: Command): void {
  const list = program
    .command("list")
    .description("virtual-resource tree with prio, owner, cost so far and forecast; totals and budget left")
    .addOption(outputOption());
  addScopeOptions(list).action(async (opts: { output: OutputFormat } & ScopeChoice, cmd: Command) => {
      const [{ loadConfigFromGlobals }, sources, { evaluate, optionsFromConfig }, { listDocument, renderListText }, scope] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../providers/sources.ts"),
        import("../../engine/pipeline.ts"),
        import("../render/resources.ts"),
        import("../scope-filter.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      const choice = scope.choiceOf(opts);
      const badBudget = scope.unknownChoice(choice, scope.budgetNames(config), undefined);
      if (badBudget) return scope.usageError(badBudget);
      const cloud = sources.createCloudSources(config);
      const now = Date.now();
      const data = await sources.syncAll(cloud.inventory, sources.costRange(now, config), (line) => process.stderr.write(`ot3c: ${line}\n`));
      const ev = evaluate({ resources: data.resources, costs: data.costs, options: optionsFromConfig(config), now });
      const home = scope.homeOf(config);
      const badProject = scope.unknownChoice(choice, scope.budgetNames(config), scope.knownProjects(ev.roots, home));
      if (badProject) return scope.usageError(badProject);
      const budgetsOfRoot = (id: string) => ev.budgets?.budgetsOf({ vrId: id }) ?? ["all"];
      const doc = listDocument({
        project: (await import("../../config/project-label.ts")).projectLabel(config),
        period: ev.period,
        currency: config.currency,
        roots: ev.roots.filter((r) => scope.rootShown(choice, r, home, budgetsOfRoot)),
        forecasts: ev.forecasts,
        budget: ev.budget,
        excluded: ev.excluded,
        ...(choice.budget !== undefined || choice.project !== undefined ? { filter: choice } : {}),
        ...(ev.budgets ? { budgets: scope.budgetsDocument(ev.budgets.states) } : {}),
      });
      await printOutput(opts.output, doc, () => renderListText(doc, { width: process.stdout.columns ?? 120 }));
    });
}
