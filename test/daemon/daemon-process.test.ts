import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { Store } from "../../src/store/store.ts";
import { datagramListener } from "./datagram-listener.ts";
import { spawnOt3c } from "./process-helpers.ts";

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-dproc-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: string, extra: string) {
  writeFileSync(file, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nstate-dir: ${join(dir, "state")}\ntermination-grace: 1h\nlog-level: info\n${extra}\n`, { mode: 0o600 });
}

describe("ot3c daemon (real process)", () => {
  test("READY/WATCHDOG/STOPPING, journald JSON lines, a second engine follows, SIGHUP reload, socket CLI, SIGTERM → exit 0", async () => {
    const cfg = join(dir, "ot3c.yaml");
    writeConfig(cfg, "enforce: false");
    const notifyPath = join(dir, "notify.sock");
    const listener = datagramListener(notifyPath);
    await listener.ready;
    const d = spawnOt3c(["daemon", "--config", cfg], { NOTIFY_SOCKET: notifyPath, WATCHDOG_USEC: "3000000", OT3C_TICK_MS: "200" });
    try {
      await d.waitFor(/engine started/);
      await d.waitFor(/plan reconciled/);
      for (let i = 0; i < 300 && !listener.lines.some((l) => l.startsWith("WATCHDOG=1")); i++) await Bun.sleep(10);
      expect(listener.lines[0]).toStartWith("READY=1\nSTATUS=dry run");
      expect(listener.lines).toContain("WATCHDOG=1");
      // journald: one JSON object per line with a <N> priority prefix.
      const line = d.out.find((l) => l.includes("engine started"))!;
      expect(line).toMatch(/^<6>\{/);
      expect(JSON.parse(line.slice(3))).toMatchObject({ level: "info", pid: d.proc.pid });

      // A second engine on the same state follows: no socket of its own (it names the one serving it), exit 0 on SIGTERM.
      const second = spawnOt3c(["daemon", "--config", cfg]);
      await second.waitFor(/engine started \(DRY-RUN, approval none, FOLLOWER, notify/);
      expect([...second.out, ...second.err].join("\n")).toContain(`served by pid ${d.proc.pid}`);
      second.proc.kill("SIGTERM");
      expect(await second.proc.exited).toBe(0);

      // SIGHUP with a broken file keeps the running configuration...
      writeFileSync(cfg, "target-budget: [not a number\n");
      d.proc.kill("SIGHUP");
      await d.waitFor(/configuration reload failed; keeping the running configuration/);
      // ...and with a good one applies it.
      writeConfig(cfg, "enforce: false\napproval: required");
      d.proc.kill("SIGHUP");
      await d.waitFor(/configuration reloaded/);
      const { ControlSocketClient } = await import("../../src/daemon/socket-client.ts");
      const sc = await ControlSocketClient.connect(join(dir, "state", "ot3c.sock"));
      for (let i = 0; i < 50; i++) {
        const snap = ((await sc.request({ cmd: "snapshot" })) as { snapshot?: { approval: string } }).snapshot;
        if (snap?.approval === "required") break;
        await Bun.sleep(20);
      }
      expect((((await sc.request({ cmd: "snapshot" })) as { snapshot?: { approval: string } }).snapshot)!.approval).toBe("required");
      sc.close();

      // The CLI goes through the socket while the daemon runs.
      const store = Store.open(join(dir, "state"));
      const item = store.listItems({ states: ["PENDING"] })[0]!;
      const cli = spawnOt3c(["approve", item.id, "--config", cfg, "--actor", "alice", "--output", "json"]);
      expect(await cli.proc.exited).toBe(0);
      expect(JSON.parse(cli.out.join("\n"))).toMatchObject({ via: "socket", result: { ok: true } });
      expect(store.getItem(item.id)!.approvedBy).toBe("alice");
      store.close();

      d.proc.kill("SIGTERM");
      expect(await d.proc.exited).toBe(0);
      for (let i = 0; i < 100 && !listener.lines.includes("STOPPING=1"); i++) await Bun.sleep(10);
      expect(listener.lines).toContain("STOPPING=1");
      expect(existsSync(join(dir, "state", "ot3c.sock"))).toBe(false);
    } finally {
      d.proc.kill("SIGKILL");
      listener.proc.kill();
    }
  }, 30_000);

  test("without a daemon, approve/veto/postpone work on the state database (source cli)", async () => {
    const cfg = join(dir, "ot3c.yaml");
    const store = Store.open(join(dir, "state"));
    const item = store.listItems({ states: ["PENDING", "APPROVED"] })[0]!;
    const veto = spawnOt3c(["veto", item.id, "--reason", "release week", "--config", cfg, "--actor", "bob"]);
    expect(await veto.proc.exited).toBe(0);
    expect(veto.out.join("\n")).toContain("via state-db");
    expect(store.getItem(item.id)!.state).toBe("VETOED");
    const ev = store.auditEvents({ itemId: item.id }).at(-1)!;
    expect(ev).toMatchObject({ action: "item.vetoed", actor: "bob", source: "cli", detail: "release week" });
    const bad = spawnOt3c(["postpone", "nope", "--by", "2h", "--config", cfg]);
    expect(await bad.proc.exited).toBe(1);
    store.close();
  }, 20_000);

  test("`ot3c run`: the same engine in the foreground with human log lines on stderr; SIGINT → exit 0", async () => {
    const cfg = join(dir, "run.yaml");
    writeFileSync(cfg, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nstate-dir: ${join(dir, "run-state")}\nenforce: false\n`, { mode: 0o600 });
    const r = spawnOt3c(["run", "--config", cfg]);
    const line = await r.waitFor(/engine started \(DRY-RUN/);
    expect(r.err.some((l) => l.includes("engine started"))).toBe(true);
    expect(line).not.toMatch(/^<\d>/);
    expect(line).toContain("info");
    await r.waitFor(/plan reconciled/);
    r.proc.kill("SIGINT");
    expect(await r.proc.exited).toBe(0);
  }, 20_000);

  test("a bad configuration exits 78", async () => {
    const cfg = join(dir, "bad.yaml");
    writeFileSync(cfg, "target-budget: lots\n", { mode: 0o600 });
    const d = spawnOt3c(["daemon", "--config", cfg]);
    expect(await d.proc.exited).toBe(78);
  }, 20_000);
});
