import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type StoredPlanItem } from "../../src/store/store.ts";
import { Engine, type EngineNotifier, type EngineSettings } from "../../src/engine/engine.ts";
import { ManualClock, type CloudResource } from "../../src/engine/types.ts";
import { H, MIN, MemoryCloud, T0, engineSettings, evaluator } from "./fixtures.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
class RecordingNotifier implements EngineNotifier {
  events: string[] = [];
  itemEvent(kind: string, item: StoredPlanItem) {
    this.events.push(`${kind}:${item.vrId}`);
  }
  alert(m: string) {
    this.events.push(`alert:${m}`);
  }
  async flush() {}
}

function setup(opts: { ids?: string[]; gap?: number; settings?: Partial<EngineSettings> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ot3c-engine-"));
  dirs.push(dir);
  const store = Store.open(dir);
  const clock = new ManualClock(T0);
  const cloud = new MemoryCloud(opts.ids ?? ["a", "b", "c"]);
  const state = { gap: opts.gap ?? 15 };
  const notifier = new RecordingNotifier();
  const settings = engineSettings(opts.settings);
  const engine = new Engine({ store, stateDir: dir, clock, inventory: cloud, terminator: cloud, evaluate: evaluator(state), settings, project: { name: "p", region: "eu-de" }, notifier });
  return { dir, store, clock, cloud, state, notifier, engine };
}

describe("Engine", () => {
  test("plans, waits out the grace, re-checks and deletes; snapshots are frozen and counted", async () => {
    const { engine, clock, cloud, notifier } = setup();
    await engine.acquireLock();
    await engine.step();
    const s1 = engine.getSnapshot();
    expect(Object.isFrozen(s1)).toBe(true);
    expect(Object.isFrozen(s1.plan[0])).toBe(true);
    expect(s1.sync.state).toBe("OK");
    expect(s1.plan.map((i) => [i.vrId, i.state, i.deadline])).toEqual([
      ["ECS_a", "PENDING", T0 + 24 * H],
      ["ECS_b", "PENDING", T0 + 24 * H],
    ]);
    clock.advance(23 * H);
    await engine.step();
    expect(cloud.deletes).toEqual([]);
    clock.advance(H);
    await engine.step();
    expect([...cloud.deletes].sort()).toEqual(["a", "b"]);
    const s2 = engine.getSnapshot();
    expect(s2.seq).toBeGreaterThan(s1.seq);
    expect(s2.plan.filter((i) => i.state === "DONE").length).toBe(2);
    const byKind = (k: string) => notifier.events.filter((e) => e.startsWith(k)).sort();
    expect(byKind("planned")).toEqual(["planned:ECS_a", "planned:ECS_b"]);
    expect(byKind("reminder")).toEqual(["reminder:ECS_a", "reminder:ECS_b"]);
    expect(byKind("executed")).toEqual(["executed:ECS_a", "executed:ECS_b"]);
    expect(notifier.events.length).toBe(6);
    await engine.stop();
  });

  test("a failed sync adds nothing, keeps deadlines, executes nothing new, and says DEGRADED", async () => {
    const { engine, clock, cloud, store } = setup();
    await engine.step();
    const deadlines = store.listItems().map((i) => i.deadline);
    cloud.failListing = "ECS list truncated after page 2";
    clock.advance(24 * H); // deadline passed, but the sync at this step fails
    await engine.step();
    const snap = engine.getSnapshot();
    expect(snap.sync.state).toBe("DEGRADED");
    expect(snap.sync.error).toContain("truncated");
    expect(snap.alerts.some((a) => a.includes("sync degraded"))).toBe(true);
    expect(cloud.deletes).toEqual([]);
    expect(store.listItems().map((i) => i.deadline)).toEqual(deadlines);
    expect(store.listItems().every((i) => i.state === "PENDING")).toBe(true);
    cloud.failListing = undefined;
    clock.advance(5 * MIN);
    await engine.step();
    expect(engine.getSnapshot().sync.state).toBe("OK");
    expect([...cloud.deletes].sort()).toEqual(["a", "b"]);
  });

  test("stale data (no sync for longer than stale-after) holds execution", async () => {
    const { engine, clock, cloud } = setup({ settings: { syncIntervalMs: 48 * H, staleAfterMs: H } });
    await engine.step();
    clock.advance(25 * H);
    await engine.step();
    expect(cloud.deletes).toEqual([]);
  });

  test("budget no longer at risk → items cancelled; a veto is never re-planned", async () => {
    const { engine, clock, state, store, notifier } = setup();
    await engine.step();
    const a = store.listItems({ vrId: "ECS_a" })[0]!;
    const r = await engine.send({ type: "veto", ids: [a.id], reason: "customer demo", actor: "alice", source: "tui" });
    expect(r.ok).toBe(true);
    clock.advance(5 * MIN);
    await engine.step();
    // The planner now picks b and c instead of the vetoed a.
    expect(store.listItems({ states: ["PENDING"] }).map((i) => i.vrId).sort()).toEqual(["ECS_b", "ECS_c"]);
    state.gap = 0;
    clock.advance(5 * MIN);
    await engine.step();
    expect(store.listItems({ states: ["CANCELLED"] }).map((i) => i.vrId).sort()).toEqual(["ECS_b", "ECS_c"]);
    expect(store.getItem(a.id)!.state).toBe("VETOED");
    expect(notifier.events.filter((e) => e.startsWith("cancelled")).length).toBe(2);
  });

  test("refresh syncs now; subscribers get snapshots", async () => {
    const { engine, cloud } = setup({ settings: { syncIntervalMs: 10 * H } });
    const got: number[] = [];
    const unsub = engine.subscribe((s) => got.push(s.seq));
    await engine.step();
    cloud.resources.set("d", { kind: "ECS", id: "d", name: "d", status: "ACTIVE", tags: {} });
    const r = await engine.send({ type: "refresh", actor: "bob", source: "tui" });
    expect(r.ok).toBe(true);
    expect(engine.getSnapshot().resources.map((v) => v.id)).toContain("ECS_d");
    await Bun.sleep(300);
    expect(got.length).toBeGreaterThan(0);
    unsub();
  });

  test("a second engine on the same state refuses to start", async () => {
    const first = setup();
    await first.engine.acquireLock();
    const second = new Engine({ store: Store.open(first.dir), stateDir: first.dir, clock: first.clock, inventory: first.cloud, terminator: first.cloud, evaluate: evaluator(first.state), settings: first.engine.settings, project: { name: "p", region: "r" } });
    await expect(second.acquireLock()).rejects.toThrow(/another ot3c engine \(pid \d+/);
    await first.engine.stop();
    await second.acquireLock();
    await second.stop();
  });

  test("stop() during a delete: the call in flight finishes and is persisted, nothing new starts", async () => {
    const { engine, clock, cloud, store } = setup();
    await engine.step();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const realDelete = cloud.delete.bind(cloud);
    cloud.delete = async (r: CloudResource) => {
      await gate;
      await realDelete(r);
    };
    clock.advance(24 * H);
    const stepping = engine.step();
    for (let i = 0; i < 100 && !store.listItems({ states: ["EXECUTING"] }).length; i++) await Bun.sleep(5);
    expect(store.listItems({ states: ["EXECUTING"] }).length).toBe(1);
    const stopping = engine.stop();
    release();
    await stepping;
    await stopping;
    expect(cloud.deletes.length).toBe(1);
    expect(store.listItems({ states: ["DONE"] }).length).toBe(1);
    expect(store.listItems({ states: ["PENDING"] }).length).toBe(1);
    expect(store.auditEvents().at(-1)!.action).toBe("engine.stopped");
  });
});
