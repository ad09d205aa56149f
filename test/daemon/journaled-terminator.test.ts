/**
 * At most one call per resource against the simulated cloud with the real job timing: an accepted job sits in INIT
 * (resource unchanged, ECS `task_state: null`) before it runs, and the answer to the accepted call is lost — a
 * connection reset or a gateway 502 after the cloud processed it. The executor must resolve each outcome by
 * observation (wait for the job's effect) and never send the call again.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type StoredPlanItem } from "../../src/store/store.ts";
import { reconcile } from "../../src/engine/lifecycle.ts";
import { Executor } from "../../src/engine/executor.ts";
import type { ExecutionContext } from "../../src/engine/execution.ts";
import { ManualClock, type CloudResource, type PlannedTermination, type VirtualResource } from "../../src/engine/types.ts";
import { JournaledOtcTerminator } from "../../src/daemon/journaled-terminator.ts";
import { createOtcProvider } from "../../src/providers/otc/index.ts";
import { FaultInjector } from "../../src/sim/faults.ts";
import { credsFor, makeWorld, startSim } from "../sim/otc/world.ts";
import { NO_DAYS } from "../../src/engine/virtual/day-series.ts";

const MIN = 60_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function vrOf(r: CloudResource): VirtualResource {
  return { id: `${r.kind}_${r.id}`, kind: r.kind, name: r.name, prio: 5, tags: {}, members: [], daily: NO_DAYS, resource: r } as VirtualResource;
}

async function run(kind: "accept-reset" | "accept-502", wanted: (r: CloudResource) => boolean, action: "delete" | "stop" = "delete") {
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 9));
  const world = makeWorld({ servers: 2, freeVolumes: 1, rds: 2 });
  // Every mutation is accepted, then its answer is lost; GETs are never faulted by these kinds.
  const faults = new FaultInjector({ rate: 1, kinds: [kind], retryAfterSeconds: 0, slowMs: 0, seed: 1 });
  const sim = startSim(world, { jobInitHoldMs: 10 * MIN, jobRunMs: 3 * MIN, now: () => clock.now() }, undefined, faults);
  try {
    const jobs = { intervalMs: 1000, sleep: async (ms: number) => clock.advance(ms), now: () => clock.now() };
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), { sleep: async () => {}, jobs });
    const terminator = new JournaledOtcTerminator(provider.session, provider.terminator, jobs);
    const targets = (await provider.listResources()).filter(wanted);
    expect(targets.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), "ot3c-jt-"));
    dirs.push(dir);
    const store = Store.open(dir);
    const roots = new Map(targets.map((r) => [`${r.kind}_${r.id}`, vrOf(r)]));
    const desired: PlannedTermination[] = [...roots.keys()].map((vrId) => ({ vrId, action, prio: 5, tdate: 0, tsave: 1, tasap: true, reason: "gap" }));
    reconcile(store, { now: clock.now(), graceMs: 0, periodStart: 0, desired, origin: "engine", roots, budgetAtRisk: true });
    const ex = new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 });
    const ctx = (): ExecutionContext => ({ now: clock.now(), dataFresh: true, isWanted: (_i: StoredPlanItem) => true, budgetAtRisk: true, roots });
    for (let i = 0; i < 40 && store.listItems({ states: ["PENDING", "EXECUTING"] }).length > 0; i++) {
      await ex.tick(ctx());
      clock.advance(MIN);
    }
    const items = store.listItems();
    const audit = store.auditEvents({ limit: 1000 }).map((e) => e.action);
    store.close();
    return { world, items, audit, injected: faults.injected[kind], targets };
  } finally {
    sim.stop();
  }
}

describe("ambiguous outcomes with real job timing (INIT hold, answer lost after acceptance)", () => {
  for (const kind of ["accept-reset", "accept-502"] as const) {
    test(`${kind}: ECS delete — ACTIVE with task_state null for 10 min, then deleting, then gone: one call, DONE`, async () => {
      const r = await run(kind, (x) => x.kind === "ECS");
      expect(r.injected).toBe(2);
      expect([...r.world.mutations.calls.entries()].filter(([k]) => k.startsWith("ECS.delete"))).toEqual(r.targets.map((t) => [`ECS.delete:${t.id}`, 1]));
      expect(r.items.map((i) => i.state)).toEqual(["DONE", "DONE"]);
      expect(r.audit.filter((a) => a === "terminate.ambiguous").length).toBe(2);
      expect(r.audit.filter((a) => a === "terminate.resolved").length).toBe(2);
      expect(r.audit).not.toContain("terminate.resend-after-wait");
      expect(r.world.servers.size).toBe(0);
    }, 30_000);

    test(`${kind}: EVS and RDS delete — unchanged during the hold, then the effect: one call each`, async () => {
      const r = await run(kind, (x) => x.kind === "RDS" || (x.kind === "EVS" && x.attachedServerIds!.length === 0));
      for (const [key, n] of r.world.mutations.calls) expect(`${key} × ${n}`).toBe(`${key} × 1`);
      expect(r.world.mutations.total).toBe(r.targets.length);
      expect(r.items.every((i) => i.state === "DONE")).toBe(true);
    }, 30_000);
  }

  test("accept-reset: ECS stop — powering-off shows after the hold, SHUTOFF after the run: one call", async () => {
    const r = await run("accept-reset", (x) => x.kind === "ECS", "stop");
    for (const [key, n] of r.world.mutations.calls) expect(`${key} × ${n}`).toBe(`${key} × 1`);
    expect(r.items.every((i) => i.state === "DONE")).toBe(true);
    expect([...r.world.servers.values()].every((s) => s.status === "SHUTOFF")).toBe(true);
  }, 30_000);
});
