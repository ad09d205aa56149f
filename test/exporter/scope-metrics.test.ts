/** Budget and project labels on /metrics (issue #18): one series per budget, projects capped with `other`. */
import { describe, expect, test } from "bun:test";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import { MAX_PROJECT_LABELS } from "../../src/exporter/scope-metrics.ts";
import type { BudgetScopeState, ResourceUnit } from "../../src/engine/types.ts";
import { planItem, snapshot } from "./fixtures.ts";

function state(name: string, over: Partial<BudgetScopeState> = {}): BudgetScopeState {
  return {
    name,
    target: 100,
    resources: 3,
    spent: 60,
    forecast: { p10: 110, p50: 120, p90: 130 },
    gap: 20,
    status: "OVER",
    baseline: 10,
    baselineExceedsBudget: false,
    committed: 5,
    planned: 10,
    uncovered: 5,
    items: ["p1"],
    ...over,
  };
}

const server = (id: string, project: string): ResourceUnit => ({
  id: `ECS_${id}`,
  kind: "ECS",
  name: id,
  prio: 5,
  tags: {},
  members: [],
  resource: { kind: "ECS", id, name: id, status: "ACTIVE", tags: {}, projectName: project },
});

const lines = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`));

describe("budget labels", () => {
  test("one series per budget, `all` included; nothing without budgets:", async () => {
    const snap = snapshot({ budgets: [state("all", { status: "AT_RISK", gap: -3 }), state("team-x", { baselineExceedsBudget: true })] });
    const text = await createEngineMetrics({ getSnapshot: () => snap, currency: "EUR", processMetrics: false }).render(false);
    expect(lines(text, "ot3c_scope_gap_amount")).toEqual(['ot3c_scope_gap_amount{currency="EUR",budget="all"} -3', 'ot3c_scope_gap_amount{currency="EUR",budget="team-x"} 20']);
    expect(lines(text, "ot3c_scope_status")).toContain('ot3c_scope_status{budget="all",status="AT_RISK"} 1');
    expect(lines(text, "ot3c_scope_status")).toContain('ot3c_scope_status{budget="team-x",status="OVER"} 1');
    expect(lines(text, "ot3c_scope_baseline_exceeds_target")).toEqual(['ot3c_scope_baseline_exceeds_target{budget="all"} 0', 'ot3c_scope_baseline_exceeds_target{budget="team-x"} 1']);
    expect(lines(text, "ot3c_scope_forecast_month_end_amount")).toHaveLength(6);
    const plain = await createEngineMetrics({ getSnapshot: () => snapshot(), currency: "EUR", processMetrics: false }).render(false);
    expect(lines(plain, "ot3c_scope_gap_amount")).toEqual([]);
    // The single-budget families are unchanged.
    expect(plain).toContain('ot3c_budget_gap_amount{currency="EUR"} 100');
  });
});

describe("project labels", () => {
  test(`at most ${MAX_PROJECT_LABELS} projects by forecast, the rest summed as other`, async () => {
    const resources: ResourceUnit[] = [];
    const forecasts: Record<string, { vrId: string; costSoFar: number; monthEnd: { p10: number; p50: number; p90: number } }> = {};
    for (let i = 0; i < 30; i++) {
      const u = server(`s${i}`, `proj-${String(i).padStart(2, "0")}`);
      resources.push(u);
      forecasts[u.id] = { vrId: u.id, costSoFar: i, monthEnd: { p10: 100 + i, p50: 100 + i, p90: 100 + i } };
    }
    const snap = snapshot({ resources, forecasts, plan: [planItem({ vrId: "ECS_s0" }), planItem({ id: "p3", vrId: "ECS_s29" })] });
    const text = await createEngineMetrics({ getSnapshot: () => snap, currency: "EUR", processMetrics: false }).render(false);
    const fc = lines(text, "ot3c_project_forecast_month_end_amount");
    expect(fc).toHaveLength(MAX_PROJECT_LABELS + 1);
    // The largest 20 (proj-10 … proj-29) keep their label; proj-00 … proj-09 are folded: Σ (100 … 109) = 1045.
    expect(fc).toContain('ot3c_project_forecast_month_end_amount{currency="EUR",project="proj-29"} 129');
    expect(fc).not.toContain('ot3c_project_forecast_month_end_amount{currency="EUR",project="proj-09"} 109');
    expect(fc).toContain('ot3c_project_forecast_month_end_amount{currency="EUR",project="other"} 1045');
    expect(lines(text, "ot3c_project_spend_so_far_amount")).toContain('ot3c_project_spend_so_far_amount{currency="EUR",project="other"} 45');
    expect(lines(text, "ot3c_project_open_plan_items")).toContain('ot3c_project_open_plan_items{project="other"} 1');
    expect(lines(text, "ot3c_project_open_plan_items")).toContain('ot3c_project_open_plan_items{project="proj-29"} 1');
  });

  test("a resource without a project counts in the snapshot's project", async () => {
    const u: ResourceUnit = { id: "ECS_h", kind: "ECS", name: "h", prio: 5, tags: {}, members: [], resource: { kind: "ECS", id: "h", name: "h", status: "ACTIVE", tags: {} } };
    const snap = snapshot({ resources: [u], forecasts: { ECS_h: { vrId: "ECS_h", costSoFar: 7, monthEnd: { p10: 9, p50: 10, p90: 11 } } } });
    const text = await createEngineMetrics({ getSnapshot: () => snap, currency: "EUR", processMetrics: false }).render(false);
    expect(lines(text, "ot3c_project_forecast_month_end_amount")).toEqual(['ot3c_project_forecast_month_end_amount{currency="EUR",project="eu-de_test"} 10']);
  });
});
