import { describe, expect, test } from "bun:test";
import { addDays, dayStart } from "../../src/engine/period.ts";
import { evaluate, optionsFromConfig, type EvaluateOptions } from "../../src/engine/pipeline.ts";
import type { CloudResource, CostRecord } from "../../src/engine/types.ts";

const now = Date.parse("2026-11-21T09:00:00Z"); // Nov 21, 10:00 Berlin; data up to Nov 19 (dashboard lag)
const resources: CloudResource[] = [];
const costs: CostRecord[] = [];
function server(id: string, tags: Record<string, string>, perDay: number): void {
  resources.push({ kind: "ECS", id, name: id, status: "ACTIVE", tags });
  for (let d = "2026-10-01"; d <= "2026-11-19"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product: "OTC_S3M_LI", amount: perDay });
}
server("a", { ot3c_prio: "90", ot3c_instance: "x" }, 2);
server("b", { ot3c_prio: "50", ot3c_instance: "x" }, 3);
server("c", { ot3c_instance: "x" }, 1); // untagged: baseline
server("d", { ot3c_prio: "10", ot3c_instance: "other" }, 1); // another instance's: excluded, baseline
// A deleted resource with cost this month: a ghost.
for (let d = "2026-11-01"; d <= "2026-11-05"; d = addDays(d, 1)) costs.push({ date: d, resourceId: "gone", product: "OTC_EVS_SSD", amount: 1 });

const options: EvaluateOptions = {
  targetBudget: 185,
  quantile: "p50",
  model: "run-rate",
  plannerMode: "optimal",
  graceMs: 86_400_000,
  instance: "x",
  billingBeginDay: 1,
};

describe("evaluate", () => {
  test("period, tree, all-spend budget with baseline, and an optimal plan that closes the gap", () => {
    const ev = evaluate({ resources, costs, options, now });
    expect(ev.period.startDate).toBe("2026-11-01");
    expect(ev.lastCompleteDay).toBe("2026-11-19");
    expect(ev.roots.map((r) => r.id)).toEqual(["ECS_a", "ECS_b", "ECS_c", "GH_EVS_gone"]);
    expect(ev.excluded.map((r) => r.id)).toEqual(["ECS_d"]);
    // 19 days × (2 + 3 + 1 + 1) + the ghost's 5.
    expect(ev.budget.spendSoFar).toBeCloseTo(138, 6);
    // Constant series: 11 more days (Nov 20..30) at 7 per day, the ghost stays at 0.
    expect(ev.budget.forecast.p50).toBeCloseTo(215, 6);
    expect(ev.budget.gap).toBeCloseTo(30, 6);
    expect(ev.budget.status).toBe("OVER");
    // Baseline: c (untagged) 19 + 11, d (other instance) 19 + 11, the ghost 5.
    expect(ev.budget.baseline.spendSoFar).toBeCloseTo(43, 6);
    expect(ev.budget.baseline.monthEnd).toBeCloseTo(65, 6);
    expect(ev.forecasts["ECS_d"]).toBeDefined();
    expect(ev.plan.outcome).toBe("OK");
    expect(ev.plan.savings).toBeGreaterThanOrEqual(30 - 1e-6);
    const ids = ev.plan.items.map((i) => i.vrId).sort();
    expect(ids).toEqual(["ECS_a", "ECS_b"]);
    expect(ev.plan.items.every((i) => i.action === "park")).toBe(true);
    for (const i of ev.plan.items) expect(i.tdate).toBeGreaterThanOrEqual(now + options.graceMs);
  });

  test("what it keeps is the figures: no daily histories in the tree, no daily paths in the forecasts", () => {
    // The daemon holds the evaluation between syncs and sends it to every attached TUI; with 10,000 resources the
    // histories were most of its memory, so they must not come back unnoticed.
    const ev = evaluate({ resources, costs, options, now });
    const units = [...ev.roots, ...ev.excluded];
    expect(units.length).toBe(5);
    for (const u of units) expect(Object.keys(u)).not.toContain("daily");
    for (const f of Object.values(ev.forecasts)) expect(Object.keys(f).sort()).toEqual(["costSoFar", "monthEnd", "vrId"]);
    // …while the figures are those of the full history.
    expect(ev.forecasts["ECS_b"].costSoFar).toBeCloseTo(19 * 3, 6);
    expect(ev.forecasts["ECS_b"].monthEnd.p50).toBeCloseTo(30 * 3, 6);
  });

  test("classic mode reproduces the seed's plan on the same data", () => {
    const ev = evaluate({ resources, costs, options: { ...options, plannerMode: "classic" }, now });
    const [a, b] = ev.plan.items;
    expect(a.vrId).toBe("ECS_a");
    expect(a.tasap).toBe(true);
    expect(a.tdate).toBe(now + 86_400_000);
    expect(a.tsave).toBeCloseTo(16, 6); // Nov 23..30
    expect(b.vrId).toBe("ECS_b");
    expect(b.tdate).toBe(dayStart("2026-11-26")); // 14 left: five days of 3 from the end
    expect(b.tsave).toBeCloseTo(15, 6);
    expect(ev.plan.outcome).toBe("OK");
  });

  test("vetoes, no gap, and a baseline above the target", () => {
    const vetoed = evaluate({ resources, costs, options, now, vetoed: ["ECS_b"] });
    expect(vetoed.plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(vetoed.plan.items.map((i) => i.vrId)).toEqual(["ECS_a"]);
    const fine = evaluate({ resources, costs, options: { ...options, targetBudget: 300 }, now });
    expect(fine.plan.outcome).toBe("NOT_NEEDED");
    expect(fine.budget.status).toBe("OK");
    const hopeless = evaluate({ resources, costs, options: { ...options, targetBudget: 60 }, now });
    expect(hopeless.budget.baselineExceedsBudget).toBe(true);
    expect(hopeless.plan.outcome).toBe("BASELINE_EXCEEDS_BUDGET");
    expect(hopeless.plan.items).toEqual([]);
  });

  test("no instance configured: every resource is ours; no data at all still evaluates", () => {
    const all = evaluate({ resources, costs, options: { ...options, instance: undefined }, now });
    expect(all.excluded).toEqual([]);
    expect(all.roots.map((r) => r.id)).toContain("ECS_d");
    const empty = evaluate({ resources: [], costs: [], options, now });
    expect(empty.lastCompleteDay).toBe("2026-11-20");
    expect(empty.budget.spendSoFar).toBe(0);
    expect(empty.plan.outcome).toBe("NOT_NEEDED");
  });

  test("optionsFromConfig maps the normalised config", () => {
    const o = optionsFromConfig({
      targetBudget: 48,
      forecast: { model: "ensemble", quantile: "p90" },
      planner: { mode: "classic" },
      terminationGraceMs: 3_600_000,
      instance: "i1",
      billingBeginDay: 15,
      currency: "EUR",
    } as never);
    expect(o).toEqual({ targetBudget: 48, quantile: "p90", model: "ensemble", plannerMode: "classic", graceMs: 3_600_000, instance: "i1", billingBeginDay: 15, currency: "EUR" });
  });
});
