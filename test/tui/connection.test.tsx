/**
 * An attached TUI and a daemon that dies: the real daemon process (SIGKILL, SIGSTOP), the real socket client with
 * its heartbeat, the real App. The header must say DISCONNECTED within 2 s, the action keys must be gone, and the
 * TUI must come back by itself when the daemon does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { App } from "../../src/tui/App.tsx";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { systemClock } from "../../src/engine/types.ts";
import { spawnOt3c, type Proc } from "../daemon/process-helpers.ts";
import { strip } from "./harness.tsx";

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-link-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, f: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!f()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await Bun.sleep(20);
  }
  return performance.now() - t0;
}

describe("attached TUI and a dying daemon", () => {
  test("SIGKILL and SIGSTOP: DISCONNECTED within 2 s, no action keys, reconnects by itself", async () => {
    const cfg = join(dir, "ot3c.yaml");
    const state = join(dir, "state");
    writeFileSync(cfg, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nstate-dir: ${state}\nenforce: false\napproval: required\ntermination-grace: 1h\n`, { mode: 0o600 });
    const procs: Proc[] = [];
    const daemon = async () => {
      const d = spawnOt3c(["daemon", "--config", cfg], { OT3C_TICK_MS: "200" });
      procs.push(d);
      await d.waitFor(/engine started/);
      return d;
    };
    let d = await daemon();
    const client = await ControlSocketClient.connect(join(state, "ot3c.sock"), 2000, {});
    const r = render(
      <App handle={client} readOnly={false} clock={systemClock} prefs={memoryPrefs()} actor="tester" colorAllowed={false} ascii={false} initialTheme="okabe-ito" tickMs={200} coalesceMs={0} />,
    );
    const frame = () => strip(r.lastFrame());
    try {
      await until("first snapshot with a plan", () => /Pending \(\d+\)/.test(frame()) && !/Pending \(0\)/.test(frame()), 20_000);
      // The header names this daemon's role (src/store/lease).
      await until("LEADER in the header", () => /LEADER e1/.test(frame()), 5000);
      r.stdin.write("3");
      await until("pending view", () => frame().includes("PENDING"), 2000);
      // Connected, "a" opens the approval dialog (and Esc closes it)...
      r.stdin.write("a");
      await until("approve dialog", () => frame().includes("Approve termination"), 2000);
      r.stdin.write("\x1b");
      await until("dialog closed", () => !frame().includes("Approve termination"), 2000);

      d.proc.kill("SIGKILL");
      const killMs = await until("DISCONNECTED after SIGKILL", () => frame().includes("DISCONNECTED"), 2000);
      expect(frame()).toContain("sync ✖ unknown (daemon disconnected)");
      // ...disconnected, the action keys are gone: "a" opens nothing.
      r.stdin.write("a");
      await Bun.sleep(100);
      expect(frame()).not.toMatch(/Approve|approve \w+\?/);

      d = await daemon();
      const backMs = await until("reconnected", () => !frame().includes("DISCONNECTED") && frame().includes("sync ✔"), 10_000);

      d.proc.kill("SIGSTOP");
      const stopMs = await until("DISCONNECTED after SIGSTOP (heartbeat)", () => frame().includes("DISCONNECTED (no heartbeat)"), 2000);
      d.proc.kill("SIGCONT");
      await until("reconnected after SIGCONT", () => !frame().includes("DISCONNECTED"), 10_000);
      console.log(`link: DISCONNECTED ${Math.round(killMs)} ms after SIGKILL, ${Math.round(stopMs)} ms after SIGSTOP; back ${Math.round(backMs)} ms after the restart`);
    } finally {
      r.unmount();
      client.close();
      for (const p of procs) p.proc.kill("SIGKILL");
    }
  }, 60_000);
});
