/**
 * The closed loop (src/engine/closed-loop): what the engine did and promised enters the forecast, the gap and the
 * plan at once. Every case compares an evaluation with and without a ledger on the same data, so a figure that
 * ignores an action fails here.
 */
import { describe, expect, test } from "bun:test";
import { emptyLedger, ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { addDays, billingPeriod, dayStart } from "../../../src/engine/period.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import type { CloudResource, CostRecord, PlanAction, PlanState } from "../../../src/engine/types.ts";
import type { StoredPlanItem } from "../../../src/store/store.ts";

const now = Date.parse("2026-11-10T09:00:00Z"); // 10:00 Berlin; cost data up to Nov 8 (lagging a day)
const period = billingPeriod(now, 1);
const dayEnd = dayStart("2026-11-11");
const restOfToday = (dayEnd - now) / (dayEnd - dayStart("2026-11-10")); // 14/24
const fullDaysAfterToday = 20; // Nov 11..30

function fixture() {
  const resources: CloudResource[] = [];
  const costs: CostRecord[] = [];
  const bill = (id: string, product: string, perDay: number, from = "2026-09-01") => {
    for (let d = from; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product, amount: perDay });
  };
  resources.push({ kind: "ECS", id: "a", name: "big", status: "ACTIVE", tags: { ot3c_prio: "90" } });
  bill("a", "OTC_S3M_LI", 10);
  resources.push({ kind: "ECS", id: "b", name: "mid", status: "ACTIVE", tags: { ot3c_prio: "50" } });
  bill("b", "OTC_S3M_LI", 6);
  resources.push({ kind: "ECS", id: "c", name: "db-host", status: "ACTIVE", tags: { ot3c_prio: "20" }, attachedVolumeIds: ["v"] });
  bill("c", "OTC_S3M_LI", 4);
  resources.push({ kind: "EVS", id: "v", name: "db-data", status: "in-use", tags: {}, attachedServerIds: ["c"] });
  bill("v", "OTC_EVS_SSD", 2);
  resources.push({ kind: "RDS", id: "r", name: "pg", status: "ACTIVE", tags: { ot3c_prio: "30" } });
  bill("r", "OTC_RDS_PG", 5);
  bill("r", "OTC_RDS_ST_SSD", 1);
  return { resources, costs };
}

const options: EvaluateOptions = { targetBudget: 10_000, quantile: "p50", model: "run-rate", plannerMode: "optimal", graceMs: 24 * 3_600_000, billingBeginDay: 1 };

let seq = 0;
function item(over: Partial<StoredPlanItem> & { vrId: string; action: PlanAction; state: PlanState; resources: CloudResource[] }): StoredPlanItem {
  return {
    id: `it${++seq}`,
    prio: 50,
    tdate: now,
    tsave: 0,
    tasap: true,
    reason: "test",
    deadline: now,
    createdAt: now - 3_600_000,
    updatedAt: now,
    periodStart: period.start,
    origin: "engine",
    dryRun: false,
    ...over,
  };
}
const res = (f: ReturnType<typeof fixture>, id: string) => f.resources.find((r) => r.id === id)!;
const ledgerOf = (...items: StoredPlanItem[]) => ledgerFromItems(items, period.start);

describe("executed actions enter the forecast at once", () => {
  test("a delete zeroes the resource's forecast from the instant of the call, although its cost days still lag", () => {
    const f = fixture();
    const before = evaluate({ ...f, options, now });
    const done = item({ vrId: "ECS_a", action: "delete", state: "DONE", resources: [res(f, "a")], journal: { action: "delete", steps: [{ resourceId: "a", kind: "ECS", phase: "done" }], startedAt: now } });
    const after = evaluate({ ...f, options, now, ledger: ledgerOf(done) });
    const saved = 10 * (restOfToday + fullDaysAfterToday);
    expect(before.budget.forecast.p50 - after.budget.forecast.p50).toBeCloseTo(saved, 6);
    expect(after.forecasts["ECS_a"].monthEnd.p50).toBeCloseTo(after.forecasts["ECS_a"].costSoFar + 10 /* Nov 9, still lagging */ + 10 * (1 - restOfToday), 6);
    // Next sync: the server is gone from the inventory, its records form a ghost — which carries the deletion.
    const gone = { resources: f.resources.filter((r) => r.id !== "a"), costs: f.costs };
    const later = evaluate({ ...gone, options, now, ledger: ledgerOf(done) });
    expect(later.roots.some((r) => r.id === "GH_S3M_a")).toBe(true);
    expect(later.budget.forecast.p50).toBeCloseTo(after.budget.forecast.p50, 6);
    // Without the ledger the ghost's forecast runs on (the cascade the closed loop exists to stop).
    expect(evaluate({ ...gone, options, now }).budget.forecast.p50).toBeCloseTo(before.budget.forecast.p50, 6);
  });

  test("a stopped server keeps its disks' cost; a stopped RDS instance its storage, and its full cost again after OTC restarts it on day 7", () => {
    const f = fixture();
    const before = evaluate({ ...f, options, now });
    const stopC = item({ vrId: "GR_[ECS_c,EVS_v]", action: "stop", state: "DONE", resources: [res(f, "c"), res(f, "v")] });
    const afterC = evaluate({ ...f, options, now, ledger: ledgerOf(stopC) });
    expect(before.budget.forecast.p50 - afterC.budget.forecast.p50).toBeCloseTo(4 * (restOfToday + fullDaysAfterToday), 6);
    expect(afterC.forecasts["EVS_v"].monthEnd.p50).toBeCloseTo(before.forecasts["EVS_v"].monthEnd.p50, 6);

    const stopR = item({ vrId: "RDS_r", action: "stop", state: "DONE", resources: [res(f, "r")] });
    const afterR = evaluate({ ...f, options, now, ledger: ledgerOf(stopR) });
    // Compute (5 of 6 per day) ends for exactly 7 × 24 h; storage keeps billing.
    expect(before.budget.forecast.p50 - afterR.budget.forecast.p50).toBeCloseTo(5 * 7, 6);
  });

  test("stopped, then deleted: the escalation saves only what the stop left (no double count)", () => {
    const f = fixture();
    const before = evaluate({ ...f, options, now });
    const stop = item({ vrId: "GR_[ECS_c,EVS_v]", action: "stop", state: "DONE", resources: [res(f, "c"), res(f, "v")], updatedAt: now - 3_600_000 });
    const del = item({ vrId: "GR_[ECS_c,EVS_v]", action: "delete", state: "DONE", resources: [res(f, "c"), res(f, "v")] });
    const after = evaluate({ ...f, options, now, ledger: ledgerOf(stop, del) });
    // c's compute from the stop (an hour earlier), then v's storage from the delete: each day counted once.
    const hour = 3_600_000 / (dayEnd - dayStart("2026-11-10"));
    const saved = 4 * (restOfToday + hour + fullDaysAfterToday) + 2 * (restOfToday + fullDaysAfterToday);
    expect(before.budget.forecast.p50 - after.budget.forecast.p50).toBeCloseTo(saved, 6);
    // The unit is not planned again: a stopped server cannot be stopped twice, and a deleted one is done.
    expect(after.plan.items.some((i) => i.vrId === "GR_[ECS_c,EVS_v]")).toBe(false);
  });

  test("a dry-run 'would delete' counts as done, and the cost data billed after it does not count as spend", () => {
    const f = fixture();
    const at = dayStart("2026-11-07");
    const before = evaluate({ ...f, options, now });
    const dry = item({ vrId: "ECS_b", action: "delete", state: "DONE", dryRun: true, resources: [res(f, "b")], updatedAt: at });
    const after = evaluate({ ...f, options, now, ledger: ledgerOf(dry) });
    // Nov 7 and 8 were billed although "deleted" on Nov 7 00:00; enforcement would have avoided them.
    expect(before.budget.spendSoFar - after.budget.spendSoFar).toBeCloseTo(12, 6);
    expect(after.forecasts["ECS_b"].monthEnd.p50).toBeCloseTo(after.forecasts["ECS_b"].costSoFar, 6);
  });
});

describe("open items are commitments: only the uncovered part of the gap is planned", () => {
  const tight = { ...options, targetBudget: 0 };
  const gapOf = () => evaluate({ ...fixture(), options: { ...options, targetBudget: 0 }, now }).budget.gap;

  test("new items only for what the open items do not cover; the open item's saving is re-projected from its deadline", () => {
    const f = fixture();
    const total = evaluate({ ...f, options: tight, now }).budget.forecast.p50;
    const target = total - 150; // a gap of 150
    const o = { ...options, targetBudget: target };
    const deadline = dayStart("2026-11-12");
    const pending = item({ vrId: "ECS_a", action: "delete", state: "PENDING", resources: [res(f, "a")], deadline, tdate: deadline });
    const ev = evaluate({ ...f, options: o, now, ledger: ledgerOf(pending) });
    const kept = ev.decision.open.find((d) => d.id === pending.id)!;
    expect(kept.outcome).toBe("keep");
    expect(kept.saving).toBeCloseTo(10 * 19, 6); // Nov 12..30
    expect(ev.budget.coverage!.committed).toBeCloseTo(190, 6);
    expect(ev.plan.items).toEqual([]); // 190 ≥ 150: nothing new
    expect(gapOf()).toBeGreaterThan(0);

    const bigger = { ...options, targetBudget: total - 250 };
    const ev2 = evaluate({ ...f, options: bigger, now, ledger: ledgerOf(pending) });
    expect(ev2.plan.items.length).toBeGreaterThan(0);
    expect(ev2.plan.items.some((i) => i.vrId === "ECS_a")).toBe(false);
    expect(ev2.budget.coverage!.committed + ev2.plan.savings).toBeGreaterThanOrEqual(250 - 1e-6);
    expect(ev2.plan.savings).toBeLessThan(250); // only the uncovered part
  });

  test("when open items cover more than the gap, those sparing the most important resources are cancelled first", () => {
    const f = fixture();
    const total = evaluate({ ...f, options: tight, now }).budget.forecast.p50;
    const o = { ...options, targetBudget: total - 100 };
    const t = dayStart("2026-11-12");
    const onA = item({ vrId: "ECS_a", action: "delete", state: "PENDING", prio: 90, resources: [res(f, "a")], deadline: t, tdate: t });
    const onB = item({ vrId: "ECS_b", action: "delete", state: "PENDING", prio: 50, resources: [res(f, "b")], deadline: t, tdate: t });
    const ev = evaluate({ ...f, options: o, now, ledger: ledgerOf(onA, onB) });
    const byId = new Map(ev.decision.open.map((d) => [d.id, d]));
    expect(byId.get(onA.id)!.outcome).toBe("keep"); // 190 covers 100 alone
    expect(byId.get(onB.id)!.outcome).toBe("CANCELLED"); // prio 50 is more important than 90: spared
    expect(ev.plan.items).toEqual([]);
    // No gap at all: every open item is cancelled as "budget no longer at risk".
    const ok = evaluate({ ...f, options, now, ledger: ledgerOf(onA, onB) });
    expect(ok.decision.open.every((d) => d.outcome === "CANCELLED" && d.reason === "budget no longer at risk")).toBe(true);
  });
});

describe("when nothing else is left, an open item acts sooner", () => {
  test("the forecast rose and every other unit is taken: the item's deadline moves earlier, never inside the grace", () => {
    const f = fixture();
    f.resources = f.resources.filter((r) => r.id === "a");
    const total = evaluate({ ...f, options: { ...options, targetBudget: 0 }, now }).budget.forecast.p50;
    const late = dayStart("2026-11-29");
    const pending = item({ vrId: "ECS_a", action: "delete", state: "PENDING", prio: 90, resources: [res(f, "a")], deadline: late, tdate: late });
    const ev = evaluate({ ...f, options: { ...options, targetBudget: total - 100 }, now, ledger: ledgerOf(pending) });
    const d = ev.decision.open.find((x) => x.id === pending.id)!;
    expect(d.outcome).toBe("keep");
    // 100 needs 10 days of a: the latest day that still closes it is Nov 21.
    expect(d.advanceTo).toBe(dayStart("2026-11-21"));
    expect(d.advanceTo!).toBeGreaterThanOrEqual(now + options.graceMs);
    expect(ev.budget.coverage!.uncovered).toBeCloseTo(0, 6);
    // An operator postponed it: the operator's date holds, the gap stays uncovered and says so.
    const postponed = { ...pending, tdate: dayStart("2026-11-20") };
    const ev2 = evaluate({ ...f, options: { ...options, targetBudget: total - 100 }, now, ledger: ledgerOf(postponed) });
    expect(ev2.decision.open.find((x) => x.id === pending.id)!.advanceTo).toBeUndefined();
    expect(ev2.budget.coverage!.uncovered).toBeGreaterThan(0);
  });
});

describe("vetoes hold for the resources they name", () => {
  test("after a volume is attached to the vetoed server and its tags change, no item touches it; an open item that does is vetoed too", () => {
    const f = fixture();
    const vetoed = item({ vrId: "GR_[ECS_c,EVS_v]", action: "delete", state: "VETOED", vetoReason: "release week", resources: [res(f, "c"), res(f, "v")] });
    // Regrouping: a new volume w attached to c, and c's tags changed.
    const c = res(f, "c");
    c.attachedVolumeIds = ["v", "w"];
    c.tags = { ot3c_prio: "25", team: "db" };
    f.resources.push({ kind: "EVS", id: "w", name: "db-extra", status: "in-use", tags: {}, attachedServerIds: ["c"] });
    const total = evaluate({ ...f, options: { ...options, targetBudget: 0 }, now }).budget.forecast.p50;
    const o = { ...options, targetBudget: total - 480 }; // needs every unit, the vetoed one included
    const stale = item({ vrId: "ECS_c", action: "stop", state: "PENDING", resources: [c] });
    const ev = evaluate({ ...f, options: o, now, ledger: ledgerOf(vetoed, stale) });
    expect(ev.roots.some((r) => r.id === "GR_[ECS_c,EVS_v,EVS_w]")).toBe(true);
    expect(ev.plan.items.some((i) => i.vrId.includes("ECS_c"))).toBe(false);
    expect(ev.plan.items.length).toBeGreaterThan(0); // others are planned
    const d = ev.decision.open.find((x) => x.id === stale.id)!;
    expect(d.outcome).toBe("VETOED");
    expect(d.reason).toContain(vetoed.id);
    expect(ev.vetoedLeaves.has("ECS_c")).toBe(true);
  });

  test("an open item whose group changed is cancelled, so its resources are planned afresh as their new unit", () => {
    const f = fixture();
    const pending = item({ vrId: "ECS_b", action: "delete", state: "PENDING", resources: [res(f, "b")] });
    res(f, "b").attachedVolumeIds = ["x"];
    f.resources.push({ kind: "EVS", id: "x", name: "b-data", status: "in-use", tags: {}, attachedServerIds: ["b"] });
    const ev = evaluate({ ...f, options, now, ledger: ledgerOf(pending) });
    const d = ev.decision.open.find((x) => x.id === pending.id)!;
    expect(d.outcome).toBe("CANCELLED");
    expect(d.reason).toContain("regrouped");
  });
});

describe("forecast inputs", () => {
  test("a resource's first, partly billed day is not read as its daily rate", () => {
    const resources: CloudResource[] = [{ kind: "ECS", id: "n", name: "new", status: "ACTIVE", tags: { ot3c_prio: "5" }, createdAt: "2026-11-02T07:00:00Z" }];
    const costs: CostRecord[] = [{ date: "2026-11-02", resourceId: "n", product: "OTC_S3M_LI", amount: 10 * (16 / 24) }];
    for (let d = "2026-11-03"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: "n", product: "OTC_S3M_LI", amount: 10 });
    const ev = evaluate({ resources, costs, options: { ...options, model: "ensemble" }, now });
    const f = ev.forecasts["ECS_n"];
    const perDay = (f.monthEnd.p50 - f.costSoFar) / 22; // Nov 9..30
    expect(perDay).toBeGreaterThan(9.9);
    expect(perDay).toBeLessThan(10.1);
  });

  test("the budget says how many past days are still forecast because the cost data lags", () => {
    const ev = evaluate({ ...fixture(), options, now });
    expect(ev.lastCompleteDay).toBe("2026-11-08");
    expect(ev.budget.lagDays).toBe(1);
  });

  test("an empty ledger changes nothing", () => {
    const f = fixture();
    const a = evaluate({ ...f, options, now });
    const b = evaluate({ ...f, options, now, ledger: emptyLedger(period.start) });
    expect(b.budget.forecast).toEqual(a.budget.forecast);
  });
});
