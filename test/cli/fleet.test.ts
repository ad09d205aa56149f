/**
 * `projects: all` through the CLI against `ot3c sim --projects` (issue #18): the simulator command serves a
 * contract of several projects in two regions and writes its config; `verify` names every project's checks,
 * `list -o json` lists every project's resources, `plan` plans across them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, run, tempDir } from "./helpers.ts";

const main = join(import.meta.dir, "../../src/main.ts");
let dir: string;
let config: string;
let proc: ReturnType<typeof Bun.spawn>;

beforeAll(async () => {
  dir = tempDir();
  config = join(dir, "ot3c.yaml");
  proc = Bun.spawn([process.execPath, main, "sim", "--projects", "3", "--regions", "eu-de,eu-nl", "--seed", "4", "--write-config", config], { stdout: "ignore", stderr: "pipe" });
  for (let i = 0; i < 300 && !existsSync(config); i++) await Bun.sleep(50);
  if (!existsSync(config)) throw new Error("ot3c sim --projects did not write its config");
});
afterAll(async () => {
  proc.kill("SIGTERM");
  await proc.exited;
  cleanupTempDirs();
});

describe("ot3c sim --projects with projects: all", () => {
  test("the config says projects: all with both regions' endpoints", () => {
    const text = readFileSync(config, "utf8");
    expect(text).toMatch(/^projects: all$/m);
    expect(text).toMatch(/^project-regions: \[eu-de, eu-nl\]$/m);
    expect(text).toContain("region-endpoints:");
  });

  test("verify: GO, every project named", async () => {
    const r = await run(["--config", config, "--state-dir", join(dir, "state"), "verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GO\s+OTC IAM\s+.*3 project\(s\): eu-de \(eu-de\), eu-de_payments \(eu-de\), eu-nl \(eu-nl\)/);
    for (const p of ["eu-de", "eu-de_payments", "eu-nl"]) expect(r.out).toMatch(new RegExp(`GO\\s+OTC ECS ${p}\\s`));
  });

  test("list -o json: every project's servers in one tree", async () => {
    const r = await run(["--config", config, "--state-dir", join(dir, "state"), "list", "-o", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    const ids = new Set<string>();
    const walk = (u: { id: string; members?: unknown[] }) => {
      ids.add(u.id);
      for (const m of u.members ?? []) walk(m as { id: string });
    };
    for (const u of doc.resources) walk(u);
    // The same seed generates the same fleet: each project's servers are in the tree.
    const { generateFleet, SMALL_PROJECT } = await import("../../src/sim/scenario/fleet.ts");
    const fleet = generateFleet({ seed: 4, now: Date.now(), regions: [{ region: "eu-de", projects: 2 }, { region: "eu-nl", projects: 1 }], perProject: SMALL_PROJECT });
    for (const w of fleet.projects) {
      expect(w.servers.size).toBeGreaterThan(0);
      for (const id of w.servers.keys()) expect(ids.has(`ECS_${id}`) || [...ids].some((x) => x.includes(`ECS_${id}`))).toBe(true);
    }
  });

  test("list names the fleet, not a placeholder, and every row its project and region", async () => {
    const r = await run(["--config", config, "--state-dir", join(dir, "state"), "list", "-o", "json"]);
    const doc = JSON.parse(r.out);
    expect(doc.project).toEqual({ name: "all projects", region: "eu-de, eu-nl", fleet: true });
    const rows: Array<{ project: string; region: string; members: unknown[] }> = [];
    const walk = (u: { project: string; region: string; members: unknown[] }) => (rows.push(u), u.members.forEach((m) => walk(m as typeof u)));
    doc.resources.forEach(walk);
    const places = new Set(rows.map((x) => `${x.project} (${x.region})`));
    expect(places).toEqual(new Set(["eu-de (eu-de)", "eu-de_payments (eu-de)", "eu-nl (eu-nl)"]));
    const text = await run(["--config", config, "--state-dir", join(dir, "state"), "list"]);
    expect(text.out.split("\n")[0]).toStartWith("Projects: all projects in eu-de, eu-nl");
    expect(text.out).toMatch(/^ID\s+NAME\s+PROJECT\s+PRIO/m);
    expect(text.out).toContain("eu-nl (eu-nl)");
    const verify = await run(["--config", config, "--state-dir", join(dir, "state"), "verify"]);
    expect(verify.out).toContain(": all projects in eu-de, eu-nl, dashboard API");
  });
});
