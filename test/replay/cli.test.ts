/**
 * `ot3c replay` as an operator runs it: without an ot3c.yaml a generated scenario replays without a brake (and says
 * so), so the month shows what enforcement does; with --max-terminations the brake is the operator's and its
 * trips are reported.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../cli/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "ot3c-replay-cli-"));
const env = { HOME: dir, OT3C_CONFIG: "" };
const small = ["--resources", "60", "--month", "2026-11"];

describe("ot3c replay (CLI)", () => {
  test("no config: no brake, said in the header, and the month is actually cut", async () => {
    const r = await run(["replay", "--seed", "7", ...small, "--output", "json"], { cwd: dir, env });
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out).replay;
    expect(rep.maxTerminationsPerRun).toBeNull();
    expect(rep.brakeFrom).toBe("none");
    expect(rep.brakeTrips).toBe(0);
    expect(rep.terminations.units).toBeGreaterThan(0);
    const text = await run(["replay", "--seed", "7", ...small], { cwd: dir, env });
    expect(text.out).toContain("max-terminations-per-run: none (no ot3c.yaml found");
  });

  test("--max-terminations 1: the brake holds the due items and the report says how often", async () => {
    const r = await run(["replay", "--seed", "7", ...small, "--max-terminations", "1", "--output", "json"], { cwd: dir, env });
    const rep = JSON.parse(r.out).replay;
    expect(rep.brakeFrom).toBe("flag");
    expect(rep.maxTerminationsPerRun).toBe(1);
    expect(rep.brakeTrips).toBeGreaterThan(0);
  });
});
