/**
 * The `--budget NAME` / `--project NAME` options of `list`, `plan` and `status` (issue #18). Kept apart from
 * scope-filter.ts (which needs the engine) so registering the commands stays cheap: `ot3c --version` starts fast.
 */
import type { Command } from "commander";

export interface ScopeChoice {
  budget?: string;
  project?: string;
}

export function addScopeOptions(cmd: Command): Command {
  return cmd
    .option("--budget <name>", "only what belongs to this budget (`all` = target-budget; names from budgets:)")
    .option("--project <name>", "only what belongs to this project (name or id)");
}

export function choiceOf(opts: { budget?: string; project?: string }): ScopeChoice {
  return { ...(opts.budget !== undefined ? { budget: opts.budget } : {}), ...(opts.project !== undefined ? { project: opts.project } : {}) };
}
