/**
 * Property tests of the ladder over whole replayed months (issue #17): the same scenario month under delete-only and
 * under the full ladder (office hours on the weekend-idle servers, park, snapshot-delete with copy-before-delete,
 * delete), the same budget. Per seed:
 * - nothing parked stays parked past its resume time (an hour into the next period every park is back);
 * - every database deleted under the ladder had its backup first;
 * - a server on office hours is never deleted when its schedule (with the others') alone meets the budget — checked
 *   against a third run with the schedules only and no budget pressure;
 * - no violations; the ladder meets the budget whenever delete-only does;
 * and over all seeds the ladder deletes fewer servers and node pools (pools are parked at 0 nodes) and loses less data
 * without a copy.
 */
import { describe, expect, test } from "bun:test";
import { compareLadderScenario, fullLadder, runReplay, scenarioInputs, withOfficeHours, type ReplayReport } from "../../src/replay/index.ts";

const SEEDS = 10;
const small = { ecs: 14, evs: 22, cceClusters: 1, cceNodePools: 2, rds: 3, untaggedExtras: 2 };
const common = (seed: number, cut: number) => ({
  scenario: "default" as const,
  month: "2026-11",
  seed,
  cut,
  noise: 0.03,
  lagHours: 24,
  syncEveryHours: 24,
  vetoShare: 0,
  maxTerminationsPerRun: 1000,
  scenarioOverrides: small,
  options: { quantile: "p50" as const, model: "ensemble" as const, plannerMode: "optimal" as const, graceMs: 24 * 3_600_000, billingBeginDay: 1, currency: "EUR" },
});

describe("replayed months: delete-only vs the ladder", () => {
  test(
    `${SEEDS} seeds: parks come back, databases are backed up before deletion, schedules before deletions`,
    async () => {
      const total = { delServers: 0, ladderServers: 0, delData: 0, ladderData: 0, parks: 0, scheduledHours: 0, dbCopies: 0, delPools: 0, ladderPools: 0, poolHours: 0 };
      for (let seed = 1; seed <= SEEDS; seed++) {
        const cut = [0.15, 0.25, 0.35][seed % 3]!;
        const c = common(seed, cut);
        const { deleteOnly: a, ladder: b } = await compareLadderScenario(c);
        const tag = (r: ReplayReport) => `${r.label} cut ${cut}`;
        for (const r of [a, b]) {
          expect(r.violations, tag(r)).toEqual([]);
          expect(r.parkedPastResume, tag(r)).toEqual([]);
        }
        expect(b.harm.databasesDeletedWithoutCopy, tag(b)).toBe(0);
        if (a.reachable && a.monthEnd <= a.budget * 1.005) expect(b.monthEnd, tag(b)).toBeLessThanOrEqual(b.budget * 1.005);
        // Schedules alone, no budget pressure: when they meet the budget, no scheduled server may be deleted for it.
        const inputs = scenarioInputs(c);
        const only = await runReplay({ ...c, ...inputs, resources: withOfficeHours(inputs.resources, inputs.history), options: { ...c.options, targetBudget: 1e12, actions: fullLadder() } });
        expect(only.terminations.deletes).toBe(0);
        if (only.monthEnd <= b.budget) expect(b.harm.scheduledServersDeleted, tag(b)).toBe(0);
        total.delServers += a.harm.serversDeleted;
        total.ladderServers += b.harm.serversDeleted;
        total.delData += a.harm.dataDeletedWithoutCopy;
        total.ladderData += b.harm.dataDeletedWithoutCopy;
        total.parks += b.harm.serverHoursStopped - b.harm.scheduledServerHours > 0 ? 1 : 0;
        total.scheduledHours += b.harm.scheduledServerHours;
        total.dbCopies += b.harm.copies;
        total.delPools += a.harm.nodePoolsDeleted;
        total.ladderPools += b.harm.nodePoolsDeleted;
        total.poolHours += b.harm.nodePoolHoursParked;
      }
      expect(total.ladderServers).toBeLessThan(total.delServers);
      expect(total.ladderData).toBeLessThan(total.delData);
      // The rungs were exercised, not skipped.
      expect(total.scheduledHours).toBeGreaterThan(0);
      expect(total.parks).toBeGreaterThan(0);
      // Node pools are parked at 0 nodes (and back at the period start: parkedPastResume) rather than deleted.
      expect(total.poolHours).toBeGreaterThan(0);
      expect(total.ladderPools).toBeLessThan(total.delPools);
      console.log(`ladder properties over ${SEEDS} seeds:`, JSON.stringify(total));
    },
    600_000,
  );
});
