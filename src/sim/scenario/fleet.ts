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
import { CostTable, arraySource, type CostSource } from "../dashboard/table.ts";

export interface SimFleet {
  domainId: string;
  /** The projects with their resources; `world.region` and `world.projectName` say where they live. */
  projects: SimWorld[];
  /** The built-in project IAM lists besides the fleet's (no resources). */
  builtIn: { id: string; name: string };
  /** Sum of every project's suggested budget. */
  targetBudget: number;
  /**
   * With `compactCosts`: each project's records as columns (table.ts), its `world.costs` left empty. The simulator
   * of the scale benchmark then holds 10 M records in ~300 MB instead of 3–4 GB of objects.
   */
  costTables?: CostTable[];
}

export interface FleetOptions {
  seed: number;
  /** Projects per region, in this order; the first of each region is its default project. */
  regions: Array<{ region: string; projects: number }>;
  /** Scenario knobs of every project (a small project by default). */
  perProject: Partial<ScenarioOptions>;
  now: number;
  /** Keep the records as columns (`SimFleet.costTables`), each project's converted as soon as it is generated. */
  compactCosts?: boolean;
}

const TEAMS = ["payments", "search", "data", "web", "ml", "ops", "billing", "mobile", "crm", "edge"];

export const SMALL_PROJECT: Partial<ScenarioOptions> = { ecs: 6, evs: 10, cceClusters: 1, cceNodePools: 1, rds: 1, untaggedExtras: 1, days: 40 };

export function generateFleet(partial: Partial<FleetOptions> = {}): SimFleet {
  const o: FleetOptions = { seed: 1, regions: [{ region: "eu-de", projects: 3 }], perProject: SMALL_PROJECT, now: Date.now(), ...partial };
  const rng = new Rng(o.seed * 7919 + 1);
  const domainId = rng.hex(32);
  const projects: SimWorld[] = [];
  const costTables: CostTable[] = [];
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
      if (o.compactCosts) {
        costTables.push(CostTable.from(w.costs, w.costs.length || 1));
        w.costs = [];
        // The records as objects are garbage now; collected every few projects, so that generating 10 M records
        // needs the memory of a few projects' objects, not of all of them.
        if (n % 8 === 7 && typeof Bun !== "undefined") Bun.gc(true);
      }
      projects.push(w);
      targetBudget += s.targetBudget;
    }
  }
  return {
    domainId, projects, builtIn: { id: rng.hex(32), name: "MOS" }, targetBudget: Math.round(targetBudget * 100) / 100,
    ...(o.compactCosts ? { costTables } : {}),
  };
}

/** Each record names its project, so one dashboard can serve the whole contract. */
function stampCosts(costs: SimCostRecord[], w: SimWorld): void {
  for (const r of costs) {
    r.projectId = w.projectId;
    r.projectName = w.projectName;
    r.region = w.region;
  }
}

/**
 * The contract's records of every project, ascending by date (what one dashboard serves): each project's records
 * are already by date, so they are merged day by day (linear, no sort of millions of records); within a day,
 * project order, then the project's own order.
 */
export function fleetCosts(fleet: SimFleet): SimCostRecord[] {
  if (fleet.costTables) throw new Error("fleetCosts: the fleet keeps its records as columns (use contractCosts)");
  const total = fleet.projects.reduce((s, w) => s + w.costs.length, 0);
  const all: SimCostRecord[] = new Array(total);
  const at = fleet.projects.map(() => 0);
  let n = 0;
  while (n < total) {
    let day: string | undefined;
    for (let p = 0; p < fleet.projects.length; p++) {
      const r = fleet.projects[p]!.costs[at[p]!];
      if (r && (day === undefined || r.date < day)) day = r.date;
    }
    for (let p = 0; p < fleet.projects.length; p++) {
      const costs = fleet.projects[p]!.costs;
      let i = at[p]!;
      while (i < costs.length && costs[i]!.date === day) all[n++] = costs[i++]!;
      at[p] = i;
    }
  }
  return all;
}

/**
 * The `large` fleet of the scale benchmark (issue #18): 100 projects of ~1,000 resources (100,000 in all) in
 * eu-de and eu-nl, 63 days of history with three products per server — ~10 M cost records, all inside the range
 * one sync fetches (the period plus the forecast's 63-day history).
 */
export const FLEET_LARGE: Omit<FleetOptions, "now"> = {
  seed: 18,
  regions: [
    { region: "eu-de", projects: 70 },
    { region: "eu-nl", projects: 30 },
  ],
  perProject: {
    ecs: 330, evs: 620, cceClusters: 1, cceNodePools: 8, rds: 40, days: 63, ecsExtraProducts: 2, deletedShare: 0.02,
    stoppedShare: 0.02, rcShare: 0.02, untaggedExtras: 2,
  },
};

/** The large fleet scaled to `resources` in all (the benchmark's 10k / 30k / 100k steps): fewer projects, same shape. */
export function largeFleet(resources: number, now: number): Partial<FleetOptions> {
  const perProject = 1000;
  const projects = Math.max(1, Math.round(resources / perProject));
  const de = Math.max(1, Math.round(projects * 0.7));
  return { ...FLEET_LARGE, now, regions: projects > 1 ? [{ region: "eu-de", projects: de }, { region: "eu-nl", projects: projects - de }].filter((r) => r.projects > 0) : [{ region: "eu-de", projects: 1 }] };
}

/** What the contract's dashboard serves: `fleetCosts` as columns when the fleet keeps columns, else as records. */
export function contractCosts(fleet: SimFleet): CostSource {
  return fleet.costTables ? CostTable.mergeByDate(fleet.costTables) : arraySource(fleetCosts(fleet));
}
