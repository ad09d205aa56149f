import { describe, expect, test } from "bun:test";
import { runCrashScenario } from "../../scripts/soak/crash-harness.ts";

describe("crash safety (real daemon, enforce: true, simulator)", () => {
  test("SIGKILL at random points while executing, 20 times, jobs held in INIT and answers lost after acceptance: no double call, no lost veto or approval, deadlines kept", async () => {
    const seed = Number(process.env.OT3C_CRASH_SEED) || Date.now() % 1_000_000;
    const r = await runCrashScenario({ kills: 20, seed });
    const context = `seed ${seed}: ${JSON.stringify(r)}`;
    expect(r.kills, context).toBe(20);
    expect(r.killsWhileExecuting, context).toBeGreaterThanOrEqual(10);
    expect(r.doubleCalls, context).toEqual([]);
    expect(r.vetoViolations, context).toEqual([]);
    expect(r.approvalViolations, context).toEqual([]);
    expect(r.deadlineViolations, context).toEqual([]);
    expect(r.vetoed.length, context).toBeGreaterThanOrEqual(3);
    expect(r.approved.length, context).toBe(2);
    expect(r.deleteCalls, context).toBeGreaterThan(0);
    // The realistic cloud was on: answers were lost after acceptance, and every ambiguity was resolved by looking.
    expect(r.lostAnswers, context).toBeGreaterThan(0);
    expect(r.ambiguous, context).toBeGreaterThan(0);
    expect(r.resolvedByObservation, context).toBeGreaterThan(0);
    expect(r.items.DONE ?? 0, context).toBeGreaterThan(0);
    expect(r.items.EXECUTING ?? 0, context).toBe(0);
    expect(r.cleanExitCode, context).toBe(0);
  }, 300_000);
});
