/**
 * The lease and the fence (src/store/lease), on both backends with the same test bodies (backends.ts): election
 * and renewal on the database's clock, takeover after expiry with a new epoch, and the executor's compare-and-set
 * — a stale leader or a changed item writes nothing.
 */
import { describe, expect, test } from "bun:test";
import { Store, type StoredPlanItem } from "../../src/store/store.ts";
import { applyCommand } from "../../src/engine/lifecycle.ts";
import { ItemChangedError, Lease, StaleLeaderError, fencedStore, projectLease } from "../../src/store/lease/index.ts";
import { hostId } from "../../src/store/lease/lease.ts";
import { forEachBackend } from "./backends.ts";

function item(id: string, over: Partial<StoredPlanItem> = {}): StoredPlanItem {
  const now = Date.now();
  return {
    id, vrId: `ECS_${id}`, action: "delete", prio: 5, tdate: now, tsave: 10, tasap: true, reason: "over budget", state: "PENDING",
    deadline: now + 3600_000, createdAt: now, updatedAt: now, periodStart: now - 86400_000, origin: "engine", dryRun: false, resources: [], ...over,
  };
}

forEachBackend((be) => {
  describe.skipIf(be.skip)(`lease (${be.name})`, () => {
    test("one leader per name: renewals keep the epoch, followers see the holder, an expired lease is taken with epoch + 1", async () => {
      const s = be.open(be.fresh());
      // PostgreSQL: a first connection per Lease (worker + login) takes a good part of 300 ms on a loaded machine.
      const k = be.name === "postgres" ? 4 : 1;
      const a = new Lease(s.target, { name: "eu-de/p1", ttlMs: 300 * k, holder: "1@host-a/x" });
      const b = new Lease(s.target, { name: "eu-de/p1", ttlMs: 300 * k, holder: "2@host-b/y" });
      const other = new Lease(s.target, { name: "eu-de/p2", ttlMs: 300 * k, holder: "2@host-b/y" });
      try {
        expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 1, holder: "1@host-a" });
        expect(b.attempt()).toMatchObject({ role: "FOLLOWER", epoch: 1, holder: "1@host-a", self: "2@host-b" });
        expect(other.attempt()).toMatchObject({ role: "LEADER", epoch: 1 }); // another project
        await Bun.sleep(150 * k);
        expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 1 });
        expect(a.remainingMs()).toBeGreaterThan(200 * k);
        await Bun.sleep(150 * k);
        expect(b.attempt().role).toBe("FOLLOWER"); // renewed 150 ms ago: still a's
        await Bun.sleep(200 * k);
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

    test("an observer of role changes that throws (its audit hit a database just coming back) does not make an election look failed", () => {
      const s = be.open(be.fresh());
      const logs: string[] = [];
      const a = new Lease(s.target, { name: "p", ttlMs: 60_000, onRoleChange: () => { throw new Error("audit failed"); }, log: (_l, m) => logs.push(m) });
      try {
        expect(a.attempt()).toMatchObject({ role: "LEADER", epoch: 1 });
        expect(logs.some((m) => m.includes("role change not fully recorded"))).toBe(true);
        expect(logs.some((m) => m.includes("election/renewal failed"))).toBe(false);
      } finally {
        a.release();
        s.close();
      }
    });

    test("a holder on this host whose process is gone is taken over at once, not after the lease time", () => {
      const s = be.open(be.fresh());
      const dead = Bun.spawnSync(["true"]).pid; // exited: its pid is not running
      const ghost = new Lease(s.target, { name: "n", ttlMs: 60_000, holder: `${dead}@${hostId()}/z` });
      const me = new Lease(s.target, { name: "n", ttlMs: 60_000 });
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

  describe.skipIf(be.skip)(`fence (executor writes) (${be.name})`, () => {
    test("the leader's writes pass and bump the version; after a takeover the stale leader writes nothing", () => {
      const s = be.open(be.fresh());
      s.insertItem(item("i1"));
      const a = new Lease(s.target, { name: "p", ttlMs: 2000, holder: "1@a/x" });
      const b = new Lease(s.target, { name: "p", ttlMs: 2000, holder: "2@b/y" });
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
      const s = be.open(be.fresh());
      s.insertItem(item("i2", { deadline: Date.now() - 1000 }));
      const a = new Lease(s.target, { name: "p", ttlMs: 5000 });
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
      const s = be.open(be.fresh());
      s.insertItem(item("i3"));
      const a = new Lease(s.target, { name: "p", ttlMs: 1000 });
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
      const s = be.open(be.fresh());
      expect(() => projectLease(s, { name: "p", ttlMs: 3000, callBudgetMs: 2800 })).toThrow(/too short/);
      s.close();
    });
  });
});
