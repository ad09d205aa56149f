import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type StoredPlanItem } from "../../src/store/store.ts";
import { applyCommand, reconcile } from "../../src/engine/lifecycle.ts";
import { Executor } from "../../src/engine/executor.ts";
import { AMBIGUOUS_WAIT_MS, type ExecTerminator, type ExecutorSettings, type ExecutionContext, type TerminationHooks } from "../../src/engine/execution.ts";
import type { CloudResource, PlannedTermination, VirtualResource } from "../../src/engine/types.ts";
import { NO_DAYS } from "../../src/engine/virtual/day-series.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function open(): Store {
  const d = mkdtempSync(join(tmpdir(), "ot3c-ex-"));
  dirs.push(d);
  return Store.open(d);
}
const H = 3600_000;

/** An in-memory cloud: resources by id, every mutating call counted, jobs that finish on demand. */
class FakeCloud implements ExecTerminator {
  resources = new Map<string, CloudResource>();
  calls: string[] = [];
  failNext?: string;
  jobs = new Map<string, string>();
  awaitJob?: (r: CloudResource, jobId: string) => Promise<void>;
  mutationVisible?: (r: CloudResource) => boolean;
  add(kind: "ECS" | "EVS", id: string) {
    this.resources.set(id, { kind, id, name: id, status: kind === "ECS" ? "ACTIVE" : "in-use", tags: {} });
  }
  async get(r: CloudResource) {
    const c = this.resources.get(r.id);
    return c ? { ...c } : undefined;
  }
  async stop(r: CloudResource, hooks?: TerminationHooks) {
    this.calls.push(`stop:${r.id}`);
    hooks?.onJob?.(`job-stop-${r.id}`);
    this.resources.get(r.id)!.status = "SHUTOFF";
  }
  async delete(r: CloudResource, hooks?: TerminationHooks) {
    this.calls.push(`delete:${r.id}`);
    if (this.failNext) {
      const m = this.failNext;
      this.failNext = undefined;
      throw new Error(m);
    }
    hooks?.onJob?.(`job-del-${r.id}`);
    this.resources.delete(r.id);
  }
}

function vr(id: string, kind: "ECS" | "EVS" | "RDS" = "ECS"): VirtualResource {
  return { id: `${kind}_${id}`, kind, name: id, prio: 5, tags: {}, members: [], daily: NO_DAYS, resource: { kind, id, name: id, status: "ACTIVE", tags: {} } };
}
function group(...m: VirtualResource[]): VirtualResource {
  return { id: `GR_[${m.map((x) => x.id).join(",")}]`, kind: "GROUP", name: "g", prio: 5, tags: {}, members: m, daily: NO_DAYS };
}
function p(vrId: string, action: "stop" | "delete" = "delete"): PlannedTermination {
  return { vrId, action, prio: 5, tdate: 0, tsave: 10, tasap: true, reason: "gap" };
}

function setup(vrs: VirtualResource[], desired: PlannedTermination[], settings: ExecutorSettings = { enforce: true, approval: "none", maxTerminationsPerRun: 10 }) {
  const store = open();
  const cloud = new FakeCloud();
  for (const v of vrs) for (const l of v.kind === "GROUP" ? v.members : [v]) cloud.add(l.kind as "ECS" | "EVS", l.resource!.id);
  const roots = new Map(vrs.map((v) => [v.id, v]));
  reconcile(store, { now: 0, graceMs: H, periodStart: 0, desired, origin: "engine", roots, budgetAtRisk: true });
  const events: string[] = [];
  const ex = new Executor(store, cloud, settings, { onItem: (k, i) => events.push(`${k}:${i.vrId}`), onAlert: (m) => events.push(`alert:${m.slice(0, 10)}`) });
  const wanted = new Set(desired.map((d) => d.vrId));
  const ctx = (now: number, over: Partial<ExecutionContext> = {}): ExecutionContext => ({ now, dataFresh: true, isWanted: (i: StoredPlanItem) => wanted.has(i.vrId), budgetAtRisk: true, roots, ...over });
  return { store, cloud, ex, ctx, events, wanted };
}

describe("Executor", () => {
  test("nothing happens before the deadline; at the deadline server then volume are deleted, audited before", async () => {
    const g = group(vr("s"), vr("v", "EVS"));
    const { store, cloud, ex, ctx, events } = setup([g], [p(g.id)]);
    expect((await ex.tick(ctx(H - 1))).started).toEqual([]);
    expect(cloud.calls).toEqual([]);
    const r = await ex.tick(ctx(H));
    expect(r.started.length).toBe(1);
    expect(cloud.calls).toEqual(["delete:s", "delete:v"]);
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    expect(item.journal!.steps.map((s) => s.phase)).toEqual(["done", "done"]);
    const actions = store.auditEvents().map((e) => e.action);
    expect(actions.indexOf("terminate.about-to-delete")).toBeLessThan(actions.indexOf("terminate.deleted"));
    expect(events).toEqual([`executed:${g.id}`]);
  });

  test("stop acts on servers only", async () => {
    const g = group(vr("s"), vr("v", "EVS"));
    const { store, cloud, ex, ctx } = setup([g], [p(g.id, "stop")]);
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual(["stop:s"]);
    expect(store.listItems()[0]!.state).toBe("DONE");
  });

  test("stop reaches databases too (the planner plans RDS stops)", async () => {
    const d = vr("db", "RDS");
    const { store, cloud, ex, ctx } = setup([d], [p(d.id, "stop")]);
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual(["stop:db"]);
    expect(store.listItems()[0]!.state).toBe("DONE");
  });

  test("enforce: false → audited 'would delete', DONE with a dry-run marker, no API call", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")], { enforce: false, approval: "none", maxTerminationsPerRun: 10 });
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual([]);
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    expect(item.dryRun).toBe(true);
    expect(store.auditEvents().some((e) => e.action === "terminate.would-delete")).toBe(true);
  });

  test("approval: required waits at the deadline until approved", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")], { enforce: true, approval: "required", maxTerminationsPerRun: 10 });
    const id = store.listItems()[0]!.id;
    const r = await ex.tick(ctx(2 * H));
    expect(r.waitingForApproval).toEqual([id]);
    expect(cloud.calls).toEqual([]);
    store.updateItem(id, { state: "APPROVED", approvedBy: "bob" }, 2 * H);
    await ex.tick(ctx(2 * H + 1));
    expect(cloud.calls).toEqual(["delete:a"]);
  });

  test("re-check at the deadline: not wanted / budget OK → CANCELLED; resource gone → GONE; stale data → held", async () => {
    const { store, cloud, ex, ctx, events } = setup([vr("a"), vr("b"), vr("c")], [p("ECS_a"), p("ECS_b"), p("ECS_c")]);
    const r0 = await ex.tick(ctx(H, { dataFresh: false }));
    expect(r0.held).toMatch(/stale/);
    cloud.resources.delete("c");
    await ex.tick(ctx(H, { isWanted: (i) => i.vrId !== "ECS_a", budgetAtRisk: true, roots: new Map([["ECS_a", vr("a")], ["ECS_b", vr("b")], ["ECS_c", vr("c")]]) }));
    expect(store.listItems({ vrId: "ECS_a" })[0]!.state).toBe("CANCELLED");
    expect(store.listItems({ vrId: "ECS_c" })[0]!.state).toBe("GONE");
    expect(store.listItems({ vrId: "ECS_b" })[0]!.state).toBe("DONE");
    expect(cloud.calls).toEqual(["delete:b"]);
    expect(events.sort()).toEqual(["cancelled:ECS_a", "executed:ECS_b", "gone:ECS_c"]);
  });

  test("budget no longer at risk at the deadline → CANCELLED, nothing deleted", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")]);
    await ex.tick(ctx(H, { budgetAtRisk: false }));
    expect(cloud.calls).toEqual([]);
    expect(store.listItems()[0]!.error).toMatch(/budget no longer at risk/);
  });

  test("a volume attached to a server outside the item → FAILED with a clear reason, no call", async () => {
    const { store, cloud, ex, ctx } = setup([vr("v", "EVS")], [p("EVS_v")]);
    cloud.resources.get("v")!.attachedServerIds = ["other-server"];
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual([]);
    const item = store.listItems()[0]!;
    expect(item.state).toBe("FAILED");
    expect(item.error).toContain("attached to server other-server");
  });

  test("an API error → FAILED with the error", async () => {
    const { store, cloud, ex, ctx, events } = setup([vr("a")], [p("ECS_a")]);
    cloud.failNext = "Ecs.0114: server is locked";
    await ex.tick(ctx(H));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("FAILED");
    expect(item.error).toContain("Ecs.0114");
    expect(events).toEqual(["failed:ECS_a"]);
  });

  test("max-terminations-per-run: more due than allowed → nothing runs, one alert", async () => {
    const { store, cloud, ex, ctx, events } = setup([vr("a"), vr("b"), vr("c")], [p("ECS_a"), p("ECS_b"), p("ECS_c")], { enforce: true, approval: "none", maxTerminationsPerRun: 2 });
    const r = await ex.tick(ctx(H));
    expect(r.alerts[0]).toContain("max-terminations-per-run is 2");
    await ex.tick(ctx(H + 1));
    expect(cloud.calls).toEqual([]);
    expect(store.auditEvents().filter((e) => e.action === "brake.tripped").length).toBe(1);
    expect(events.filter((e) => e.startsWith("alert")).length).toBe(1);
  });

  describe("restart with an item left EXECUTING", () => {
    function crashed(phase: "calling" | "pending", jobId?: string) {
      const s = setup([group(vr("s"), vr("v", "EVS"))], [p("GR_[ECS_s,EVS_v]")]);
      const item = s.store.listItems()[0]!;
      s.store.updateItem(item.id, { state: "EXECUTING", resources: item.resources, journal: { action: "delete", startedAt: H, steps: [{ resourceId: "s", kind: "ECS", phase, ...(jobId ? { jobId } : {}) }, { resourceId: "v", kind: "EVS", phase: "pending" }] } }, H);
      return { ...s, id: item.id };
    }

    test("call reached the API (resource gone) → not re-sent; the rest continues", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      cloud.resources.delete("s");
      await ex.tick(ctx(H + 5));
      expect(cloud.calls).toEqual(["delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });

    test("volume deletion under way → accepted, never re-sent", async () => {
      const { store, cloud, ex, ctx, id } = crashed("done" as "pending");
      const it = store.getItem(id)!;
      store.updateItem(id, { journal: { ...it.journal!, steps: [{ resourceId: "s", kind: "ECS", phase: "done" }, { resourceId: "v", kind: "EVS", phase: "calling" }] } }, H);
      cloud.resources.delete("s");
      cloud.resources.get("v")!.status = "deleting";
      await ex.tick(ctx(H + 5));
      expect(cloud.calls).toEqual([]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });

    test("server deletion under way → waits, never re-sent", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      cloud.resources.get("s")!.status = "DELETING";
      await ex.tick(ctx(H + 5));
      await ex.tick(ctx(H + 10));
      expect(cloud.calls).toEqual([]);
      expect(store.getItem(id)!.state).toBe("EXECUTING");
      cloud.resources.delete("s");
      await ex.tick(ctx(H + 15));
      expect(cloud.calls).toEqual(["delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });

    test("server deletion that never finishes → FAILED for an operator after the wait limit, nothing re-sent", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      cloud.resources.get("s")!.status = "DELETING";
      await ex.tick(ctx(H + 3 * H));
      expect(cloud.calls).toEqual([]);
      expect(store.getItem(id)!.state).toBe("FAILED");
      expect(store.getItem(id)!.error).toContain("outcome unknown");
    });

    test("known job → awaited, not re-sent", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling", "job-1");
      const awaited: string[] = [];
      cloud.awaitJob = async (r, job) => {
        awaited.push(`${r.id}:${job}`);
        cloud.resources.delete(r.id);
      };
      await ex.tick(ctx(H + 5));
      expect(awaited).toEqual(["s:job-1"]);
      expect(cloud.calls).toEqual(["delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });

    test("untouched, no job: observed for the bounded wait, never re-sent while the accepted job may still start", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      cloud.mutationVisible = () => true; // ECS: task_state present (null while the job sits in INIT)
      // The real cloud: the delete was accepted, its job sits in INIT, the server still reads ACTIVE.
      await ex.tick(ctx(H + 5));
      await ex.tick(ctx(H + AMBIGUOUS_WAIT_MS / 2));
      expect(cloud.calls).toEqual([]);
      expect(store.getItem(id)!.state).toBe("EXECUTING");
      expect(store.auditEvents().filter((e) => e.action === "terminate.ambiguous").length).toBe(1);
      // The job starts: the deletion shows; the executor follows it to the end without a second call.
      cloud.resources.get("s")!.status = "DELETING";
      await ex.tick(ctx(H + AMBIGUOUS_WAIT_MS + 10));
      expect(cloud.calls).toEqual([]);
      cloud.resources.delete("s");
      await ex.tick(ctx(H + AMBIGUOUS_WAIT_MS + 20));
      expect(cloud.calls).toEqual(["delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
      expect(store.auditEvents().some((e) => e.action === "terminate.resolved" && e.detail!.includes("ECS s: resource gone"))).toBe(true);
    });

    test("the wait counts from the first observation after the call (the tick's time of a call may precede the request)", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      const it = store.getItem(id)!;
      store.updateItem(id, { journal: { ...it.journal!, steps: it.journal!.steps.map((st) => (st.resourceId === "s" ? { ...st, calledAt: H } : st)) } }, H);
      cloud.mutationVisible = () => true;
      await ex.tick(ctx(H + AMBIGUOUS_WAIT_MS)); // first observation after the restart
      expect(cloud.calls).toEqual([]);
      await ex.tick(ctx(2 * H + AMBIGUOUS_WAIT_MS - 1 - H));
      expect(cloud.calls).toEqual([]);
      await ex.tick(ctx(H + 2 * AMBIGUOUS_WAIT_MS));
      expect(cloud.calls).toEqual(["delete:s", "delete:v"]);
    });

    test("still untouched after the wait, and a started job would show → provably untouched: re-sent once, audited; a second ambiguity fails instead", async () => {
      const { store, cloud, ex, ctx } = crashed("calling");
      cloud.mutationVisible = () => true;
      await ex.tick(ctx(H + 5));
      expect(cloud.calls).toEqual([]);
      await ex.tick(ctx(H + 5 + AMBIGUOUS_WAIT_MS));
      expect(cloud.calls).toEqual(["delete:s", "delete:v"]);
      const resend = store.auditEvents().find((e) => e.action === "terminate.resend-after-wait");
      expect(resend?.detail).toContain("ECS s: still ACTIVE with no job id and no task 30 min after the interrupted call");

      const second = crashed("calling");
      const it = second.store.getItem(second.id)!;
      second.store.updateItem(second.id, { journal: { ...it.journal!, retried: true } }, H);
      second.cloud.mutationVisible = () => true;
      await second.ex.tick(second.ctx(H + 5));
      await second.ex.tick(second.ctx(H + 5 + AMBIGUOUS_WAIT_MS));
      expect(second.cloud.calls).toEqual([]);
      expect(second.store.getItem(second.id)!.state).toBe("FAILED");
    });

    test("a stop whose task shows (powering-off) is followed, not re-sent", async () => {
      const s = setup([vr("a")], [p("ECS_a", "stop")]);
      const item = s.store.listItems()[0]!;
      s.store.updateItem(item.id, { state: "EXECUTING", resources: item.resources, journal: { action: "stop", startedAt: H, steps: [{ resourceId: "a", kind: "ECS", phase: "calling", calledAt: H }] } }, H);
      s.cloud.mutationVisible = () => true;
      s.cloud.resources.get("a")!.status = "POWERING-OFF";
      await s.ex.tick(s.ctx(H + 2 * AMBIGUOUS_WAIT_MS));
      expect(s.cloud.calls).toEqual([]);
      expect(s.store.getItem(item.id)!.state).toBe("EXECUTING");
      s.cloud.resources.get("a")!.status = "SHUTOFF";
      await s.ex.tick(s.ctx(H + 2 * AMBIGUOUS_WAIT_MS + 1));
      expect(s.store.getItem(item.id)!.state).toBe("DONE");
      expect(s.cloud.calls).toEqual([]);
    });

    test("untouched after the wait, and the API cannot show a started job → FAILED 'outcome unknown', not re-planned, re-armed by approve", async () => {
      const { store, cloud, ex, ctx, id } = crashed("calling");
      await ex.tick(ctx(H + 5));
      expect(store.getItem(id)!.state).toBe("EXECUTING");
      await ex.tick(ctx(H + 5 + AMBIGUOUS_WAIT_MS));
      expect(cloud.calls).toEqual([]);
      const failed = store.getItem(id)!;
      expect(failed.state).toBe("FAILED");
      expect(failed.error).toContain("outcome unknown");
      const g = group(vr("s"), vr("v", "EVS"));
      reconcile(store, { now: H + 6 + AMBIGUOUS_WAIT_MS, graceMs: H, periodStart: 0, desired: [p(g.id)], origin: "engine", roots: new Map([[g.id, g]]), budgetAtRisk: true });
      expect(store.listItems({ vrId: g.id }).length).toBe(1);
      const r = applyCommand(store, { type: "approve", ids: [id], actor: "ops", source: "cli" }, H + 7 + AMBIGUOUS_WAIT_MS);
      expect(r.ok).toBe(true);
      await ex.tick(ctx(H + 8 + AMBIGUOUS_WAIT_MS));
      expect(cloud.calls).toEqual(["delete:s", "delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });

    test("killed between steps → resumes the pending step only", async () => {
      const { store, cloud, ex, ctx, id } = crashed("pending");
      store.updateItem(id, { journal: { action: "delete", startedAt: H, steps: [{ resourceId: "s", kind: "ECS", phase: "done" }, { resourceId: "v", kind: "EVS", phase: "pending" }] } }, H);
      cloud.resources.delete("s");
      await ex.tick(ctx(H + 5));
      expect(cloud.calls).toEqual(["delete:v"]);
      expect(store.getItem(id)!.state).toBe("DONE");
    });
  });

  test("requestStop: nothing new starts", async () => {
    const { cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")]);
    ex.requestStop();
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual([]);
  });
});

describe("Executor: overlapping items", () => {
  test("a resource another EXECUTING item still works on is not touched by a second item", async () => {
    const g = group(vr("s"), vr("v", "EVS"));
    const { store, cloud, ex, ctx } = setup([g, vr("v", "EVS")], [p(g.id), p("EVS_v")]);
    const gi = store.listItems({ vrId: g.id })[0]!;
    // The group item was killed while its server deletion ran; its volume step is still pending.
    store.updateItem(gi.id, { state: "EXECUTING", journal: { action: "delete", startedAt: 0, steps: [{ resourceId: "s", kind: "ECS", phase: "calling" }, { resourceId: "v", kind: "EVS", phase: "pending" }] } }, 0);
    cloud.resources.get("s")!.status = "DELETING";
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual([]);
    expect(store.listItems({ vrId: "EVS_v" })[0]!.state).toBe("PENDING");
    cloud.resources.delete("s");
    await ex.tick(ctx(H + 1));
    expect(store.getItem(gi.id)!.state).toBe("DONE");
    expect(store.listItems({ vrId: "EVS_v" })[0]!.state).toBe("GONE");
    expect(cloud.calls).toEqual(["delete:v"]);
  });
});

describe("Executor: operator commands racing the re-check", () => {
  test("a veto that lands while the resource is being re-read wins; nothing is deleted", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")]);
    const id = store.listItems()[0]!.id;
    const realGet = cloud.get.bind(cloud);
    cloud.get = async (r: CloudResource) => {
      // The operator's veto arrives (socket/CLI) while the executor awaits the API.
      applyCommand(store, { type: "veto", ids: [id], reason: "no!", actor: "ops", source: "socket" }, H);
      return realGet(r);
    };
    await ex.tick(ctx(H));
    expect(cloud.calls).toEqual([]);
    expect(store.getItem(id)!.state).toBe("VETOED");
    expect(store.auditEvents().some((e) => e.action.startsWith("terminate."))).toBe(false);
  });
});

describe("Executor: transient errors mid-call", () => {
  test("a 503 while the job is polled keeps the item EXECUTING; the next tick awaits the known job, no second call", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")]);
    const id = store.listItems()[0]!.id;
    cloud.delete = async (r: CloudResource, hooks?: TerminationHooks) => {
      cloud.calls.push(`delete:${r.id}`);
      hooks?.onJob?.("job-a");
      throw Object.assign(new Error("job poll: HTTP 503"), { status: 503, retryable: true });
    };
    await ex.tick(ctx(H));
    expect(store.getItem(id)!.state).toBe("EXECUTING");
    cloud.awaitJob = async (r) => {
      cloud.resources.delete(r.id);
    };
    await ex.tick(ctx(H + 1));
    expect(store.getItem(id)!.state).toBe("DONE");
    expect(cloud.calls).toEqual(["delete:a"]);
  });

  test("a delete answered 404 (the system disk went with its server) counts as gone; the item finishes DONE", async () => {
    const g = group(vr("s"), vr("v", "EVS"));
    const { store, cloud, ex, ctx } = setup([g], [p(g.id)]);
    const realDelete = cloud.delete.bind(cloud);
    cloud.delete = async (r: CloudResource, hooks?: TerminationHooks) => {
      if (r.id === "v") {
        cloud.calls.push(`delete:${r.id}`);
        throw Object.assign(new Error("HTTP 404 EVS.2004: Volume v could not be found."), { status: 404 });
      }
      return realDelete(r, hooks);
    };
    await ex.tick(ctx(H));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    expect(item.journal!.steps.map((st) => st.phase)).toEqual(["done", "gone"]);
    expect(cloud.calls).toEqual(["delete:s", "delete:v"]);
  });

  test("a definite API error fails the item", async () => {
    const { store, cloud, ex, ctx } = setup([vr("a")], [p("ECS_a")]);
    cloud.delete = async () => {
      throw Object.assign(new Error("HTTP 400 Ecs.0005: bad request"), { status: 400 });
    };
    await ex.tick(ctx(H));
    expect(store.listItems()[0]!.state).toBe("FAILED");
  });
});

