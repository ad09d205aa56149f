/**
 * Finding the daemon without flags (src/daemon/discovery.ts): the lookup order, and the real CLI/TUI finding a
 * real daemon from an operator's shell — no --state-dir, no --config — while a local configuration that points
 * elsewhere is refused instead of starting a second engine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { ControlSocketServer } from "../../src/daemon/socket-server.ts";
import { findDaemon, ForeignConfigError, stateDirCandidates } from "../../src/daemon/discovery.ts";
import { Store } from "../../src/store/store.ts";
import { makeEngine } from "../engine/fixtures.ts";
import { ot3cCommand, spawnOt3c, type Proc } from "./process-helpers.ts";

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-disc-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("lookup order", () => {
  test("--state-dir alone when given; else $STATE_DIRECTORY, the config's state-dir, /var/lib/ot3c, ~/.local/state/ot3c", () => {
    expect(stateDirCandidates({ flag: "~/s", env: { STATE_DIRECTORY: "/x" }, home: "/home/a", cwd: "/" })).toEqual([{ dir: "/home/a/s", via: "--state-dir" }]);
    expect(stateDirCandidates({ configStateDir: "/srv/ot3c", configFile: "/home/a/ot3c.yaml", env: { STATE_DIRECTORY: "/run/sd:/other" }, home: "/home/a", cwd: "/" }).map((c) => c.dir)).toEqual([
      "/run/sd",
      "/srv/ot3c",
      "/var/lib/ot3c",
      "/home/a/.local/state/ot3c",
    ]);
    // No duplicates: a config using the default state directory is not tried twice.
    expect(stateDirCandidates({ configStateDir: "/home/a/.local/state/ot3c", env: {}, home: "/home/a", cwd: "/" }).map((c) => c.dir)).toEqual(["/home/a/.local/state/ot3c", "/var/lib/ot3c"]);
  });

  test("the system state directory is found before the user's; a config pointing elsewhere is a ForeignConfigError", async () => {
    const f = makeEngine({ ids: ["a"], gap: 5 });
    await f.engine.acquireLock();
    await f.engine.step();
    const server = new ControlSocketServer({ path: join(f.dir, "ot3c.sock"), engine: f.engine });
    await server.listen();
    try {
      const home = join(dir, "home-unit");
      const found = await findDaemon({ systemDir: f.dir, env: {}, home, cwd: dir });
      expect(found?.stateDir).toBe(f.dir);
      expect(found?.via).toBe(f.dir);
      found?.client.close();
      await expect(findDaemon({ systemDir: f.dir, configStateDir: join(home, "elsewhere"), configFile: join(home, "ot3c.yaml"), env: {}, home, cwd: dir })).rejects.toBeInstanceOf(ForeignConfigError);
      // An explicit --state-dir is the operator's choice: only that directory is looked at.
      expect(await findDaemon({ flag: join(home, "elsewhere"), systemDir: f.dir, env: {}, home, cwd: dir })).toBeUndefined();
    } finally {
      await server.close();
      await f.engine.stop();
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

describe("the real CLI and TUI find the real daemon without flags", () => {
  test("daemon in $STATE_DIRECTORY of the unit = the operator's state dir: approve via socket, `ot3c` summary attaches, a foreign ./ot3c.yaml is refused", async () => {
    const home = join(dir, "home");
    const stateDir = join(home, ".local", "state", "ot3c");
    const etc = join(dir, "etc");
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, "ot3c.yaml"), `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nenforce: false\ntermination-grace: 1h\n`, { mode: 0o600 });
    // Like the unit: config from $CONFIGURATION_DIRECTORY, state in $STATE_DIRECTORY, no flags.
    const d = spawnOt3c(["daemon"], { CONFIGURATION_DIRECTORY: etc, STATE_DIRECTORY: stateDir, HOME: join(dir, "daemon-home"), OT3C_TICK_MS: "200" });
    const operator = { HOME: home, STATE_DIRECTORY: "", CONFIGURATION_DIRECTORY: "", OT3C_CONFIG: "" };
    const procs: Proc[] = [d];
    try {
      await d.waitFor(/plan reconciled/);
      const store = Store.open(stateDir);
      const item = store.listItems({ states: ["PENDING"] })[0]!;
      store.close();

      const cwd = join(dir, "shell");
      mkdirSync(cwd, { recursive: true });
      const run = (args: string[], env: Record<string, string> = {}) => {
        const p = spawnOt3c(args, { ...operator, ...env });
        procs.push(p);
        return p;
      };
      const a = run(["approve", item.id, "--actor", "alice", "--output", "json"]);
      expect(await a.proc.exited).toBe(0);
      expect(JSON.parse(a.out.join("\n"))).toMatchObject({ via: "socket", stateDir, result: { ok: true } });

      const tui = run(["tui"]);
      expect(await tui.proc.exited).toBe(0);
      expect(tui.out.join("\n")).toContain(`attached:${join(stateDir, "ot3c.sock")}`);

      // A config in the working directory with its own state directory: an error, and no engine of its own.
      const foreignState = join(dir, "foreign-state");
      writeFileSync(join(cwd, "ot3c.yaml"), `${sim.configYaml()}\nstate-dir: ${foreignState}\n`, { mode: 0o600 });
      const inCwd = (args: string[]) => {
        const p = Bun.spawn([...ot3cCommand(), ...args], {
          cwd,
          env: { ...process.env, ...operator, NO_COLOR: "1" },
          stdout: "pipe",
          stderr: "pipe",
        });
        return p;
      };
      const t2 = inCwd(["tui"]);
      expect(await t2.exited).toBe(1);
      expect(await new Response(t2.stderr).text()).toContain(`an ot3c daemon runs on ${stateDir}`);
      const v = inCwd(["veto", item.id, "--reason", "x"]);
      expect(await v.exited).not.toBe(0);
      expect(await new Response(v.stderr).text()).toContain("not starting a second engine");
      // `ot3c run` with that config: refused too.
      const r = inCwd(["run"]);
      expect(await r.exited).toBe(1);
      expect(await new Response(r.stderr).text()).toContain("not starting a second engine");
      expect(existsSync(join(foreignState, "ot3c.db"))).toBe(false);
    } finally {
      for (const p of procs) p.proc.kill("SIGKILL");
    }
  }, 60_000);
});
