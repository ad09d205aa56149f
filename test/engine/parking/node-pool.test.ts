/**
 * Parking a CCE node pool end to end (issue #17): the optimal planner offers `park` for a pool, the executor scales
 * it to 0 nodes with autoscaling off through the OTC provider over HTTP against the simulator (127.0.0.1), keeps the
 * former count and autoscaling in the item's journal *before* the scaling call, and the resume tick — also in a
 * process that restarted — scales it back to that count and autoscaling. A pool someone scaled meanwhile is left.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { annotateLadders } from "../../../src/engine/actions/index.ts";
import { Executor } from "../../../src/engine/executor.ts";
import type { ExecTerminator, ExecutionContext } from "../../../src/engine/execution.ts";
import { reconcile } from "../../../src/engine/lifecycle.ts";
import { resumeTick } from "../../../src/engine/parking/index.ts";
import { addDays, billingPeriod } from "../../../src/engine/period.ts";
import { planTerminations } from "../../../src/engine/planner/index.ts";
import type { CloudResource, CostRecord, PlannedTermination, VirtualResource } from "../../../src/engine/types.ts";
import { ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { Store, type StoredPlanItem } from "../../../src/store/store.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";
import { forecastOf, leaf } from "../planner/gen.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

const H = 3_600_000;
const T0 = Date.parse("2026-11-20T09:00:00Z");
const period = billingPeriod(T0);
const next = billingPeriod(period.end);
const dirs: string[] = [];
let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function setup() {
  const world = makeWorld({ clusters: 1, poolsPerCluster: 2 });
  const sim = startSim(world, { pollsUntilDone: 1 });
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 },
  });
  const terminator: ExecTerminator = {
    get: (r) => provider.terminator.get(r),
    stop: (r) => provider.terminator.stop(r),
    delete: (r) => provider.terminator.delete(r),
    actions: provider.actions,
  };
  const dir = mkdtempSync(join(tmpdir(), "ot3c-pool-"));
  dirs.push(dir);
  const pools = (await provider.listResources()).filter((r) => r.kind === "CCE");
  return { world, sim, provider, terminator, dir, store: Store.open(dir), pools };
}

const unitOf = (r: CloudResource): VirtualResource => ({ id: `CCE_${r.id}`, kind: "CCE", name: r.name, prio: 5, tags: r.tags, members: [], daily: NO_DAYS, resource: r, stopShare: 1 });
const planned = (vrId: string): PlannedTermination => ({ vrId, action: "park", prio: 5, tdate: T0, tsave: 10, tasap: true, reason: "gap" });

function plan(store: Store, units: VirtualResource[]) {
  const roots = new Map(units.map((u) => [u.id, u]));
  const desired = units.map((u) => planned(u.id));
  reconcile(store, { now: T0 - 2 * H, graceMs: H, periodStart: period.start, desired, origin: "engine", roots, budgetAtRisk: true });
  return (now: number): ExecutionContext => ({ now, dataFresh: true, isWanted: () => true, budgetAtRisk: true, roots });
}

describe("the planner offers park for a node pool", () => {
  const now = Date.parse("2026-11-21T09:00:00Z");
  const p = billingPeriod(now);
  const flat = (v: number) => {
    const out = [];
    for (let d = "2026-11-21"; d < p.endDate; d = addDays(d, 1)) out.push({ date: d, amount: v });
    return out;
  };
  const pool = (extra: Partial<VirtualResource> = {}) =>
    leaf("CCE_np", "CCE", 40, { resource: { kind: "CCE", id: "np", name: "np", status: "Available", tags: {}, clusterId: "c", nodeCount: 3 }, stopShare: 1, ...extra });

  test("with the ladder: a gap a park closes is closed by parking the pool, not deleting it", () => {
    const roots = [pool()];
    annotateLadders(roots, { defaultLimit: "delete", copyBeforeDelete: true, schedules: new Set() });
    expect(roots[0]!.ladder).toEqual(["park", "delete"]);
    const planIt = (gap: number, r = roots) => planTerminations({ roots: r, forecasts: { CCE_np: forecastOf("CCE_np", flat(10)) }, gap, period: p, now, graceMs: 24 * H, mode: "optimal" });
    const small = planIt(20);
    expect(small.items.map((i) => i.action)).toEqual(["park"]);
    expect(small.items[0]!.tsave).toBeGreaterThanOrEqual(20);
    // ot3c_action=park: never deleted, even for a gap only a delete could close sooner.
    const parkOnly = [pool({ tags: { ot3c_action: "park" }, resource: { kind: "CCE", id: "np", name: "np", status: "Available", tags: { ot3c_action: "park" }, clusterId: "c", nodeCount: 3 } })];
    annotateLadders(parkOnly, { defaultLimit: "delete", copyBeforeDelete: true, schedules: new Set() });
    expect(planIt(1000, parkOnly).items.map((i) => i.action)).toEqual(["park"]);
  });

  test("without an actions: section a node pool is only deleted, as before", () => {
    const plan = planTerminations({ roots: [pool()], forecasts: { CCE_np: forecastOf("CCE_np", flat(10)) }, gap: 20, period: p, now, graceMs: 24 * H, mode: "optimal" });
    expect(plan.items.map((i) => i.action)).toEqual(["delete"]);
  });
});

describe("park and resume of a node pool over HTTP", () => {
  test("scaled to 0 with autoscaling off; the former count is in the journal; a restarted process brings it back", async () => {
    const { world, terminator, store, dir, pools } = await setup();
    const [np] = pools;
    world.nodePools.get(np!.id)!.autoscaling = { enable: true, minNodeCount: 1, maxNodeCount: 5 };
    const ctx = plan(store, [unitOf(np!)]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    const pool = world.nodePools.get(np!.id)!;
    expect(pool.currentNode).toBe(0);
    expect(pool.autoscaling?.enable).toBe(false); // else the autoscaler would refill it to minNodeCount
    expect(item.journal!.steps[0]).toMatchObject({ phase: "done", parked: { kind: "CCE", formerNodeCount: 3, formerAutoscaling: { enable: true, minNodeCount: 1, maxNodeCount: 5 } } });
    expect(store.auditEvents().map((e) => e.action)).toContain("terminate.parked");
    // The other pool was not touched.
    expect(world.nodePools.get(pools[1]!.id)!.currentNode ?? 3).toBe(3);

    // A restart: a new process opens the same store and resumes at the next period start.
    store.close();
    const reopened = Store.open(dir);
    expect(await resumeTick(reopened, terminator, { now: period.end - H, period, mode: "period-start" })).toEqual([]);
    expect(pool.currentNode).toBe(0);
    const done = await resumeTick(reopened, terminator, { now: period.end + 60_000, period: next, mode: "period-start" });
    expect(done).toEqual([item.id]);
    expect(pool.currentNode).toBe(3);
    expect(pool.autoscaling).toEqual({ enable: true, minNodeCount: 1, maxNodeCount: 5 });
    expect(reopened.getItem(item.id)!.journal!.resume!.steps).toMatchObject([{ resourceId: np!.id, kind: "CCE", outcome: "started" }]);
    expect(world.mutations.calls.get(`CCE.update:${np!.id}`)).toBe(2);
    reopened.close();
  });

  test("the former count is kept before the scaling call: a crash mid-call still resumes to it", async () => {
    const { world, terminator, store, pools } = await setup();
    const [np] = pools;
    const crashing: ExecTerminator = {
      ...terminator,
      actions: {
        ...terminator.actions!,
        // The process dies right after the provider read the pool and before its PUT went out.
        park: async (r, hooks) => {
          const pool = await terminator.get(r);
          hooks?.onParked?.({ kind: "CCE", id: r.id, parkedAt: T0, formerNodeCount: pool!.nodeCount, formerAutoscaling: { enable: false } });
          throw Object.assign(new Error("connection reset"), { code: "ECONNRESET" });
        },
      },
    };
    const ctx = plan(store, [unitOf(np!)]);
    await new Executor(store, crashing, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const step = store.listItems()[0]!.journal!.steps[0]!;
    expect(step.phase).toBe("calling");
    expect(step.parked?.formerNodeCount).toBe(3);
    expect(world.nodePools.get(np!.id)!.currentNode ?? 3).toBe(3);
  });

  test("a pool someone scaled up meanwhile, or deleted, is left alone and noted", async () => {
    const { world, terminator, store, pools } = await setup();
    const [a, b] = pools;
    const ctx = plan(store, [unitOf(a!), unitOf(b!)]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    expect(store.listItems().map((i) => i.state)).toEqual(["DONE", "DONE"]);
    world.nodePools.get(a!.id)!.currentNode = 2; // an operator scaled it by hand
    world.nodePools.get(a!.id)!.initialNodeCount = 2;
    world.nodePools.delete(b!.id);
    const done = await resumeTick(store, terminator, { now: period.end, period: next, mode: "period-start" });
    expect(done.length).toBe(2);
    expect(world.nodePools.get(a!.id)!.currentNode).toBe(2);
    const notes = store
      .listItems()
      .flatMap((i: StoredPlanItem) => i.journal!.resume!.steps.map((s) => `${s.outcome}: ${s.note}`))
      .sort();
    expect(notes).toEqual(["left-alone: deleted meanwhile; nothing to start", "left-alone: scaled to 2 node(s) by someone else meanwhile; left as it is"]);
  });

  test("a terminator that cannot scale pools fails the park before any call", async () => {
    const { world, terminator, store, pools } = await setup();
    const [np] = pools;
    const { actions, ...bare } = terminator;
    const ctx = plan(store, [unitOf(np!)]);
    await new Executor(store, { ...bare, actions: { copy: actions!.copy, listCopies: actions!.listCopies, start: actions!.start } }, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("FAILED");
    expect(item.error).toContain("cannot scale node pools");
    expect(world.mutations.calls.get(`CCE.update:${np!.id}`)).toBeUndefined();
  });
});

describe("the forecast knows what a parked pool saves", () => {
  const now = Date.parse("2026-11-10T09:00:00Z");
  const p = billingPeriod(now, 1);
  const dayEnd = Date.parse("2026-11-10T23:00:00Z"); // Berlin midnight
  const restOfToday = (dayEnd - now) / 86_400_000;
  const options: EvaluateOptions = { targetBudget: 10_000, quantile: "p50", model: "run-rate", plannerMode: "optimal", graceMs: 24 * H, billingBeginDay: 1 };

  test("its nodes stop billing from the park until the period end; the cluster's fee stays", () => {
    const pool: CloudResource = { kind: "CCE", id: "np", name: "pool", status: "Available", tags: { ot3c_prio: "40" }, clusterId: "cl", nodeCount: 3 };
    const costs: CostRecord[] = [];
    for (let d = "2026-09-01"; d <= "2026-11-08"; d = addDays(d, 1)) {
      costs.push({ date: d, resourceId: "np", product: "OTC_CCE_NODE_S3_XLARGE_4", amount: 9 });
      costs.push({ date: d, resourceId: "cl", product: "OTC_CCE_CLUSTER", amount: 2 });
    }
    const before = evaluate({ resources: [pool], costs, options, now });
    expect(before.roots.find((r) => r.id === "CCE_np")!.stopShare).toBe(1);
    const parked: StoredPlanItem = {
      id: "it1", vrId: "CCE_np", action: "park", state: "DONE", prio: 40, tdate: now, tsave: 0, tasap: true, reason: "test", deadline: now,
      createdAt: now - H, updatedAt: now, periodStart: p.start, origin: "engine", dryRun: false, resources: [pool],
      journal: { action: "park", steps: [{ resourceId: "np", kind: "CCE", phase: "done", parked: { kind: "CCE", id: "np", parkedAt: now, formerNodeCount: 3 } }], startedAt: now },
    };
    const after = evaluate({ resources: [pool], costs, options, now, ledger: ledgerFromItems([parked], p.start) });
    // Nov 9 still lags (billed before the park), the rest of today and Nov 11..30 save the nodes' 9 per day.
    expect(before.budget.forecast.p50 - after.budget.forecast.p50).toBeCloseTo(9 * (restOfToday + 20), 6);
    const ghost = after.roots.find((r) => r.id.includes("cl"))!;
    expect(after.forecasts[ghost.id]!.monthEnd.p50).toBeCloseTo(before.forecasts[ghost.id]!.monthEnd.p50, 9);
  });
});
