import { describe, expect, test } from "bun:test";
import { runFailoverScenario } from "../../scripts/soak/failover-harness.ts";

describe("failover (real daemons, one SQLite state, enforce: true, simulator)", () => {
  test("two daemons, the leader SIGKILLed 12 times while executing: a follower takes over within the lease time, no double call, no lost veto or approval", async () => {
    const leaseMs = 2000;
    const r = await runFailoverScenario({ daemons: 2, kills: 12, leaseMs, callTimeoutMs: 600, seed: Number(process.env.OT3C_FAILOVER_SEED) || 7 });
    const context = JSON.stringify(r);
    expect(r.kills, context).toBe(12);
    expect(r.killsWhileExecuting, context).toBeGreaterThanOrEqual(8);
    // Takeover: the lease runs out (≤ leaseMs after the last renewal) and the next attempt (leaseMs / 6) wins.
    expect(Math.max(...r.failoverMs), context).toBeLessThanOrEqual(leaseMs + leaseMs / 6 + 1500);
    expect(r.doubleCalls, context).toEqual([]);
    expect(r.vetoViolations, context).toEqual([]);
    expect(r.approvalViolations, context).toEqual([]);
    expect(r.vetoed, context).toBeGreaterThanOrEqual(2);
    expect(r.mutationCalls, context).toBeGreaterThan(0);
    expect(r.items.EXECUTING ?? 0, context).toBe(0);
    expect(r.epochs, context).toBeGreaterThanOrEqual(13);
    expect(r.exitCodes, context).toEqual([0, 0]);
    expect(r.socketAnswers, context).toBe(true);
  }, 180_000);
});
