/**
 * The README's systemd flow without root for the operator: the daemon runs as its own user with a 0750 state
 * directory and `socket-group`, an operator who is only in that group approves through the socket and reads
 * `ot3c status`; a user outside the group is told which group to join. Real processes under other uids
 * (setpriv: supplementary groups without touching /etc/group); skipped unless the suite runs as root.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { ot3cCommand } from "./process-helpers.ts";

const SETPRIV = Bun.which("setpriv");
const canRun = process.getuid?.() === 0 && !!SETPRIV;
const DAEMON_UID = 1; // "daemon" on Debian; any uid without a home works
const OPERATOR_UID = 65534;
const GID = 4242; // the socket's group, numeric: no /etc/group entry needed

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-group-"));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function as(uid: number, groups: number[], args: string[], env: Record<string, string>) {
  const priv = [SETPRIV!, `--reuid=${uid}`, `--regid=${groups[0] ?? uid}`, groups.length ? `--groups=${groups.join(",")}` : "--clear-groups"];
  return Bun.spawn([...priv, ...ot3cCommand(), ...args], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH!, NO_COLOR: "1", ...env } });
}

describe("socket group (README systemd flow, non-root operator)", () => {
  test.skipIf(!canRun)("an operator in the socket's group approves and reads status; others are told which group to join", async () => {
    const state = join(dir, "var-lib-ot3c");
    mkdirSync(state, { mode: 0o750 });
    chownSync(state, DAEMON_UID, GID);
    const cfg = join(dir, "ot3c.yaml");
    writeFileSync(cfg, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nenforce: false\ntermination-grace: 1h\nsocket-group: "${GID}"\n`, { mode: 0o600 });
    chownSync(cfg, DAEMON_UID, GID);
    const opHome = join(dir, "op-home");
    mkdirSync(opHome, { mode: 0o777 });
    const d = as(DAEMON_UID, [GID], ["daemon", "--config", cfg], { STATE_DIRECTORY: state, HOME: "/nonexistent", OT3C_TICK_MS: "200" });
    try {
      // As the operator: wait for the daemon's plan through `ot3c status` (root must not create the database first).
      let item: string | undefined;
      for (let i = 0; i < 100 && !item; i++) {
        await Bun.sleep(100);
        const st = as(OPERATOR_UID, [GID], ["status", "--state-dir", state, "--output", "json"], { HOME: opHome });
        const text = await new Response(st.stdout).text();
        if ((await st.exited) === 0) item = (JSON.parse(text) as { items: Array<{ id: string; state: string }> }).items.find((x) => x.state === "PENDING")?.id;
      }
      expect(item).toBeDefined();
      // The operator has no config and no flags except where the daemon lives (here not /var/lib/ot3c).
      const a = as(OPERATOR_UID, [GID], ["approve", item!, "--state-dir", state, "--actor", "op", "--output", "json"], { HOME: opHome });
      const out = await new Response(a.stdout).text();
      expect(await a.exited, await new Response(a.stderr).text()).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ via: "socket", result: { ok: true } });
      const st = as(OPERATOR_UID, [GID], ["status", "--state-dir", state, "--output", "json"], { HOME: opHome });
      const doc = JSON.parse(await new Response(st.stdout).text());
      expect(await st.exited).toBe(0);
      expect(doc.items.find((i: { id: string }) => i.id === item).state).toBe("APPROVED");

      const outsider = as(OPERATOR_UID, [], ["approve", item!, "--state-dir", state], { HOME: opHome });
      expect(await outsider.exited).toBe(1);
      expect(await new Response(outsider.stderr).text()).toContain("you may not use it (permission denied)");
    } finally {
      d.kill("SIGKILL");
    }
  }, 60_000);
});
