import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const scripts = join(import.meta.dir, "../../scripts");

function promtool(): string | undefined {
  const p = Bun.which("promtool");
  if (!p && process.env.CI) throw new Error("promtool is required in CI (apt-get install prometheus)");
  if (!p) console.warn("SKIP: promtool not installed");
  return p ?? undefined;
}

describe("alert rules", () => {
  test("promtool check rules accepts scripts/ot3c.rules.yml", () => {
    const bin = promtool();
    if (!bin) return;
    const r = Bun.spawnSync([bin, "check", "rules", join(scripts, "ot3c.rules.yml")], { stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.stdout.toString()).toContain("SUCCESS: 7 rules found");
    expect(r.exitCode).toBe(0);
  });

  test("promtool test rules passes the unit tests in scripts/ot3c.rules.test.yml", () => {
    const bin = promtool();
    if (!bin) return;
    const r = Bun.spawnSync([bin, "test", "rules", join(scripts, "ot3c.rules.test.yml")], { stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString() + r.stderr.toString();
    expect(out).toContain("SUCCESS");
    expect(r.exitCode).toBe(0);
  });
});
