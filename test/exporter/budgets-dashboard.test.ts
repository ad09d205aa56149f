/**
 * grafana/budgets-dashboard.json (issue #18): it has a budget (scope) and a project variable fed from metrics the
 * exporter really emits, and every panel query names only those metrics and filters by a variable.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import type { BudgetScopeState } from "../../src/engine/types.ts";
import { snapshot } from "./fixtures.ts";

test("budget and project variables, every query on an emitted metric", async () => {
  const dash = JSON.parse(readFileSync(join(import.meta.dir, "../../grafana/budgets-dashboard.json"), "utf8"));
  const b: BudgetScopeState = { name: "team", target: 1, resources: 1, spent: 1, forecast: { p10: 1, p50: 1, p90: 1 }, gap: 0, status: "OK", baseline: 0, baselineExceedsBudget: false, committed: 0, planned: 0, uncovered: 0, items: [] };
  const text = await createEngineMetrics({ getSnapshot: () => snapshot({ budgets: [{ ...b, name: "all" }, b] }), currency: "EUR", processMetrics: false }).render(false);
  const emitted = new Set(text.split("\n").filter((l) => l.startsWith("ot3c_")).map((l) => l.split(/[{ ]/)[0]));
  const vars = dash.templating.list.map((v: { name: string }) => v.name);
  expect(vars).toEqual(["datasource", "budget", "project"]);
  for (const v of dash.templating.list.slice(1)) {
    const metric = /label_values\((\w+), (\w+)\)/.exec(v.query.query)!;
    expect(emitted.has(metric[1])).toBe(true);
    expect(metric[2]).toBe(v.name);
  }
  expect(dash.panels.length).toBeGreaterThan(5);
  for (const p of dash.panels) {
    for (const t of p.targets) {
      const metrics = [...t.expr.matchAll(/\b(ot3c_\w+)\{/g)].map((m: RegExpMatchArray) => m[1]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect(emitted.has(m), `${p.title}: ${m}`).toBe(true);
      expect(t.expr).toMatch(/\$(budget|project)/);
    }
  }
});
