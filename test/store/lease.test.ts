/**
 * The lease and the fence on SQLite (src/store/lease): election and renewal on the database's clock, takeover
 * after expiry with a new epoch, and the executor's compare-and-set — a stale leader or a changed item writes
 * nothing.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type StoredPlanItem } from "../../src/store/store.ts";
import { applyCommand } from "../../src/engine/lifecycle.ts";
import { ItemChangedError, Lease, StaleLeaderError, fencedStore, projectLease } from "../../src/store/lease/index.ts";
import { hostId } from "../../src/store/lease/lease.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function store(): Store {
  const d = mkdtempSync(join(tmpdir(), "ot3c-lease-"));
  dirs.push(d);
  return Store.open(d);
}

function item(id: string, over: Partial<StoredPlanItem> = {}): StoredPlanItem {
  const now = Date.now();
  return {
    id, vrId: `ECS_${id}`, action: "delete", prio: 5, tdate: now, tsave: 10, tasap: true, reason: "over budget", state: "PENDING",
    deadline: now + 3600_000, createdAt: now, updatedAt: now, periodStart: now - 86400_000, origin: "engine", dryRun: false, resources: [], ...over,
  };
}

describe("lease", () => {
  test("one leader per name: renewals keep the epoch, followers see the holder, an expired lease is taken with epoch + 1", async () => {
    const s = store();
    const a = new Lease(s.path, { name: "eu-de/p1", ttlMs: 300, holder: "1@host-a/x" });
    const b = new Lease(s.path, { name: "eu-de/p1", ttlMs: 300, holder: "2@host-b/y" });
    const other = new Lease(s.path, { name: "eu-de/p2", ttlMs: 300, holder: "2@host-b/y" });
    try {
      expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 1, holder: "1@host-a" });
      expect(b.attempt()).toMatchObject({ role: "FOLLOWER", epoch: 1, holder: "1@host-a", self: "2@host-b" });
      expect(other.attempt()).toMatchObject({ role: "LEADER", epoch: 1 }); // another project
      await Bun.sleep(150);
      expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 1 });
      expect(a.remainingMs()).toBeGreaterThan(200);
      await Bun.sleep(150);
      expect(b.attempt().role).toBe("FOLLOWER"); // renewed 150 ms ago: still a's
      await Bun.sleep(200);
      // a stopped renewing: its own clock says so before the database does, and b takes over in a new epoch.
      expect(a.isLeader()).toBe(false);
      expect(b.attempt()).toMatchObject({ role: "LEADER", epoch: 2 });
      expect(a.attempt()).toMatchObject({ role: "FOLLOWER", epoch: 2, holder: "2@host-b" });
      // A clean release ends the lease at once.
      b.release();
      expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 3 });
    } finally {
      a.release();
      b.release();
      other.release();
      s.close();
    }
  });

  test("a holder on this host whose process is gone is taken over at once, not after the lease time", () => {
    const s = store();
    const dead = Bun.spawnSync(["true"]).pid; // exited: its pid is not running
    const ghost = new Lease(s.path, { name: "n", ttlMs: 60_000, holder: `${dead}@${hostId()}/z` });
    const me = new Lease(s.path, { name: "n", ttlMs: 60_000 });
    try {
      expect(ghost.attempt().role).toBe("LEADER");
      expect(me.attempt()).toMatchObject({ role: "LEADER", epoch: 2 });
    } finally {
      ghost.release();
      me.release();
      s.close();
    }
  });
});

describe("fence (executor writes)", () => {
  test("the leader's writes pass and bump the version; after a takeover the stale leader writes nothing", () => {
    const s = store();
    s.insertItem(item("i1"));
    const a = new Lease(s.path, { name: "p", ttlMs: 2000, holder: "1@a/x" });
    const b = new Lease(s.path, { name: "p", ttlMs: 2000, holder: "2@b/y" });
    try {
      a.attempt();
      const fa = fencedStore(s, a, 500);
      const seen = fa.getItem("i1")!;
      fa.updateItem("i1", { state: "EXECUTING", journal: { action: "delete", steps: [], startedAt: 1 } }, 1);
      expect(s.getItem("i1")).toMatchObject({ state: "EXECUTING", version: seen.version! + 1 });
      expect((s.db.query("SELECT exec_epoch FROM plan_items WHERE id = 'i1'").get() as { exec_epoch: number }).exec_epoch).toBe(1);
      // The lease moves to b (a's row expired in the database); a still believes it leads for a moment.
      s.db.query("UPDATE leases SET expires_at = 0").run();
      b.attempt();
      expect(() => fa.updateItem("i1", { state: "DONE" }, 2)).toThrow(StaleLeaderError);
      expect(s.getItem("i1")!.state).toBe("EXECUTING");
    } finally {
      a.release();
      b.release();
      s.close();
    }
  });

  test("a veto or postpone landing after the executor read the item makes its write fail (version CAS)", () => {
    const s = store();
    s.insertItem(item("i2", { deadline: Date.now() - 1000 }));
    const a = new Lease(s.path, { name: "p", ttlMs: 5000 });
    try {
      a.attempt();
      const fa = fencedStore(s, a, 500);
      fa.listItems({ states: ["PENDING"] }); // the executor's read
      const r = applyCommand(s, { type: "postpone", ids: ["i2"], byMs: 3600_000, actor: "op", source: "cli" }, Date.now());
      expect(r.ok).toBe(true);
      expect(() => fa.updateItem("i2", { state: "EXECUTING" }, 3)).toThrow(ItemChangedError);
      expect(s.getItem("i2")!.state).toBe("PENDING");
    } finally {
      a.release();
      s.close();
    }
  });

  test("less lease left than the call may take: nothing is written", () => {
    const s = store();
    s.insertItem(item("i3"));
    const a = new Lease(s.path, { name: "p", ttlMs: 1000 });
    try {
      a.attempt();
      const fa = fencedStore(s, a, 1500);
      expect(() => fa.updateItem("i3", { state: "EXECUTING" }, 3)).toThrow(StaleLeaderError);
      expect(s.getItem("i3")!.state).toBe("PENDING");
    } finally {
      a.release();
      s.close();
    }
  });

  test("projectLease refuses a lease time too short for the call budget", () => {
    const s = store();
    expect(() => projectLease(s, { name: "p", ttlMs: 3000, callBudgetMs: 2800 })).toThrow(/too short/);
    s.close();
  });
});
