/**
 * Property tests on whole replayed months (`ot3c replay`, src/replay): the real engine, executor and lifecycle
 * against the replay cloud, over 50 seeds and both planners, cost data a day late. Invariants, per run:
 * - the month ends at or under the budget whenever cutting managed resources can reach it — within 0.5 % of the
 *   budget: the engine plans at P50, and the last days' forecast error is past any action's reach;
 * - the excess cut (budget − month-end, when reachable) is at most the month-end saving of the last unit acted
 *   on (plus 0.1 % of the budget): the loop stops cutting once the gap is closed;
 * - no prio-0, untagged, prepaid or vetoed resource receives a call, and no resource receives the same call twice
 *   (the cloud records every call with what the resource was when it arrived).
 * A second pass with a simulated operator vetoing 30 % of the new items checks that vetoes hold.
 */
import { describe, expect, test } from "bun:test";
import { replayScenario, type ReplayReport } from "../../src/replay/index.ts";

const SEEDS = 50;
const small = { ecs: 14, evs: 22, cceClusters: 1, cceNodePools: 2, rds: 2, untaggedExtras: 2 };

function replay(seed: number, plannerMode: "optimal" | "classic", vetoShare: number, cut: number): Promise<ReplayReport> {
  return replayScenario({
    scenario: "default",
    month: "2026-11",
    seed,
    cut,
    noise: 0.03,
    lagHours: 24,
    syncEveryHours: 24,
    vetoShare,
    maxTerminationsPerRun: 1000,
    scenarioOverrides: small,
    options: { quantile: "p50", model: "ensemble", plannerMode, graceMs: 24 * 3_600_000, billingBeginDay: 1, currency: "EUR" },
  });
}

function checkSafety(r: ReplayReport): void {
  expect(r.violations, `${r.label} ${r.planner}: ${JSON.stringify(r.violations)}`).toEqual([]);
}

for (const planner of ["optimal", "classic"] as const) {
  describe(`replayed months, ${planner} planner`, () => {
    test(
      `${SEEDS} seeds: budget met when reachable, no excess cut beyond the last unit's saving, nothing untouchable touched, no call twice`,
      async () => {
        let reachable = 0;
        let acted = 0;
        for (let seed = 1; seed <= SEEDS; seed++) {
          const cut = seed % 2 === 0 ? 0.25 : 0.15;
          const r = await replay(seed, planner, 0, cut);
          checkSafety(r);
          if (r.terminations.units > 0) acted++;
          if (!r.reachable) continue;
          reachable++;
          expect(r.monthEnd, `${r.label} ${planner}: month-end ${r.monthEnd} vs budget ${r.budget}`).toBeLessThanOrEqual(r.budget * 1.005);
          expect(r.excessCut, `${r.label} ${planner}: excess ${r.excessCut}, last unit saved ${r.lastItemSaving}`).toBeLessThanOrEqual(r.lastItemSaving + r.budget * 0.001);
        }
        // The properties must have been exercised, not skipped.
        expect(reachable).toBeGreaterThanOrEqual(SEEDS * 0.8);
        expect(acted).toBeGreaterThanOrEqual(SEEDS * 0.8);
      },
      240_000,
    );

    test("with an operator vetoing 30 % of new items, no vetoed resource is ever called", async () => {
      let vetoes = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const r = await replay(seed, planner, 0.3, 0.25);
        checkSafety(r);
        vetoes += r.vetoes;
      }
      expect(vetoes).toBeGreaterThan(5);
    }, 120_000);
  });
}
