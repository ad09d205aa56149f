import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";

let f: SimFixture;
beforeAll(() => {
  f = startSimFixture();
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

const COMMANDS = [["verify"], ["list", "--output", "json"], ["plan"], ["dump-data", "--out", "-"]];

describe("bad configuration → exit 78 before any request", () => {
  test.each(COMMANDS)("%s: invalid value names the key and line:column", async (...cmd: string[]) => {
    const cfg = f.variant((y) => y.replace(/^target-budget: .*$/m, "target-budget: -5"), `neg-${cmd[0]}.yaml`);
    const line = f.sim.configYaml().split("\n").findIndex((l) => l.startsWith("target-budget:")) + 1;
    const before = f.sim.dashboardStats.requests;
    const r = await run([...globals(f, cfg), ...cmd]);
    expect(r.code).toBe(78);
    expect(r.out).toBe("");
    expect(r.err).toContain(`neg-${cmd[0]}.yaml:${line}:16: target-budget:`);
    expect(f.sim.dashboardStats.requests).toBe(before);
  });

  test.each(COMMANDS)("%s: YAML syntax error and a missing file", async (...cmd: string[]) => {
    const broken = f.variant((y) => y.replace(/^ {2}accesskey: .*$/m, "  accesskey: [unclosed"), `broken-${cmd[0]}.yaml`);
    const r = await run([...globals(f, broken), ...cmd]);
    expect(r.code).toBe(78);
    expect(r.err).toMatch(new RegExp(`broken-${cmd[0]}\\.yaml:\\d+:\\d+: YAML syntax`));
    const missing = await run(["--config", `${f.dir}/absent.yaml`, "--state-dir", f.stateDir, ...cmd]);
    expect(missing.code).toBe(78);
    expect(missing.err).toContain("absent.yaml");
  });
});
