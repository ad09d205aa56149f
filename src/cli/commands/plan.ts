/**
 * `ot3c plan [--out FILE]`: sync, forecast, and the termination plan (configured planner mode and quantile) in the
 * seed's text form with its outcome. `--out FILE` writes the plan file for `ot3c exec -f` (mode 0600, written to a
 * temporary file and renamed, so a watcher never reads half a plan). The file is written even when no plan is
 * needed: an empty plan replaces an older one instead of leaving stale items to execute. Exit 0 whenever a plan
 * could be computed, whatever its outcome; 1 when the sync fails.
 *
 * Resources vetoed in this billing period (`ot3c veto`, the TUI) are read from the state DB when one exists and
 * left out, exactly as the daemon's planner does — a veto must not reappear in a hand-made plan file.
 */
import type { Config } from "../../config/types.ts";
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { addOutFile, outputOption, printOutput, type OutputFormat } from "../output.ts";
import { addScopeOptions, type ScopeChoice } from "../scope-options.ts";

export function register(program: Command): void {
  const plan = program.command("plan").addOption(outputOption());
  addOutFile(plan, "write the plan file (YAML, mode 0600) for `ot3c exec -f`");
  addScopeOptions(plan)
    .description("forecast + termination plan; --out writes a plan file for `ot3c exec -f` (always the whole plan)")
    .action(async (opts: { out?: string; output: OutputFormat } & ScopeChoice, cmd: Command) => {
      const [{ loadConfigFromGlobals }, sources, { evaluate, optionsFromConfig }, { serializePlan }, render, scope] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../providers/sources.ts"),
        import("../../engine/pipeline.ts"),
        import("../../engine/planner/plan-file.ts"),
        import("../render/plan.ts"),
        import("../scope-filter.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      const choice = scope.choiceOf(opts);
      const badBudget = scope.unknownChoice(choice, scope.budgetNames(config), undefined);
      if (badBudget) return scope.usageError(badBudget);
      const cloud = sources.createCloudSources(config);
      const now = Date.now();
      const range = sources.costRange(now, config);
      const ledger = await ledgerInPeriod(config, range.period.start);
      const vetoed = [...new Set([...ledger.vetoed.values()].map((v) => v.vrId))].sort();
      const data = await sources.syncAll(cloud.inventory, range, (line) => process.stderr.write(`ot3c: ${line}\n`));
      const ev = evaluate({ resources: data.resources, costs: data.costs, options: optionsFromConfig(config), now, ledger });
      const home = scope.homeOf(config);
      const badProject = scope.unknownChoice(choice, scope.budgetNames(config), scope.knownProjects(ev.roots, home));
      if (badProject) return scope.usageError(badProject);

      let file: string | undefined;
      if (opts.out) {
        const { resolve } = await import("node:path");
        file = resolve(opts.out);
        await writePrivateAtomically(file, serializePlan(ev.plan, { createdAt: ev.plan.createdAt }));
      }
      const project = (await import("../../config/project-label.ts")).projectLabel(config);
      const { indexUnits } = await import("../../format/members.ts");
      const units = indexUnits(ev.roots);
      const filtered = choice.budget !== undefined || choice.project !== undefined;
      const items = filtered ? ev.plan.items.filter((i) => scope.itemShown(choice, i, home, (id) => units.get(id))) : ev.plan.items;
      const shown = filtered ? { ...ev.plan, items, savings: items.reduce((s, i) => s + i.tsave, 0) } : ev.plan;
      const extra = { ...(filtered ? { filter: choice } : {}), ...(ev.budgets ? { budgets: scope.budgetsDocument(ev.budgets.states) } : {}) };
      const doc = render.planDocument({ project, currency: config.currency, budget: ev.budget, plan: shown, file, vetoed, units, forecasts: ev.forecasts, ...extra });
      await printOutput(opts.output, doc, () =>
        render.renderPlanCommandText({ budget: ev.budget, plan: shown, currency: config.currency, file, vetoed, units, forecasts: ev.forecasts, ...extra }),
      );
    });
}

/**
 * What the engine did and promised this period, from the state store (`<state-dir>/ot3c.db`, or `state:
 * postgres://…`): executed actions, open items, vetoes by resource, so `plan` accounts for them exactly as the
 * daemon does; empty when there is no SQLite state yet (never creates it).
 */
async function ledgerInPeriod(config: Pick<Config, "stateDir" | "state">, periodStart: number) {
  const { existsSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { emptyLedger, ledgerFromItems } = await import("../../engine/closed-loop/index.ts");
  const { storeTargetOf } = await import("../../store/driver/index.ts");
  const target = storeTargetOf(config);
  if (!target && !existsSync(join(config.stateDir, "ot3c.db"))) return emptyLedger(periodStart);
  const { Store } = await import("../../store/store.ts");
  const store = Store.open(config.stateDir, target);
  try {
    return ledgerFromItems(store.listItems({ periodStart }), periodStart);
  } finally {
    store.close();
  }
}

async function writePrivateAtomically(file: string, text: string): Promise<void> {
  const { chmodSync, renameSync, rmSync, writeFileSync } = await import("node:fs");
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask cannot widen it, but an existing tmp file would keep its mode
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write the plan file ${file}: ${(err as Error).message}`);
  }
}
