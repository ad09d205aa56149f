/**
 * A simulated contract with several projects in several regions (issue #18): one world per project, generated
 * like a single project's (`generateScenario`, each with its own seed), sharing the domain and the AK/SK — one
 * IAM user that may use every project, as `projects: all` expects.
 *
 * Names follow OTC's rules: a region's default project is named after the region (`eu-de`), subprojects
 * `<region>_<name>`. The fleet's IAM also lists `MOS` (OBS's built-in project, no resources), which a client must
 * skip.
 */
import type { SimCostRecord, SimWorld } from "../world.ts";
import { generateScenario, type ScenarioOptions } from "./generate.ts";
import { Rng } from "./random.ts";

export interface SimFleet {
  domainId: string;
  /** The projects with their resources; `world.region` and `world.projectName` say where they live. */
  projects: SimWorld[];
  /** The built-in project IAM lists besides the fleet's (no resources). */
  builtIn: { id: string; name: string };
  /** Sum of every project's suggested budget. */
  targetBudget: number;
}

export interface FleetOptions {
  seed: number;
  /** Projects per region, in this order; the first of each region is its default project. */
  regions: Array<{ region: string; projects: number }>;
  /** Scenario knobs of every project (a small project by default). */
  perProject: Partial<ScenarioOptions>;
  now: number;
}

const TEAMS = ["payments", "search", "data", "web", "ml", "ops", "billing", "mobile", "crm", "edge"];

export const SMALL_PROJECT: Partial<ScenarioOptions> = { ecs: 6, evs: 10, cceClusters: 1, cceNodePools: 1, rds: 1, untaggedExtras: 1, days: 40 };

export function generateFleet(partial: Partial<FleetOptions> = {}): SimFleet {
  const o: FleetOptions = { seed: 1, regions: [{ region: "eu-de", projects: 3 }], perProject: SMALL_PROJECT, now: Date.now(), ...partial };
  const rng = new Rng(o.seed * 7919 + 1);
  const domainId = rng.hex(32);
  const projects: SimWorld[] = [];
  let targetBudget = 0;
  let n = 0;
  for (const { region, projects: count } of o.regions) {
    for (let i = 0; i < count; i++, n++) {
      const s = generateScenario({ ...o.perProject, now: o.now, seed: o.seed * 1000 + n });
      const w = s.world;
      w.region = region;
      w.projectName = i === 0 ? region : `${region}_${TEAMS[(i - 1) % TEAMS.length]}${i > TEAMS.length ? `-${Math.ceil(i / TEAMS.length)}` : ""}`;
      w.domainId = domainId;
      if (projects.length > 0) w.credentials = projects[0]!.credentials;
      stampCosts(w.costs, w);
      projects.push(w);
      targetBudget += s.targetBudget;
    }
  }
  return { domainId, projects, builtIn: { id: rng.hex(32), name: "MOS" }, targetBudget: Math.round(targetBudget * 100) / 100 };
}

/** Each record names its project, so one dashboard can serve the whole contract. */
function stampCosts(costs: SimCostRecord[], w: SimWorld): void {
  for (const r of costs) {
    r.projectId = w.projectId;
    r.projectName = w.projectName;
    r.region = w.region;
  }
}

/** The contract's records of every project, ascending by date (what one dashboard serves). */
export function fleetCosts(fleet: SimFleet): SimCostRecord[] {
  const all: SimCostRecord[] = [];
  for (const w of fleet.projects) for (const r of w.costs) all.push(r);
  // Stable: within a day, project order then the project's own order.
  return all.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
