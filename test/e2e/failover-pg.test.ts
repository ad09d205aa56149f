/**
 * One engine across hosts on a real PostgreSQL (test/store/pg-server.ts): real daemons, each with its own state
 * directory as on separate hosts, sharing one `state: postgres://…` database, the leader SIGKILLed while it executes
 * against `ot3c sim`; and a PostgreSQL that goes away under a running daemon. The 50-kill runs are
 * scripts/soak/failover-soak.ts --postgres (figures in ARCHITECTURE.md); the suite runs shorter loops.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFailoverScenario, type FailoverReport } from "../../scripts/soak/failover-harness.ts";
import { startSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { ot3cCommand, spawnOt3c } from "../daemon/process-helpers.ts";
import { PG_PASSWORD, skipWithoutPg, startPg, type PgServer } from "../store/pg-server.ts";

const LEASE_MS = 2000;

function expectSafe(r: FailoverReport, daemons: number, kills: number): void {
  const context = JSON.stringify(r);
  expect(r.kills, context).toBe(kills);
  expect(r.killsWhileExecuting, context).toBeGreaterThanOrEqual(Math.ceil(kills * 0.6));
  // Takeover: the lease runs out (≤ leaseMs after the last renewal) and the next attempt (leaseMs / 6) wins.
  expect(Math.max(...r.failoverMs), context).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 6 + 1500);
  expect(r.doubleCalls, context).toEqual([]);
  expect(r.vetoViolations, context).toEqual([]);
  expect(r.approvalViolations, context).toEqual([]);
  expect(r.mutationCalls, context).toBeGreaterThan(0);
  expect(r.items.EXECUTING ?? 0, context).toBe(0);
  expect(r.epochs, context).toBeGreaterThanOrEqual(kills + 1);
  expect(r.exitCodes, context).toEqual(Array(daemons).fill(0));
  expect(r.socketAnswers, context).toBe(true);
  // Decisions taken through a follower's socket land in the shared store and count.
  expect(r.viaFollowerSocket, context).toBeGreaterThan(0);
}

describe.skipIf(skipWithoutPg)("failover across hosts (real daemons, one PostgreSQL, enforce: true, simulator)", () => {
  let pg: PgServer;
  beforeAll(async () => {
    pg = await startPg();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  test("three daemons, the leader SIGKILLed 8 times while executing: takeover within the lease time, no double call, no lost veto or approval", async () => {
    const r = await runFailoverScenario({ daemons: 3, kills: 8, leaseMs: LEASE_MS, callTimeoutMs: 600, postgresUrl: await pg.createDatabase(), seed: Number(process.env.OT3C_FAILOVER_SEED) || 11 });
    expectSafe(r, 3, 8);
  }, 240_000);

  test("two daemons, the leader SIGKILLed 5 times while executing: the same", async () => {
    const r = await runFailoverScenario({ daemons: 2, kills: 5, leaseMs: LEASE_MS, callTimeoutMs: 600, postgresUrl: await pg.createDatabase(), seed: Number(process.env.OT3C_FAILOVER_SEED) || 5 });
    expectSafe(r, 2, 5);
  }, 180_000);

  test("a client whose configuration has another state directory but the same PostgreSQL uses the daemon; PostgreSQL goes away under a leading daemon: it stays up, shows DEGRADED, stops leading once its lease ran out, leads again when the database is back, and exits 0 on SIGTERM while it is away", async () => {
    const scenario = presetScenario("default", { seed: 1 });
    const sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
    const dir = mkdtempSync(join(tmpdir(), "ot3c-pg-gone-"));
    const cfg = join(dir, "ot3c.yaml");
    const url = await pg.createDatabase();
    // The password is not in the URL: it comes from a file, as a systemd credential would.
    writeFileSync(join(dir, "pg-password"), PG_PASSWORD + "\n", { mode: 0o600 });
    writeFileSync(
      cfg,
      `${sim.configYaml().replace(/^target-budget:.*$/m, `target-budget: ${Math.round(scenario.targetBudget * 0.6)}`)}\nstate: ${url.replace(`:${PG_PASSWORD}@`, "@")}\nstate-password-file: ${join(dir, "pg-password")}\n` +
        `sync-interval: 1h\nstale-after: 2h\nstate-dir: ${join(dir, "state")}\nlog-level: info\n`,
      { mode: 0o600 },
    );
    const d = spawnOt3c(["daemon", "--config", cfg], { OT3C_TICK_MS: "100", OT3C_LEASE_MS: String(LEASE_MS), OT3C_CALL_TIMEOUT_MS: "600", OT3C_HOST_ID: "host-a" });
    const snapshot = async () => {
      const c = await ControlSocketClient.tryConnect(join(dir, "state", "ot3c.sock"), 2000);
      if (!c) throw new Error("no socket");
      try {
        const res = await c.request({ cmd: "snapshot" }, 10_000);
        if (!res.ok || !res.snapshot) throw new Error(`no snapshot: ${JSON.stringify(res)}`);
        return res.snapshot;
      } finally {
        c.close();
      }
    };
    try {
      await d.waitFor(/"msg":"leader for [^"]*\(epoch 1\)/, 30_000);
      await d.waitFor(/plan reconciled/, 30_000);
      expect((await snapshot()).lease?.role).toBe("LEADER");
      // Another state directory on the same PostgreSQL store is not "elsewhere": `ot3c veto` with such a
      // configuration uses the daemon it finds (here through $STATE_DIRECTORY) instead of refusing.
      const pendingId = (await snapshot()).plan.find((i) => i.state === "PENDING")!.id;
      const other = join(dir, "other.yaml");
      writeFileSync(other, readFileSync(cfg, "utf8").replace(/^state-dir: .*$/m, `state-dir: ${join(dir, "other-host")}`), { mode: 0o600 });
      const veto = Bun.spawnSync([...ot3cCommand(), "veto", pendingId, "--reason", "kept from the other host", "--config", other], {
        env: { ...process.env, STATE_DIRECTORY: join(dir, "state"), HOME: dir, NO_COLOR: "1" },
      });
      expect(veto.stdout.toString() + veto.stderr.toString()).toContain("via socket");
      expect(veto.exitCode).toBe(0);
      expect((await snapshot()).plan.find((i) => i.id === pendingId)?.state).toBe("VETOED");
      const stoppedAt = performance.now();
      await pg.stop();
      await d.waitFor(/"msg":"no longer leader/, LEASE_MS * 3 + 5000);
      // It stopped leading before another host could have been elected (the lease's end on the database clock).
      expect(performance.now() - stoppedAt).toBeLessThanOrEqual(LEASE_MS + 1000);
      const down = await snapshot();
      expect(down.lease?.role).toBe("FOLLOWER");
      expect(down.sync.state).toBe("DEGRADED");
      expect(down.sync.error ?? "").toContain("state store unreachable");
      expect(down.plan.length).toBeGreaterThan(0); // the last known items stand
      expect(d.proc.exitCode).toBeNull();
      await pg.restart();
      await d.waitFor(/"msg":"leader for [^"]*\(epoch 2\)/, 30_000);
      let up = await snapshot();
      for (let i = 0; i < 50 && up.sync.state === "DEGRADED"; i++) {
        await Bun.sleep(100);
        up = await snapshot();
      }
      expect(up.sync.state).not.toBe("DEGRADED");
      expect(up.lease?.role).toBe("LEADER");
      // SIGTERM while the database is away again: still a clean exit 0, not a crash on the final writes.
      await pg.stop();
      await Bun.sleep(300);
      d.proc.kill("SIGTERM");
      expect(await d.proc.exited).toBe(0);
      // Nothing the daemon wrote or logged carries the password.
      expect([...d.out, ...d.err].join("\n")).not.toContain(PG_PASSWORD);
    } finally {
      d.proc.kill("SIGKILL");
      await pg.restart();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
