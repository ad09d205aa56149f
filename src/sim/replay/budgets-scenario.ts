/**
 * A replayed month with several budgets (issue #18): the `default` scenario (small) spread over two projects and
 * two teams — a contract (`all`), two projects, a team nested in one of them and a team across both, every one of
 * them over its target untouched. Used by the replay test with several budgets and `npm run bench -- replay-budgets`.
 */
import { runReplay, scenarioInputs, type ReplayBudget, type ReplayReport } from "../../replay/index.ts";
import type { CloudResource, CostRecord } from "../../engine/types.ts";

const SMALL = { ecs: 16, evs: 24, cceClusters: 1, cceNodePools: 2, rds: 2, untaggedExtras: 2 };

export const SCOPED_BUDGETS: ReplayBudget[] = [
  { name: "proj-a", projects: ["eu-de_a"], cut: 0.2 },
  { name: "team-a1", projects: ["eu-de_a"], tags: { team: "t1" }, cut: 0.3 },
  { name: "proj-b", projects: ["id-eu-de_b"], cut: 0.15 },
  { name: "t2", tags: { team: "t2" }, cut: 0.25 },
];

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

/** November 2026 replayed with the budgets above: cost data a day late, 3 % noise, `all` cut by 10 %. */
export async function replayScopedMonth(seed: number, plannerMode: "optimal" | "classic"): Promise<ReplayReport> {
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
  const inputs = scenarioInputs({ ...common, scenario: "default", month: "2026-11", scenarioOverrides: SMALL });
  return runReplay({ ...common, ...inputs, ...spread(inputs.resources, inputs.history), budgets: SCOPED_BUDGETS });
}
