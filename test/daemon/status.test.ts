/**
 * `ot3c status` against a real daemon: the daemon's own items (ids, states, absolute deadlines in UTC and in the
 * named billing zone, savings, member names), leader and epoch, last sync; `--watch` prints a new document when
 * an item changes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { Store } from "../../src/store/store.ts";
import type { StatusDocument } from "../../src/daemon/status.ts";
import { spawnOt3c, type Proc } from "./process-helpers.ts";

let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo");
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-status-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ot3c status (real daemon)", () => {
  test("json, yaml and text show the daemon's items and its lease; --watch follows a change", async () => {
    const home = join(dir, "home");
    const state = join(home, ".local", "state", "ot3c");
    const cfg = join(dir, "ot3c.yaml");
    writeFileSync(cfg, `${sim.configYaml().replace(/^enforce:.*$/m, "")}\nstate-dir: ${state}\nenforce: false\napproval: required\ntermination-grace: 2h\n`, { mode: 0o600 });
    const env = { HOME: home, STATE_DIRECTORY: "", OT3C_CONFIG: "" };
    const procs: Proc[] = [];
    const run = (args: string[]) => {
      const p = spawnOt3c(args, env);
      procs.push(p);
      return p;
    };
    try {
      const d = run(["daemon", "--config", cfg]);
      await d.waitFor(/plan reconciled/);
      const store = Store.open(state);
      const items = store.listItems();
      store.close();

      // No flags: found in the user's state directory.
      const j = run(["status", "--output", "json"]);
      expect(await j.proc.exited).toBe(0);
      const doc = JSON.parse(j.out.join("\n")) as StatusDocument;
      expect(doc.version).toBe(1);
      expect(doc.daemon).toMatchObject({ stateDir: state, pid: d.proc.pid });
      expect(doc.leader).toMatchObject({ role: "LEADER", epoch: 1 });
      expect(doc.lastSync.state).toBe("OK");
      expect(doc.lastSync.lastSuccessAt).toMatch(/Z$/);
      expect(doc.timeZone).toBe("Europe/Berlin");
      expect(doc.items.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
      for (const i of doc.items) {
        const stored = items.find((x) => x.id === i.id)!;
        expect(i).toMatchObject({ state: stored.state, action: stored.action, resource: stored.vrId, deadline: new Date(stored.deadline).toISOString() });
        expect(Date.parse(i.deadlineLocal)).toBe(stored.deadline);
        expect(i.deadlineLocal).toMatch(/\+0[12]:00$/);
        expect(i.saving).toBeCloseTo(stored.tsave, 2);
        expect(i.members.length).toBeGreaterThan(0);
      }
      const group = doc.items.find((i) => i.resource.startsWith("GR_"));
      if (group) expect(group.members.length).toBeGreaterThan(1);

      const t = run(["status"]);
      expect(await t.proc.exited).toBe(0);
      const text = t.out.join("\n");
      expect(text).toContain("LEADER (epoch 1");
      expect(text).toContain("deadlines in Europe/Berlin");
      expect(text).toContain(doc.items[0]!.id);

      const y = run(["status", "--output", "yaml"]);
      expect(await y.proc.exited).toBe(0);
      expect(y.out.join("\n")).toContain("version: 1");

      // --watch: one JSON document per line; an approval shows up as a new line.
      const w = run(["status", "--output", "json", "--watch"]);
      await w.waitFor(/^\{"version":1/);
      const target = doc.items.find((i) => i.state === "PENDING")!;
      const a = run(["approve", target.id, "--actor", "carol"]);
      expect(await a.proc.exited).toBe(0);
      const line = await w.waitFor(new RegExp(`"id":"${target.id}","state":"APPROVED"`));
      expect((JSON.parse(line) as StatusDocument).items.find((i) => i.id === target.id)!.approvedBy).toBe("carol");
      w.proc.kill("SIGINT");
      expect(await w.proc.exited).toBe(0);
    } finally {
      for (const p of procs) p.proc.kill("SIGKILL");
    }
  }, 60_000);

  test("no daemon anywhere: exit 1 and the directories tried", async () => {
    const p = spawnOt3c(["status", "--state-dir", join(dir, "nothing-here")]);
    expect(await p.proc.exited).toBe(1);
    expect(p.err.join("\n")).toContain("no ot3c daemon answers");
  });
});
