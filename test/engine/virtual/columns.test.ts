/**
 * Cost records as columns (issue #18): streamed from the dashboard (real client, simulator over HTTP) into typed
 * arrays, they give exactly the evaluation the same records as objects give.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CostColumns } from "../../../src/engine/virtual/columns.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import { emptyLedger } from "../../../src/engine/closed-loop/index.ts";
import { billingPeriod } from "../../../src/engine/period.ts";
import { costRange } from "../../../src/engine/sync-range.ts";
import { createCloudSources } from "../../../src/providers/sources.ts";
import { presetScenario } from "../../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../../src/sim/server.ts";
import { cleanupTempDirs, load, withConfig } from "../../config/helpers.ts";

const NOW = Date.parse("2026-11-18T09:00:00Z");
let sim: RunningSim;
let target = 0;
beforeAll(() => {
  const s = presetScenario("default", { now: NOW, seed: 9, days: 70 });
  target = s.targetBudget;
  sim = startSim({ world: s.world, targetBudget: s.targetBudget });
});
afterAll(async () => {
  await sim.stop();
  cleanupTempDirs();
});

describe("CostColumns", () => {
  test("rows read back as records; length only shrinks", () => {
    const c = new CostColumns();
    c.push({ date: "2026-11-01", resourceId: "a", product: "P", amount: 1.5, projectId: "p1", region: "EU-DE", consumptionType: "EL" });
    c.push({ date: "2026-11-02", resourceId: "b", product: "Q", amount: -0.25 });
    expect(c.length).toBe(2);
    expect(c.record(0)).toEqual({ date: "2026-11-01", resourceId: "a", product: "P", amount: 1.5, projectId: "p1", region: "EU-DE", consumptionType: "EL" });
    expect([...c]).toEqual([c.record(0), { date: "2026-11-02", resourceId: "b", product: "Q", amount: -0.25 }]);
    c.length = 1;
    expect([...c].map((r) => r.resourceId)).toEqual(["a"]);
    expect(() => (c.length = 3)).toThrow(RangeError);
    c.push({ date: "2026-11-03", resourceId: "c", product: "P", amount: 2 });
    expect(c.distinctDates().sort()).toEqual(["2026-11-01", "2026-11-03"]);
  });

  test("streamed from the dashboard, the same records and the same evaluation as objects", async () => {
    const cfg = await load(withConfig(sim.configYaml()));
    const src = createCloudSources(cfg);
    const range = costRange(NOW, cfg);
    const [resources, records, columns] = await Promise.all([
      src.inventory.listResources(),
      src.inventory.listCosts(range.from, range.toExclusive),
      src.inventory.listCostColumns!(range.from, range.toExclusive),
    ]);
    expect(columns.length).toBe(records.length);
    expect(records.length).toBeGreaterThan(10_000);
    for (let i = 0; i < records.length; i += 997) expect(columns.record(i)).toEqual({ ...records[i]! });
    // 19 bytes a row, capacity at most doubled while growing (an object per record: ~90 bytes).
    expect(columns.bytes).toBeLessThanOrEqual(records.length * 19 * 2);
    const options: EvaluateOptions = { targetBudget: target, quantile: "p50", model: "ensemble", plannerMode: "optimal", graceMs: 86_400_000, billingBeginDay: 1 };
    const ledger = emptyLedger(billingPeriod(NOW).start);
    const a = evaluate({ resources, costs: records, options, now: NOW, ledger });
    const b = evaluate({ resources, costs: columns, options, now: NOW, ledger });
    expect(b.budget).toEqual(a.budget);
    expect(b.plan.items).toEqual(a.plan.items);
    expect(JSON.stringify(b.roots)).toBe(JSON.stringify(a.roots));
    expect(b.plan.items.length).toBeGreaterThan(0);
  });
});
