/**
 * A unit counts whole in every budget one of its resources is in (engine/budgets/scope.ts) — also after ot3c
 * deleted it and its cost records became ghosts. Found by `npm run bench -- replay-budgets`: a group across two
 * projects, once deleted, left one project's budget with only its own member's past spend, so the budget's spent
 * fell by the other member's days and the engine saw it met while it ended over its target.
 */
import { describe, expect, test } from "bun:test";
import { ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { addDays, billingPeriod } from "../../../src/engine/period.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import type { BudgetScopeState, CloudResource, CostRecord } from "../../../src/engine/types.ts";
import type { StoredPlanItem } from "../../../src/store/store.ts";

const now = Date.parse("2026-11-10T09:00:00Z"); // cost data up to Nov 8
const period = billingPeriod(now, 1);
const home = { id: "p-home", name: "eu-de_home", region: "eu-de" };
const pay = { projectId: "p-pay", projectName: "eu-de_payments", region: "eu-de" };
const web = { projectId: "p-web", projectName: "eu-nl_web", region: "eu-nl" };

const resources: CloudResource[] = [];
const costs: CostRecord[] = [];
function add(id: string, base: number, where: typeof pay, tags: Record<string, string>) {
  resources.push({ kind: "ECS", id, name: id, status: "ACTIVE", tags: { ot3c_prio: "50", ...tags }, ...where });
  for (let d = "2026-10-01"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product: "OTC_S3M_LI", amount: base, ...where });
}
add("a", 10, pay, { ot3c_group: "shop" }); // the group: one server in each project
add("b", 7, web, { ot3c_group: "shop" });
add("c", 3, pay, {});

const options: EvaluateOptions = {
  targetBudget: 100_000,
  quantile: "p50",
  model: "run-rate",
  plannerMode: "optimal",
  graceMs: 24 * 3_600_000,
  billingBeginDay: 1,
  budgets: { scopes: [{ name: "payments", target: 300, projects: ["eu-de_payments"] }, { name: "web", target: 300, projects: ["p-web"] }], home },
};
const state = (states: BudgetScopeState[], name: string) => states.find((s) => s.name === name)!;

describe("a deleted group's ghosts", () => {
  test("keep counting in every budget the group was in: spent does not fall, the forecast drops by the group's rest", () => {
    const before = evaluate({ resources, costs, options, now });
    const p0 = state(before.budgets!.states, "payments");
    const w0 = state(before.budgets!.states, "web");
    // 8 days of November: the whole group (a + b) is in both budgets, c only in payments.
    expect(p0.spent).toBeCloseTo(8 * (10 + 7 + 3), 6);
    expect(w0.spent).toBeCloseTo(8 * (10 + 7), 6);

    const at = now - 3_600_000;
    const item = {
      id: "it1", vrId: "GR_[ECS_a,ECS_b]", action: "delete", state: "DONE", prio: 50, tsave: 0, tdate: at, deadline: at, createdAt: at, updatedAt: at, dryRun: false, periodStart: period.start,
      resources: resources.filter((r) => r.id !== "c"),
    } as unknown as StoredPlanItem;
    // The next sync: both servers are gone from the inventory, their records (data up to Nov 8) are ghosts.
    const after = evaluate({ resources: resources.filter((r) => r.id === "c"), costs, options, now, ledger: ledgerFromItems([item], period.start) });
    expect(after.roots.filter((r) => r.kind === "GHOST").map((r) => r.ghostOf).sort()).toEqual(["a", "b"]);
    const p1 = state(after.budgets!.states, "payments");
    const w1 = state(after.budgets!.states, "web");
    expect(p1.spent).toBeCloseTo(p0.spent, 6);
    expect(w1.spent).toBeCloseTo(w0.spent, 6);
    // From the deletion on only c is left in payments (Nov 9 still billed in full: the day of data before the call).
    expect(p1.forecast.p50).toBeLessThan(p0.forecast.p50 - 20 * 17 + 1);
    expect(w1.forecast.p50).toBeLessThan(w0.forecast.p50 - 20 * 17 + 1);
  });
});
