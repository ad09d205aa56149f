/**
 * `ot3c status` on a host without a daemon, with a shared PostgreSQL store in its configuration (issue #15): the
 * store says who leads (the other host's daemon), the last sync and the leader's own items with their members —
 * instead of "no ot3c daemon answers". Against a real PostgreSQL; the CLI is run as a user would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import type { StoredPlanItem } from "../../src/store/store.ts";
import { Lease, leaseName } from "../../src/store/lease/index.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { cleanupTempDirs, VALID, withConfig } from "../config/helpers.ts";
import { PG_PASSWORD, skipWithoutPg, startPg, type PgServer } from "../store/pg-server.ts";

const main = join(import.meta.dir, "../../src/main.ts");

describe.skipIf(skipWithoutPg)("ot3c status from the shared store", () => {
  let pg: PgServer;
  let url: string;
  beforeAll(async () => {
    pg = await startPg();
    url = await pg.createDatabase();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
    cleanupTempDirs();
  });

  test("leader, last sync and the leader's items, read from PostgreSQL; the password nowhere", async () => {
    const now = Date.now();
    const store = Store.open("/nonexistent-state-dir", { kind: "postgres", url });
    const lease = new Lease(store.target, { name: leaseName({ name: "p-123", region: "eu-de", id: "p-123" }), ttlMs: 60_000, holder: "4242@host-b/x" });
    try {
      expect(lease.attempt().role).toBe("LEADER");
      store.recordSync({ at: now - 60_000, ok: true, resources: 12, costs: 340, durationMs: 900 });
      const period = billingPeriod(now, 1);
      const base = { tdate: now, tsave: 123.456, tasap: true, reason: "over budget", createdAt: now, updatedAt: now, periodStart: period.start, origin: "engine" as const, dryRun: false };
      const item: StoredPlanItem = {
        ...base, id: "abc123", vrId: "GR_[ECS_s1,EVS_v1]", action: "delete", prio: 5, state: "PENDING", deadline: now + 7_200_000,
        resources: [{ kind: "ECS", id: "s1", name: "web-1\u001b[31m", status: "ACTIVE", tags: {} }, { kind: "EVS", id: "v1", name: "web-1-data", status: "in-use", tags: {} }],
      };
      store.insertItem(item);
    } finally {
      store.close();
    }
    const dir = withConfig(`${VALID}\nstate: ${url}`);
    const run = async (args: string[]) => {
      const p = Bun.spawn([process.execPath, main, "--config", join(dir, "ot3c.yaml"), "status", ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, STATE_DIRECTORY: join(dir, "no-daemon-here") } });
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      return { out, err, code };
    };
    const json = await run(["-o", "json"]);
    expect(json.err).not.toContain(PG_PASSWORD);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out);
    expect(doc.daemon).toMatchObject({ source: "store", socket: null, pid: null });
    expect(doc.daemon.stateDir).not.toContain(PG_PASSWORD);
    expect(doc.leader).toMatchObject({ role: "FOLLOWER", holder: "4242@host-b", epoch: 1 });
    expect(doc.lastSync).toMatchObject({ state: "OK", lastSuccessAt: new Date(now - 60_000).toISOString() });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]).toMatchObject({ id: "abc123", state: "PENDING", action: "delete", members: ["web-1\u001b[31m", "web-1-data"], saving: 123.46 });
    const text = await run([]);
    expect(text.code).toBe(0);
    expect(text.out).toContain("no ot3c daemon on this host; read from the shared store");
    expect(text.out).toContain("leader 4242@host-b (epoch 1)");
    expect(text.out).toMatch(/abc123\s+PENDING\s+delete/);
    expect(text.out).not.toContain("\u001b"); // a cloud's name never reaches the terminal raw
    expect(text.out).not.toContain(PG_PASSWORD);
    // The leader stops cleanly: its lease ends, and the store says nobody leads now.
    lease.release();
    const after = JSON.parse((await run(["-o", "json"])).out);
    expect(after.leader).toMatchObject({ holder: null, epoch: 1 });
  }, 60_000);
});
