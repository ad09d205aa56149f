import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import type { VerifyDocument } from "../../src/cli/render/verify.ts";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";

let f: SimFixture;
beforeAll(() => {
  f = startSimFixture();
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

const CHECKS = ["Financial Dashboard", "OTC IAM", "OTC ECS", "OTC EVS", "OTC CCE", "OTC RDS"];

describe("ot3c verify", () => {
  test("all GO against the simulator: exit 0, config path shown, one GO line per check", async () => {
    const r = await run([...globals(f), "verify"]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^GO\s+Configuration\s+/);
    expect(lines[0]).toContain(f.config);
    for (const name of CHECKS) expect(lines.some((l) => l.startsWith("GO ") && l.includes(name))).toBe(true);
    expect(lines.filter((l) => l.startsWith("NO-GO"))).toEqual([]);
    expect(lines.at(-1)).toBe(`Result: GO — all ${CHECKS.length} checks passed.`);
    // Details name what was reached, e.g. the server count of the simulated project.
    expect(r.out).toContain(`${f.scenario.world.servers.size} servers listable`);
  });

  test("--output json: the documented shape", async () => {
    const r = await run([...globals(f), "verify", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as VerifyDocument;
    expect(doc.version).toBe(1);
    expect(doc.ok).toBe(true);
    expect(doc.config).toEqual({ path: f.config, project: f.scenario.world.projectName, region: "eu-de", dashboardApi: "v2", enforce: false });
    expect(doc.checks.map((c) => c.name)).toEqual(CHECKS);
    expect(doc.checks.every((c) => c.ok && c.status === "GO" && c.detail.length > 0)).toBe(true);
    expect(doc.summary).toEqual({ go: 6, noGo: 0 });
  });

  test("wrong OTC secret key: OTC checks NO-GO, dashboard GO, exit 1, no secret in the output", async () => {
    const good = f.scenario.world.credentials.secretKey;
    const wrong = "WrongSecretKey0000000000000000000000wxyz";
    const cfg = f.variant((y) => y.replace(JSON.stringify(good), JSON.stringify(wrong)));
    const r = await run([...globals(f, cfg), "verify", "--output", "yaml"]);
    expect(r.code).toBe(1);
    const doc = parse(r.out) as VerifyDocument;
    expect(doc.ok).toBe(false);
    const byName = Object.fromEntries(doc.checks.map((c) => [c.name, c]));
    expect(byName["Financial Dashboard"]!.status).toBe("GO");
    for (const name of CHECKS.slice(1)) expect(byName[name]!.status).toBe("NO-GO");
    expect(byName["OTC IAM"]!.detail).toMatch(/401/);
    expect(doc.summary).toEqual({ go: 1, noGo: 5 });
    for (const s of [wrong, good, f.scenario.world.credentials.dashboardToken]) {
      expect(r.out).not.toContain(s);
      expect(r.err).not.toContain(s);
    }
  });

  test("wrong dashboard secret: dashboard NO-GO (401), text ends NO-GO, the token is not printed", async () => {
    const token = f.scenario.world.credentials.dashboardToken;
    const wrong = "not-the-dashboard-token-123456789";
    const cfg = f.variant((y) => y.replace(JSON.stringify(token), JSON.stringify(wrong)));
    const r = await run([...globals(f, cfg), "verify"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^NO-GO\s+Financial Dashboard\s+.*401/m);
    expect(r.out).toMatch(/^GO\s+OTC RDS/m);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe("Result: NO-GO — 1 of 6 checks failed.");
    expect(r.out + r.err).not.toContain(wrong);
    expect(r.out + r.err).not.toContain(token);
  });

  test("project by name only (no projectid): IAM resolves it, all GO", async () => {
    const cfg = f.variant((y) => y.replace(/^ {2}projectid: .*\n/m, ""));
    const r = await run([...globals(f, cfg), "verify", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as VerifyDocument;
    expect(doc.ok).toBe(true);
    expect(doc.checks[1]!.detail).toContain(f.scenario.world.projectId);
  });

  test("unreachable endpoints: NO-GO with the cause, exit 1", async () => {
    // A port nothing listens on: the simulator's port after it stopped.
    const dead = startSimFixture();
    const cfg = dead.config;
    await dead.stop();
    const r = await run([...globals(dead, cfg), "verify", "--output", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as VerifyDocument;
    expect(doc.checks.every((c) => !c.ok)).toBe(true);
    expect(doc.checks.map((c) => c.name)).toEqual(CHECKS);
  }, 30_000);
});
