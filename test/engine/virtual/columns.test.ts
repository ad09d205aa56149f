/**
 * Cost records summed as they stream (issue #18): from the dashboard (real client, simulator over HTTP, the fast
 * line scanner) into per-resource-and-day cells, they give exactly the evaluation the same records read as objects
 * (JSON.parse of every line) give.
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
  test("records summed per resource and day as they come; a stream's records dropped whole, folded in on commit", () => {
    const c = new CostColumns();
    c.push({ date: "2026-11-01", resourceId: "a", product: "P", amount: 1.5, projectId: "p1", region: "EU-DE", consumptionType: "EL" });
    c.push({ date: "2026-11-01", resourceId: "a", product: "OTC_EVS_SSD", amount: 0.25, projectId: "p2" });
    c.push({ date: "2026-11-02", resourceId: "b", product: "Q", amount: -0.25 });
    expect(c.length).toBe(3);
    c.begin();
    c.push({ date: "2026-11-03", resourceId: "c", product: "P", amount: 2 });
    c.push({ date: "2026-11-01", resourceId: "a", product: "A", amount: 1 });
    expect(c.length).toBe(5);
    c.length = 3; // the stream was cut off: its records go
    expect(c.length).toBe(3);
    expect(c.resourceIds()).toEqual(["a", "b"]);
    expect(() => (c.length = 1)).toThrow(RangeError); // folded-in records cannot be taken out of their sums
    c.begin();
    c.push({ date: "2026-11-03", resourceId: "c", product: "P", amount: 2 });
    c.push({ date: "2026-11-01", resourceId: "a", product: "A", amount: 1 });
    c.commit();
    expect(c.length).toBe(5);
    expect(c.resourceIds()).toEqual(["a", "b", "c"]);
    expect(c.distinctDates()).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
    const days: unknown[] = [];
    c.forEachDay("a", c.sortedDays(), (d) => days.push({ ...d }));
    expect(days).toEqual([{ date: "2026-11-01", amount: 1.5 + 0.25 + 1, storage: 0.25, records: 3, product: "A" }]);
    expect(c.count("a")).toBe(3);
    expect(c.placeOfFirst("a")).toEqual({ projectId: "p1", region: "EU-DE" });
    expect(c.placeOfFirst("c")).toEqual({});
    expect(c.placeOfFirst("zz")).toBeUndefined();
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
    // Every resource's days: the sums of its records of that day in input order, as a plain loop adds them.
    const naive = new Map<string, Map<string, { amount: number; records: number }>>();
    for (const r of records) {
      const days = naive.get(r.resourceId) ?? naive.set(r.resourceId, new Map()).get(r.resourceId)!;
      const d = days.get(r.date) ?? { amount: 0, records: 0 };
      days.set(r.date, { amount: d.amount + r.amount, records: d.records + 1 });
    }
    expect(columns.resourceIds()).toEqual([...naive.keys()]);
    const order = columns.sortedDays();
    for (const [id, days] of naive) {
      const got: Array<[string, { amount: number; records: number }]> = [];
      columns.forEachDay(id, order, (c) => got.push([c.date, { amount: c.amount, records: c.records }]));
      expect(got).toEqual([...days].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    }
    // One cell (22 bytes) per resource and day, capacity at most doubled while growing: nothing kept per record.
    expect(columns.bytes).toBeLessThanOrEqual(2 * 22 * columns.resourceIds().length * order.length + 2 * 2 * columns.resourceIds().length);
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
