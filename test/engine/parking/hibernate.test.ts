/**
 * Cluster hibernation end to end (issue #17), over HTTP against the simulated OTC on 127.0.0.1: ot3c parks every
 * node pool of a cluster (executor), the hibernate tick then hibernates the cluster (journaled and audited before
 * the call, exactly once), and the resume wakes the cluster FIRST and scales the pools back only once it is
 * Available. A crash between journal and call, an accepted call whose answer was lost (INIT hold), a pool not
 * parked or vetoed, `enforce: false`, and a cluster someone else woke or deleted meanwhile.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineSettings, Evaluation } from "../../../src/engine/engine-contract.ts";
import { Executor } from "../../../src/engine/executor.ts";
import { parkingTick } from "../../../src/engine/parking/engine-tick.ts";
import type { ExecTerminator, ExecutionContext } from "../../../src/engine/execution.ts";
import { reconcile } from "../../../src/engine/lifecycle.ts";
import { clustersToHibernate, hibernateTick, type HibernateContext } from "../../../src/engine/parking/hibernate.ts";
import { parkedEntries, parkedItems, resumeTick } from "../../../src/engine/parking/index.ts";
import { addDays, billingPeriod } from "../../../src/engine/period.ts";
import { ManualClock, type CloudResource, type CostRecord, type PlannedTermination, type VirtualResource } from "../../../src/engine/types.ts";
import { ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";
import { Store, type HibernationJournal, type StoredPlanItem } from "../../../src/store/store.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

const H = 3_600_000;
const MIN = 60_000;
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

async function setup(opts: { holdMs?: number; faults?: FaultInjector } = {}) {
  const clock = new ManualClock(T0);
  const world = makeWorld({ clusters: 1, poolsPerCluster: 2 });
  const sim = startSim(world, { pollsUntilDone: 1, jobInitHoldMs: opts.holdMs ?? 0, now: () => clock.now() }, undefined, opts.faults);
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: MIN, timeoutMs: 60 * MIN, sleep: async (ms) => clock.advance(ms), now: () => clock.now() },
  });
  const terminator: ExecTerminator = {
    get: (r) => provider.terminator.get(r),
    stop: (r) => provider.terminator.stop(r),
    delete: (r) => provider.terminator.delete(r),
    actions: provider.actions,
  };
  const dir = mkdtempSync(join(tmpdir(), "ot3c-hib-"));
  dirs.push(dir);
  const pools = (await provider.listResources()).filter((r) => r.kind === "CCE");
  const cid = [...world.clusters.keys()][0]!;
  const store = Store.open(dir);
  const requests = () => sim.requests.filter((r) => r.method !== "GET" && r.path.includes("/api/v3/")).map((r) => `${r.method} ${r.path.replace(/^.*\/clusters\//, "")}`);
  const tree = async () => (await provider.listResources()).filter((r) => r.kind === "CCE").map(unitOf);
  return { clock, world, sim, provider, terminator, store, dir, pools, cid, requests, tree };
}

const unitOf = (r: CloudResource): VirtualResource => ({ id: `CCE_${r.id}`, kind: "CCE", name: r.name, prio: 5, tags: r.tags, members: [], daily: NO_DAYS, resource: r, stopShare: 1 });
const planned = (vrId: string): PlannedTermination => ({ vrId, action: "park", prio: 5, tdate: T0, tsave: 10, tasap: true, reason: "gap" });

async function parkAll(s: Awaited<ReturnType<typeof setup>>, pools: CloudResource[], enforce = true) {
  const units = pools.map(unitOf);
  const roots = new Map(units.map((u) => [u.id, u]));
  reconcile(s.store, { now: T0 - 2 * H, graceMs: H, periodStart: period.start, desired: units.map((u) => planned(u.id)), origin: "engine", roots, budgetAtRisk: true });
  const ctx: ExecutionContext = { now: T0, dataFresh: true, isWanted: () => true, budgetAtRisk: true, roots };
  await new Executor(s.store, s.terminator, { enforce, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx);
}

function hctx(s: Awaited<ReturnType<typeof setup>>, roots: VirtualResource[], over: Partial<HibernateContext> = {}): HibernateContext {
  const now = s.clock.now();
  return {
    now,
    enforce: true,
    approval: "none",
    allowed: true,
    roots,
    vetoed: new Set(),
    complete: true,
    resume: { now, period, mode: "period-start" },
    mayAct: () => true,
    ambiguousWaitMs: 30 * MIN,
    ...over,
  };
}

const audits = (store: Store) => store.auditEvents({ limit: 1000 }).map((e) => e.action);

/** The provider's actions with `hibernateCluster` replaced (a class instance: its methods are bound, not spread). */
function withHibernate(t: ExecTerminator, hibernateCluster: (cid: string) => Promise<void>): ExecTerminator {
  const a = t.actions!;
  return {
    ...t,
    actions: {
      copy: a.copy.bind(a),
      listCopies: a.listCopies.bind(a),
      start: a.start.bind(a),
      park: a.park!.bind(a),
      resume: a.resume!.bind(a),
      clusterPhase: a.clusterPhase!.bind(a),
      awakeCluster: a.awakeCluster!.bind(a),
      hibernateCluster,
    },
  };
}

describe("hibernate once every pool is parked, wake first at the resume", () => {
  test("park both pools → hibernate (one POST, audited first) → resume: awake, then the pools come back", async () => {
    const s = await setup();
    await parkAll(s, s.pools);
    expect(s.store.listItems().map((i) => i.state)).toEqual(["DONE", "DONE"]);
    expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(1);
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Hibernation");
    const acts = audits(s.store).filter((a) => a.startsWith("hibernate."));
    expect(acts).toEqual(["hibernate.about-to-hibernate", "hibernate.hibernated"]);
    const rec = parkedItems(s.store).flatMap((i) => i.journal?.hibernation ?? []);
    expect(rec).toMatchObject([{ clusterId: s.cid, phase: "done" }]);
    // The Parked view shows the cluster, under the item keeping the record, back with its pools.
    const view = parkedEntries(s.store, { now: s.clock.now(), billingBeginDay: 1 });
    const row = view.find((e) => e.id === s.cid)!;
    expect(row).toMatchObject({ kind: "CCE", name: "cluster (hibernated)", backAt: period.end, backBy: "period-start", itemId: parkedItems(s.store).find((i) => i.journal?.hibernation?.length)!.id });
    expect(row.note).toBeUndefined();
    // Already hibernated: the next tick sends nothing.
    expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(0);
    expect(s.requests().filter((r) => r.endsWith("/operation/hibernate"))).toHaveLength(1);

    // Next period: the cluster is woken first, the pools are scaled back after it.
    s.clock.set(period.end + MIN);
    const before = s.requests().length;
    const done = await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" });
    expect(done).toHaveLength(2);
    const calls = s.requests().slice(before);
    expect(calls[0]).toBe(`POST ${s.cid}/operation/awake`);
    expect(calls.slice(1).every((c) => c.startsWith("PUT "))).toBe(true);
    expect(calls).toHaveLength(3);
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Available");
    expect(s.pools.map((p) => s.world.nodePools.get(p.id)!.currentNode)).toEqual([3, 3]);
    expect(parkedEntries(s.store, { now: s.clock.now(), billingBeginDay: 1 })).toEqual([]);
    // The wake-up is kept (whichever item carries the record and whichever resumes first).
    expect(s.store.listItems().flatMap((i) => i.journal?.hibernation ?? []).map((h) => h.wake?.outcome)).toEqual(["woken"]);
    expect(audits(s.store)).not.toContain("resume.left-alone");
    const acts2 = audits(s.store).filter((a) => a.startsWith("resume."));
    expect(acts2.indexOf("resume.about-to-awake")).toBeLessThan(acts2.indexOf("resume.woken"));
    expect(acts2.indexOf("resume.woken")).toBeLessThan(acts2.indexOf("resume.about-to-start"));
  });

  test("not every pool parked, a pool or the cluster vetoed, config off, approval missing: no hibernation", async () => {
    const s = await setup();
    await parkAll(s, [s.pools[0]!]);
    expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(0);
    await parkAll(s, s.pools); // now the second one too
    const items = parkedItems(s.store);
    const roots = await s.tree();
    expect(clustersToHibernate(items, hctx(s, roots, { vetoed: new Set([`CCE_${s.pools[1]!.id}`]) }))).toEqual([]);
    expect(clustersToHibernate(items, hctx(s, roots, { vetoed: new Set([`GH_CCE_${s.cid}`]) }))).toEqual([]);
    expect(clustersToHibernate(items, hctx(s, roots, { allowed: false }))).toEqual([]);
    expect(clustersToHibernate(items, hctx(s, roots, { approval: "required" }))).toEqual([]);
    expect(clustersToHibernate(items, hctx(s, roots, { complete: false }))).toEqual([]);
    // A pool of the cluster someone else scaled up after the park: not all at 0.
    const up = roots.map((u, i) => (i === 0 ? unitOf({ ...u.resource!, nodeCount: 2 }) : u));
    expect(clustersToHibernate(items, hctx(s, up))).toEqual([]);
    // Due to resume (the next period started): never hibernated.
    expect(clustersToHibernate(items, hctx(s, roots, { resume: { now: period.end, period: next, mode: "period-start" } }))).toEqual([]);
    expect(clustersToHibernate(items, hctx(s, roots)).map((c) => c.clusterId)).toEqual([s.cid]);
    expect(s.world.mutations.calls.get(`CCE.hibernate:${s.cid}`)).toBeUndefined();
  });

  test("enforce: false: audited as would-hibernate, nothing sent, and the resume audits would-awake", async () => {
    const s = await setup();
    await parkAll(s, s.pools, false);
    expect(s.store.listItems().every((i) => i.dryRun)).toBe(true);
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree(), { enforce: false }));
    expect(audits(s.store)).toContain("hibernate.would-hibernate");
    expect(parkedItems(s.store).flatMap((i) => i.journal?.hibernation ?? [])).toMatchObject([{ dryRun: true, phase: "done" }]);
    s.clock.set(period.end + MIN);
    await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" });
    expect(audits(s.store)).toContain("resume.would-awake");
    expect(s.world.mutations.total).toBe(0);
  });
});

describe("the engine tick", () => {
  test("hibernates after the resumes on a fresh sync; actions.hibernate-clusters: false forbids it", async () => {
    const s = await setup();
    await parkAll(s, s.pools);
    const roots = await s.tree();
    const ev = { roots, vetoedLeaves: new Map(), budget: { gap: 100 } } as unknown as Evaluation;
    const deps = (hibernateClusters: boolean) => ({
      resumeStore: s.store,
      store: s.store,
      terminator: s.terminator,
      settings: { enforce: true, approval: "none", maxTerminationsPerRun: 10, billingBeginDay: 1, hibernateClusters } as unknown as EngineSettings,
      mayAct: () => true,
    });
    // A third pool of the cluster, of another ot3c instance (excluded from the tree), with nodes: never hibernated.
    const other = unitOf({ ...s.pools[0]!, id: "pool-of-another-instance", nodeCount: 2 });
    await parkingTick(deps(true), { ...ev, excluded: [other] } as Evaluation, true, s.clock.now(), true);
    expect(s.world.clusters.get(s.cid)!.phase ?? "Available").toBe("Available");
    await parkingTick(deps(false), ev, true, s.clock.now(), true);
    expect(s.world.clusters.get(s.cid)!.phase ?? "Available").toBe("Available");
    await parkingTick(deps(true), ev, true, s.clock.now(), false); // not a fresh sync: not yet
    expect(s.world.clusters.get(s.cid)!.phase ?? "Available").toBe("Available");
    await parkingTick(deps(true), ev, true, s.clock.now(), true);
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Hibernation");
  });
});

describe("exactly once: observation decides", () => {
  test("crash between journal and call: nothing re-sent within the wait; after it, hibernated once", async () => {
    const s = await setup();
    await parkAll(s, s.pools);
    const crashing = withHibernate(s.terminator, async () => {
      throw new Error("process killed");
    });
    await hibernateTick(s.store, crashing, hctx(s, await s.tree()));
    // What a crash right after the journal write leaves: the record pending (the failure handler never ran).
    const carrier = parkedItems(s.store).find((i) => i.journal?.hibernation?.length)!;
    carrier.journal!.hibernation![0]!.phase = "pending";
    s.store.updateItem(carrier.id, { journal: carrier.journal }, s.clock.now());
    s.clock.advance(10 * MIN);
    expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(0);
    expect(s.world.mutations.calls.get(`CCE.hibernate:${s.cid}`)).toBeUndefined();
    s.clock.advance(25 * MIN);
    expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(1);
    expect(s.world.mutations.calls.get(`CCE.hibernate:${s.cid}`)).toBe(1);
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Hibernation");
    expect(audits(s.store)).toContain("hibernate.abandoned");
  });

  test("accepted, answer lost, process gone (INIT hold): the next ticks observe until Hibernation, one POST", async () => {
    const s = await setup({ holdMs: 20 * MIN });
    await parkAll(s, s.pools);
    // The POST is sent and accepted, then the process dies before any answer.
    const dying = withHibernate(s.terminator, async (cid) => {
      const c = await s.provider.session.clients();
      await c.cce.json("POST", `/api/v3/projects/${c.projectId}/clusters/${cid}/operation/hibernate`, { body: {} });
      throw new Error("process killed");
    });
    await hibernateTick(s.store, dying, hctx(s, await s.tree()));
    const carrier = parkedItems(s.store).find((i) => i.journal?.hibernation?.length)!;
    carrier.journal!.hibernation![0]!.phase = "pending";
    s.store.updateItem(carrier.id, { journal: carrier.journal }, s.clock.now());
    for (let i = 0; i < 3; i++) {
      s.clock.advance(5 * MIN);
      expect(await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()))).toBe(0);
      expect(s.world.clusters.get(s.cid)!.phase ?? "Available").toBe("Available"); // held in INIT
    }
    s.clock.advance(10 * MIN); // the hold ends; the job runs and finishes on the next reads
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Hibernation");
    expect(parkedItems(s.store).flatMap((i) => i.journal?.hibernation ?? [])).toMatchObject([{ phase: "done" }]);
    expect(s.world.mutations.calls.get(`CCE.hibernate:${s.cid}`)).toBe(1);
  });

  test("lost answers on every mutation (accept-reset): hibernate and wake each sent once", async () => {
    const faults = new FaultInjector({ rate: 0, kinds: ["accept-reset"], retryAfterSeconds: 0, slowMs: 0, seed: 3 });
    const s = await setup({ holdMs: 5 * MIN, faults });
    await parkAll(s, s.pools);
    faults.setProfile({ rate: 1, kinds: ["accept-reset"], retryAfterSeconds: 0, slowMs: 0, seed: 3 });
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Hibernation");
    faults.setProfile({ rate: 0, kinds: ["accept-reset"], retryAfterSeconds: 0, slowMs: 0, seed: 3 });
    s.clock.set(period.end + MIN);
    faults.setProfile({ rate: 1, kinds: ["accept-reset"], retryAfterSeconds: 0, slowMs: 0, seed: 3 });
    await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" });
    expect(s.world.clusters.get(s.cid)!.phase).toBe("Available");
    expect([s.world.mutations.calls.get(`CCE.hibernate:${s.cid}`), s.world.mutations.calls.get(`CCE.awake:${s.cid}`)]).toEqual([1, 1]);
  });
});

describe("meanwhile", () => {
  test("a cluster someone else woke is left alone and noted; the pools still come back", async () => {
    const s = await setup();
    await parkAll(s, s.pools);
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    s.world.clusters.get(s.cid)!.phase = "Available";
    s.clock.set(period.end + MIN);
    expect(await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" })).toHaveLength(2);
    const rec = s.store.listItems().flatMap((i) => i.journal?.hibernation ?? []);
    expect(rec[0]!.wake).toMatchObject({ outcome: "left-alone", note: "woken by someone else meanwhile; left as it is" });
    expect(s.world.mutations.calls.get(`CCE.awake:${s.cid}`)).toBeUndefined();
    expect(s.pools.map((p) => s.world.nodePools.get(p.id)!.currentNode)).toEqual([3, 3]);
  });

  test("a cluster deleted meanwhile: left alone, its pools found gone", async () => {
    const s = await setup();
    await parkAll(s, s.pools);
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    s.world.clusters.delete(s.cid);
    for (const p of s.pools) s.world.nodePools.delete(p.id);
    s.clock.set(period.end + MIN);
    expect(await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" })).toHaveLength(2);
    const rec = s.store.listItems().flatMap((i) => i.journal?.hibernation ?? []);
    expect(rec[0]!.wake).toMatchObject({ outcome: "left-alone", note: "deleted meanwhile; nothing to wake" });
  });

  test("a wake-up still under way: the pools wait (no scaling while the cluster is not Available)", async () => {
    const s = await setup({ holdMs: 0 });
    await parkAll(s, s.pools);
    await hibernateTick(s.store, s.terminator, hctx(s, await s.tree()));
    s.world.clusters.get(s.cid)!.phase = "Awaking"; // someone else's wake-up, still running
    s.clock.set(period.end + MIN);
    expect(await resumeTick(s.store, s.terminator, { now: s.clock.now(), period: next, mode: "period-start" })).toEqual([]);
    expect(s.pools.map((p) => s.world.nodePools.get(p.id)!.currentNode)).toEqual([0, 0]);
    s.world.clusters.get(s.cid)!.phase = "Available";
    expect(await resumeTick(s.store, s.terminator, { now: s.clock.now() + MIN, period: next, mode: "period-start" })).toHaveLength(2);
  });
});

describe("the forecast counts the cluster fee only once hibernation is seen", () => {
  const now = Date.parse("2026-11-10T09:00:00Z");
  const p = billingPeriod(now, 1);
  const dayEnd = Date.parse("2026-11-10T23:00:00Z"); // Berlin midnight
  const restOfToday = (dayEnd - now) / 86_400_000;
  const options: EvaluateOptions = { targetBudget: 10_000, quantile: "p50", model: "run-rate", plannerMode: "optimal", graceMs: 24 * H, billingBeginDay: 1 };
  const pool: CloudResource = { kind: "CCE", id: "np", name: "pool", status: "Available", tags: { ot3c_prio: "40" }, clusterId: "cl", nodeCount: 0 };
  const costs: CostRecord[] = [];
  for (let d = "2026-09-01"; d <= "2026-11-08"; d = addDays(d, 1)) {
    costs.push({ date: d, resourceId: "np", product: "OTC_CCE_NODE_S3_XLARGE_4", amount: 9 });
    costs.push({ date: d, resourceId: "cl", product: "OTC_CCE_CLUSTER", amount: 2 });
  }
  const item = (hibernation?: HibernationJournal[]): StoredPlanItem => ({
    id: "it1", vrId: "CCE_np", action: "park", state: "DONE", prio: 40, tdate: now, tsave: 0, tasap: true, reason: "test", deadline: now,
    createdAt: now - H, updatedAt: now, periodStart: p.start, origin: "engine", dryRun: false, resources: [pool],
    journal: { action: "park", steps: [{ resourceId: "np", kind: "CCE", phase: "done", parked: { kind: "CCE", id: "np", parkedAt: now, formerNodeCount: 3 } }], startedAt: now, ...(hibernation ? { hibernation } : {}) },
  });
  const feeOf = (hibernation?: HibernationJournal[]) => {
    const ev = evaluate({ resources: [pool], costs, options, now, ledger: ledgerFromItems([item(hibernation)], p.start) });
    const ghost = ev.roots.find((r) => r.kind === "GHOST" && r.id.endsWith("_cl"))!;
    return { fee: ev.forecasts[ghost.id]!.monthEnd.p50, total: ev.budget.forecast.p50 };
  };

  test("parked pools only: the fee stays; hibernation seen: it ends then, until the wake-up; pending or failed: stays", () => {
    const parked = feeOf();
    expect(feeOf([{ clusterId: "cl", phase: "pending", calledAt: now }]).fee).toBeCloseTo(parked.fee, 9);
    expect(feeOf([{ clusterId: "cl", phase: "failed", calledAt: now, note: "x" }]).fee).toBeCloseTo(parked.fee, 9);
    const hib = feeOf([{ clusterId: "cl", phase: "done", calledAt: now, doneAt: now }]);
    // The rest of today and Nov 11..30 lose the fee of 2 per day (Nov 9 still lags, billed before).
    expect(parked.fee - hib.fee).toBeCloseTo(2 * (restOfToday + 20), 6);
    expect(parked.total - hib.total).toBeCloseTo(2 * (restOfToday + 20), 6);
    // Woken on Nov 20 at Berlin midnight: the fee bills again from then.
    const woken = feeOf([{ clusterId: "cl", phase: "done", calledAt: now, doneAt: now, wake: { outcome: "woken", at: Date.parse("2026-11-19T23:00:00Z") } }]);
    expect(parked.fee - woken.fee).toBeCloseTo(2 * (restOfToday + 9), 6);
  });
});
