/**
 * `systemctl stop` with clients attached: the real daemon process, several subscribed socket clients and one
 * sending commands while SIGTERM arrives. The daemon must exit 0 (not crash on its closed database) and every
 * client must be told "daemon stopped" before the socket closes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { loadConfig } from "../../src/config/load.ts";
import { assembleEngine } from "../../src/daemon/assemble.ts";
import { createLogger } from "../../src/log/logger.ts";
import { spawnOt3c } from "./process-helpers.ts";

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-stop-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("daemon shutdown with attached clients (real process)", () => {
  test("SIGTERM while clients are subscribed and commands are in flight: exit 0, no closed-database error, clients see 'daemon stopped'", async () => {
    const cfg = join(dir, "ot3c.yaml");
    const state = join(dir, "state");
    writeFileSync(cfg, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nstate-dir: ${state}\nenforce: false\ntermination-grace: 1h\n`, { mode: 0o600 });
    const d = spawnOt3c(["daemon", "--config", cfg], { OT3C_TICK_MS: "100" });
    const clients: ControlSocketClient[] = [];
    try {
      await d.waitFor(/plan reconciled/);
      const stopped: string[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await ControlSocketClient.connect(join(state, "ot3c.sock"));
        c.onConnectionChange((s) => {
          if (s.state === "stopped") stopped.push(s.reason ?? "");
        });
        c.subscribe(() => {});
        clients.push(c);
      }
      await Bun.sleep(300);
      // Keep commands coming (each marks the engine dirty, which used to schedule a snapshot after the store closed).
      let hammering = true;
      const hammer = (async () => {
        while (hammering) {
          await clients[0]!.send({ type: "postpone", ids: ["nope"], byMs: 60_000, actor: "t", source: "cli" }).catch(() => undefined);
          await Bun.sleep(5);
        }
      })();
      // A sync in flight when SIGTERM arrives (slow simulator): the engine waits for it, and the step's end used
      // to schedule a snapshot push that ran after the store had closed.
      sim.faults.setProfile({ rate: 1, kinds: ["slow"], retryAfterSeconds: 1, slowMs: 400, seed: 1 });
      void clients[1]!.send({ type: "refresh", actor: "t", source: "cli" }).catch(() => undefined);
      await Bun.sleep(100);
      d.proc.kill("SIGTERM");
      const code = await d.proc.exited;
      hammering = false;
      await hammer;
      const all = [...d.out, ...d.err].join("\n");
      expect(all).not.toContain("closed database");
      expect(code).toBe(0);
      for (let i = 0; i < 50 && stopped.length < clients.length; i++) await Bun.sleep(10);
      expect(stopped).toEqual(Array(clients.length).fill("daemon stopped"));
    } finally {
      sim.faults.setProfile({ rate: 0, kinds: [], retryAfterSeconds: 1, slowMs: 0, seed: 1 });
      for (const c of clients) c.close();
      d.proc.kill("SIGKILL");
    }
  }, 40_000);

  test("in process: a refresh queued behind the step that stop() waits for runs no step, and no snapshot is built after the store closed", async () => {
    const path = join(dir, "inproc.yaml");
    writeFileSync(path, `${sim.configYaml()}\nmetrics: {listen: "127.0.0.1:0"}\n`, { mode: 0o600 });
    const logged: string[] = [];
    const log = createLogger({ level: "debug", sinks: [{ write: (e) => void logged.push(e.msg) }] });
    const cfg = await loadConfig({ path, stateDir: join(dir, "inproc-state"), logger: log });
    const a = await assembleEngine(cfg, { log, tickMs: 50, minSnapshotIntervalMs: 200 });
    const seen: number[] = [];
    a.engine.subscribe((s) => void seen.push(s.seq));
    a.engine.start();
    for (let i = 0; i < 200 && !a.engine.getSnapshot().budget; i++) await Bun.sleep(20);
    sim.faults.setProfile({ rate: 1, kinds: ["slow"], retryAfterSeconds: 1, slowMs: 300, seed: 1 });
    try {
      const first = a.engine.send({ type: "refresh", actor: "t", source: "cli" });
      const second = a.engine.send({ type: "refresh", actor: "t", source: "cli" });
      await Bun.sleep(50);
      await a.stopEngine();
      // What services.stop() does on the way down (setSnapshotExtras(undefined) marks the engine dirty) while a
      // subscriber is still attached: must not schedule a push that reads the store after it closed.
      a.engine.setSnapshotExtras(undefined);
      await a.close();
      await Promise.allSettled([first, second]);
      // A late reader (a socket "snapshot" request or a scrape already in flight) gets the last snapshot.
      expect(a.engine.getSnapshot().budget).toBeDefined();
      // Long enough for any push the engine had scheduled (200 ms) or a queued step's slow sync (several × 300 ms).
      await Bun.sleep(1500);
      expect(logged.filter((m) => m.includes("engine step failed"))).toEqual([]);
    } finally {
      sim.faults.setProfile({ rate: 0, kinds: [], retryAfterSeconds: 1, slowMs: 0, seed: 1 });
    }
  }, 30_000);
});
