/**
 * The store contract, run against both backends (test/store/backends.ts): SQLite in a state directory and a real
 * PostgreSQL — the same test bodies, the same Store code.
 */
import { describe, expect, test } from "bun:test";
import { ledgerFromItems } from "../../src/engine/closed-loop/index.ts";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Store, newItemId, type StoredPlanItem } from "../../src/store/store.ts";
import { MIGRATIONS } from "../../src/store/schema.ts";
import { openDriver } from "../../src/store/driver/index.ts";
import { EngineLock, EngineLockedError, readLockRow } from "../../src/store/engine-lock.ts";
import { forEachBackend } from "./backends.ts";

function item(over: Partial<StoredPlanItem> = {}): StoredPlanItem {
  return {
    id: newItemId(),
    vrId: "ECS_a",
    action: "delete",
    prio: 5,
    tdate: 1000,
    tsave: 3.5,
    tasap: true,
    reason: "over budget",
    state: "PENDING",
    deadline: 5000,
    createdAt: 1,
    updatedAt: 1,
    periodStart: 0,
    origin: "engine",
    dryRun: false,
    resources: [{ kind: "ECS", id: "a", name: "a", status: "ACTIVE", tags: { ot3c_prio: "5" } }],
    ...over,
  };
}

forEachBackend((be) => {
  describe.skipIf(be.skip)(`Store (${be.name})`, () => {
    test("creates the schema (SQLite: WAL mode, FULL sync, owner-only file) and a schema version", () => {
      const fresh = be.fresh();
      const p = { ...fresh, dir: join(fresh.dir, "state") };
      const s = be.open(p);
      expect(s.schemaVersion()).toBe(MIGRATIONS.length);
      expect(s.db.kind).toBe(be.name);
      if (be.name === "sqlite") {
        expect((s.db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
        expect((s.db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous).toBe(2);
        expect(statSync(join(p.dir, "ot3c.db")).mode & 0o777).toBe(0o600);
      }
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
      s.close();
      // Re-opening does not re-run migrations (a second CREATE TABLE would throw).
      const again = be.open(p);
      expect(again.schemaVersion()).toBe(MIGRATIONS.length);
      again.close();
    });

    test("refuses a database from a newer ot3c", () => {
      const p = be.fresh();
      const s = be.open(p);
      s.db.query("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
      s.close();
      expect(() => be.open(p)).toThrow(/newer than this ot3c/);
    });

    test("plan items round-trip with journal, and survive a reopen", () => {
      const p = be.fresh();
      const s = be.open(p);
      const a = item({ owner: "o@example.com" });
      s.insertItem(a);
      s.updateItem(a.id, { state: "EXECUTING", journal: { action: "delete", steps: [{ resourceId: "a", kind: "ECS", phase: "calling", jobId: "j1" }], startedAt: 7 } }, 9);
      s.close();
      const r = be.open(p);
      const got = r.getItem(a.id)!;
      expect(got.state).toBe("EXECUTING");
      expect(got.owner).toBe("o@example.com");
      expect(got.journal!.steps[0]!.jobId).toBe("j1");
      expect(got.updatedAt).toBe(9);
      expect(got.deadline).toBe(5000);
      expect(got.tsave).toBe(3.5);
      expect(got.tasap).toBe(true);
      expect(got.resources).toEqual(a.resources);
      expect(got.version).toBe(2);
      expect(r.listItems({ states: ["EXECUTING"] }).map((i) => i.id)).toEqual([a.id]);
      expect(r.listItems({ states: ["PENDING"] })).toEqual([]);
      r.close();
    });

    test("vetoed VR ids are per billing period (the ledger reads them from the period's items)", () => {
      const s = be.open(be.fresh());
      s.insertItem(item({ vrId: "ECS_x", state: "VETOED", periodStart: 100 }));
      s.insertItem(item({ vrId: "ECS_y", state: "VETOED", periodStart: 200 }));
      s.insertItem(item({ vrId: "ECS_z", state: "PENDING", periodStart: 100 }));
      expect([...new Set([...ledgerFromItems(s.listItems({ periodStart: 100 }), 100).vetoed.values()].map((v) => v.vrId))]).toEqual(["ECS_x"]);
      s.close();
    });

    test("audit events keep order and fields", () => {
      const s = be.open(be.fresh());
      s.audit({ at: 1, actor: "alice", source: "cli", action: "item.approved", itemId: "abc", vrId: "ECS_a" });
      s.audit({ at: 2, actor: "ot3c", source: "engine", action: "sync.failed", detail: "boom" });
      const ev = s.auditEvents();
      expect(ev.map((e) => e.action)).toEqual(["item.approved", "sync.failed"]);
      expect(ev[0]).toMatchObject({ actor: "alice", source: "cli", itemId: "abc", vrId: "ECS_a" });
      expect(ev[1]!.detail).toBe("boom");
      expect(s.auditEvents({ itemId: "abc" }).length).toBe(1);
      s.close();
    });

    test("notification claims dedupe across restarts and re-claim an interrupted send", () => {
      const p = be.fresh();
      const s = be.open(p);
      expect(s.claimNotification("i1:planned", "i1", "planned", "smtp", 10, 0)).toBe(true);
      expect(s.claimNotification("i1:planned", "i1", "planned", "smtp", 11, 0)).toBe(false); // in flight here
      s.finishNotification("i1:planned", { ok: true, at: 12 });
      expect(s.claimNotification("i2:planned", "i2", "planned", "smtp", 13, 0)).toBe(true); // then "crash"
      s.close();
      const r = be.open(p);
      expect(r.claimNotification("i1:planned", "i1", "planned", "smtp", 100, 100)).toBe(false); // sent before
      expect(r.claimNotification("i2:planned", "i2", "planned", "smtp", 100, 100)).toBe(true); // interrupted: resend
      r.finishNotification("i2:planned", { ok: false, error: "smtp down", giveUp: false });
      expect(r.claimNotification("i2:planned", "i2", "planned", "smtp", 101, 100)).toBe(true); // failed: retry
      expect(r.notificationStatus("i2:planned")!.attempts).toBe(3);
      r.close();
    });

    test("sync snapshots", () => {
      const s = be.open(be.fresh());
      s.recordSync({ at: 1, ok: true, resources: 3, costs: 10, durationMs: 5 });
      s.recordSync({ at: 2, ok: false, error: "ECS 503", resources: 0, costs: 0, durationMs: 5 });
      expect(s.lastSync()!.error).toBe("ECS 503");
      expect(s.lastSync(true)!.at).toBe(1);
      s.close();
    });
  });

  describe.skipIf(be.skip)(`EngineLock (${be.name})`, () => {
    test("a second engine on the same state refuses, naming the holder's pid; release frees it", async () => {
      const p = be.fresh();
      const dir = p.dir;
      const s1 = be.open(p);
      const s2 = be.open(p);
      const l1 = await EngineLock.acquire(s1, dir, 1000);
      const err = await EngineLock.acquire(s2, dir, 1000).catch((e) => e);
      expect(err).toBeInstanceOf(EngineLockedError);
      expect(String(err.message)).toContain(`pid ${process.pid}`);
      l1.release();
      const l2 = await EngineLock.acquire(s2, dir, 2000);
      expect(readLockRow(s2)!.pid).toBe(process.pid);
      l2.release();
      s1.close();
      s2.close();
    });

    test("the lock of a SIGKILLed holder is taken over", async () => {
      const p = be.fresh();
      const dir = p.dir;
      const script = `
        import { Store } from ${JSON.stringify(join(import.meta.dir, "../../src/store/store.ts"))};
        import { EngineLock } from ${JSON.stringify(join(import.meta.dir, "../../src/store/engine-lock.ts"))};
        const s = Store.open(${JSON.stringify(dir)}, ${JSON.stringify(p.target)});
        await EngineLock.acquire(s, ${JSON.stringify(dir)}, Date.now());
        console.log("locked");
        setInterval(() => {}, 1000);
      `;
      const file = join(dir, "holder.ts");
      await Bun.write(file, script);
      const child = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "inherit" });
      const reader = child.stdout.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain("locked");
      const s = be.open(p);
      const refused = await EngineLock.acquire(s, dir, Date.now()).catch((e) => e);
      expect(refused).toBeInstanceOf(EngineLockedError);
      expect(refused.holderPid).toBe(child.pid);
      child.kill("SIGKILL");
      await child.exited;
      const lock = await EngineLock.acquire(s, dir, Date.now());
      expect(lock.tookOverFrom!.pid).toBe(child.pid);
      lock.release();
      s.close();
    });
  });

  describe.skipIf(be.skip)(`Store migrations (${be.name})`, () => {
    test("a version-1 database is upgraded in place, keeping its rows", () => {
      const p = be.fresh();
      const db = openDriver(p.target ?? Store.sqliteTarget(p.dir));
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      db.exec(MIGRATIONS[0]!);
      db.query("INSERT INTO meta(key, value) VALUES ('schema_version', '1')").run();
      db.query("INSERT INTO audit_events(at, actor, source, action) VALUES (1, 'a', 'cli', 'x')").run();
      db.close();
      const s = be.open(p);
      expect(s.schemaVersion()).toBe(MIGRATIONS.length);
      expect(s.auditEvents().length).toBe(1);
      const idx =
        be.name === "sqlite"
          ? s.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'plan_items_period'").get()
          : s.db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'plan_items_period'").get();
      expect(idx).toBeTruthy();
      s.close();
    });

    test("snapshot items: this period plus anything still open", () => {
      const s = be.open(be.fresh());
      s.insertItem(item({ periodStart: 100, state: "DONE" }));
      s.insertItem(item({ periodStart: 50, state: "DONE" }));
      s.insertItem(item({ periodStart: 50, state: "EXECUTING" }));
      expect(s.itemsForSnapshot(100).map((i) => `${i.periodStart}:${i.state}`).sort()).toEqual(["100:DONE", "50:EXECUTING"]);
      s.close();
    });
  });

  describe.skipIf(be.skip)(`counters for the metrics port (${be.name})`, () => {
    test("derived from the sync history and the audit trail, so they survive a restart", () => {
      const p = be.fresh();
      const s = be.open(p);
      expect(s.counters()).toEqual({ syncs: 0, syncFailures: 0, terminationsExecuted: 0, terminationsFailed: 0 });
      s.recordSync({ at: 1, ok: true, resources: 3, costs: 9, durationMs: 5 });
      s.recordSync({ at: 2, ok: false, error: "ecs: HTTP 503", resources: 0, costs: 0, durationMs: 5 });
      const who = { actor: "ot3c", source: "engine" as const };
      s.audit({ at: 3, ...who, action: "terminate.about-to-delete", itemId: "a" }); // announced, not executed
      s.audit({ at: 4, ...who, action: "terminate.deleted", itemId: "a" });
      s.audit({ at: 5, ...who, action: "terminate.would-stop", itemId: "b" });
      s.audit({ at: 6, ...who, action: "terminate.failed", itemId: "c" });
      s.close();
      const again = be.open(p);
      expect(again.counters()).toEqual({ syncs: 2, syncFailures: 1, terminationsExecuted: 2, terminationsFailed: 1 });
      again.close();
    });
  });
});
