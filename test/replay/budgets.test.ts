/**
 * The replay with several budgets (issue #18): the real engine plans a contract (`all`), two projects, a team
 * nested in one of them and a team across both, over several seeds (cost data a day late, 3 % noise). Per budget:
 * - it ends at or under its target (1 % tolerance), or the engine reported it could not be closed (uncovered gap
 *   or baseline over the target on some day) — a budget is never missed silently. A small budget's own forecast
 *   error is larger than the whole bill's, so it may be recognised too late for its few resources to close it.
 * - its excess cut is at most the realised saving of the last unit acted on in it, plus what was saved on
 *   resources another over-budget budget shares with it (cuts that one may have needed), plus 0.1 % of the target;
 * and for the run: no prio-0, untagged, prepaid or vetoed resource gets a call, and no resource the same call twice.
 */
import { describe, expect, test } from "bun:test";
import { runReplay, scenarioInputs, type ReplayBudget, type ReplayReport } from "../../src/replay/index.ts";
import type { CloudResource, CostRecord } from "../../src/engine/types.ts";

const SEEDS = 8;
const small = { ecs: 16, evs: 24, cceClusters: 1, cceNodePools: 2, rds: 2, untaggedExtras: 2 };

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Two projects and two teams: a server's volumes go where the server goes. The cost records name their project,
 * as the dashboard's do (so a resource's spend stays in its project once it is deleted and its records are a ghost).
 */
function spread(resources: CloudResource[], history: CostRecord[]): { resources: CloudResource[]; history: CostRecord[] } {
  const placeOf = (key: string) => ({ project: hash(`p|${key}`) % 2 === 0 ? "eu-de_a" : "eu-de_b", team: hash(`t|${key}`) % 3 === 0 ? "t2" : "t1" });
  const serverOf = new Map<string, string>();
  for (const r of resources) if (r.kind === "ECS") for (const v of r.attachedVolumeIds ?? []) serverOf.set(v, r.id);
  const projectOf = new Map<string, string>();
  const out = resources.map((r) => {
    const p = placeOf(serverOf.get(r.id) ?? r.id);
    projectOf.set(r.id, p.project);
    return { ...r, projectName: p.project, projectId: `id-${p.project}`, region: "eu-de", tags: { ...r.tags, team: p.team } };
  });
  const records = history.map((c) => {
    const p = projectOf.get(c.resourceId);
    return p ? { ...c, projectName: p, projectId: `id-${p}`, region: "eu-de" } : c;
  });
  return { resources: out, history: records };
}

const budgets: ReplayBudget[] = [
  { name: "proj-a", projects: ["eu-de_a"], cut: 0.2 },
  { name: "team-a1", projects: ["eu-de_a"], tags: { team: "t1" }, cut: 0.3 },
  { name: "proj-b", projects: ["id-eu-de_b"], cut: 0.15 },
  { name: "t2", tags: { team: "t2" }, cut: 0.25 },
];

async function replay(seed: number, plannerMode: "optimal" | "classic"): Promise<ReplayReport> {
  const common = {
    cut: 0.1,
    noise: 0.03,
    lagHours: 24,
    syncEveryHours: 24,
    vetoShare: 0,
    maxTerminationsPerRun: 1000,
    seed,
    options: { quantile: "p50" as const, model: "ensemble" as const, plannerMode, graceMs: 24 * 3_600_000, billingBeginDay: 1, currency: "EUR" },
  };
  const inputs = scenarioInputs({ ...common, scenario: "default", month: "2026-11", scenarioOverrides: small });
  return runReplay({ ...common, ...inputs, ...spread(inputs.resources, inputs.history), budgets });
}

for (const planner of ["optimal", "classic"] as const) {
  describe(`replayed months with nested and overlapping budgets, ${planner} planner`, () => {
    test(`${SEEDS} seeds: every budget met or reported, no excess cut of its own, nothing untouchable touched, no call twice`, async () => {
      let checked = 0;
      let actedIn = 0;
      let met = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = await replay(seed, planner);
        expect(r.violations, `${r.label}: ${JSON.stringify(r.violations)}`).toEqual([]);
        expect(r.budgets!.map((b) => b.name)).toEqual(budgets.map((b) => b.name));
        if (r.reachable) expect(r.monthEnd, `${r.label} all`).toBeLessThanOrEqual(r.budget * 1.01);
        for (const b of r.budgets!) {
          const what = `${r.label} ${planner} ${b.name}: target ${b.target}, untouched ${b.untouchedMonthEnd}, month-end ${b.monthEnd}, excess ${b.excessCut}, last ${b.lastItemSaving}, shared ${b.sharedSaving}, days uncovered ${b.daysUncovered}`;
          expect(b.untouchedMonthEnd, what).toBeGreaterThan(b.target); // every budget needs cuts
          if (b.calls > 0) actedIn++;
          if (b.monthEnd <= b.target * 1.01) met++;
          else expect(b.daysUncovered, what).toBeGreaterThan(0);
          if (!b.reachable) continue;
          checked++;
          expect(b.excessCut, what).toBeLessThanOrEqual(b.lastItemSaving + b.sharedSaving + b.target * 0.001);
        }
      }
      // The properties were exercised, not skipped.
      expect(checked).toBeGreaterThanOrEqual(SEEDS * budgets.length * 0.7);
      expect(actedIn).toBeGreaterThanOrEqual(SEEDS * budgets.length * 0.7);
      // Most budgets are met, not merely reported.
      expect(met).toBeGreaterThanOrEqual(SEEDS * budgets.length * 0.75);
    }, 300_000);
  });
}
