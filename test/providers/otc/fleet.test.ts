/**
 * Several projects in several regions (issue #18) through the real clients, over HTTP against the fleet simulator:
 * one server per region, IAM listing every project (and MOS), one project refused on demand.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { cleanupTempDirs, load, withConfig } from "../../config/helpers.ts";
import { createCloudSources } from "../../../src/providers/sources.ts";
import { resetHttpStats } from "../../../src/providers/http.ts";
import { routeByProject } from "../../../src/providers/otc/fleet/route.ts";
import { generateFleet, SMALL_PROJECT, type SimFleet } from "../../../src/sim/scenario/fleet.ts";
import { startFleetSim, type RunningFleetSim } from "../../../src/sim/fleet-server.ts";
import type { Config } from "../../../src/config/types.ts";

const NOW = Date.parse("2026-03-20T10:00:00Z");
let fleet: SimFleet;
let sim: RunningFleetSim;
const refused = new Set<string>();
const quick = { sleep: async () => {}, retries: 1, jobs: { intervalMs: 1, timeoutMs: 2000, sleep: async () => {} } };

beforeAll(() => {
  fleet = generateFleet({ seed: 3, now: NOW, regions: [{ region: "eu-de", projects: 3 }, { region: "eu-nl", projects: 2 }], perProject: SMALL_PROJECT });
  sim = startFleetSim(fleet, { otc: { refuseProjects: refused } });
});
afterAll(async () => {
  await sim.stop();
  cleanupTempDirs();
});
afterEach(() => {
  refused.clear();
  resetHttpStats();
});

async function configFor(projectsYaml?: string): Promise<Config> {
  let text = sim.configYaml();
  if (projectsYaml) text = text.replace(/^projects: all$/m, projectsYaml);
  return load(withConfig(text));
}

const byProject = (rs: Array<{ projectId?: string }>) => {
  const m = new Map<string, number>();
  for (const r of rs) m.set(r.projectId ?? "-", (m.get(r.projectId ?? "-") ?? 0) + 1);
  return m;
};
const liveCount = (w: SimFleet["projects"][number]) => {
  const pools = [...w.nodePools.values()].length;
  return w.servers.size + w.volumes.size + pools + w.rds.size;
};

describe("projects: all", () => {
  test("every project of the listed regions, MOS skipped, each listed on its own region's endpoints", async () => {
    const cfg = await configFor();
    expect(cfg.otc.projects).toBe("all");
    expect(cfg.otc.regions).toEqual(["eu-de", "eu-nl"]);
    expect(cfg.otc.regionEndpoints!["eu-nl"]!.ecs).toBe(sim.urls["eu-nl"]);
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    const states = src.inventory.projectStates!();
    expect(states.map((s) => s.name).sort()).toEqual(fleet.projects.map((w) => w.projectName).sort());
    expect(states.every((s) => s.status === "OK")).toBe(true);
    expect(states.some((s) => s.name === "MOS")).toBe(false);
    const counts = byProject(resources);
    for (const w of fleet.projects) {
      expect(counts.get(w.projectId)).toBe(liveCount(w));
      const one = resources.find((r) => r.projectId === w.projectId)!;
      expect(one.projectName).toBe(w.projectName);
      expect(one.region).toBe(w.region);
      // Served by its region's server only (the other region's endpoints refuse it).
      for (const [region, h] of Object.entries(sim.otc)) {
        const served = [...(h.counts().get(w.projectId)?.values() ?? [])].reduce((a, b) => a + b, 0);
        if (region === w.region) expect(served).toBeGreaterThan(0);
        else expect(served).toBe(0);
      }
    }
    // Costs: the fleet's projects only, each record still naming its project.
    const costs = await src.inventory.listCosts("2026-03-01", "2026-03-20");
    expect(new Set(costs.map((c) => c.projectId))).toEqual(new Set(fleet.projects.map((w) => w.projectId)));
  });

  test("only the listed regions", async () => {
    const cfg = await load(withConfig(sim.configYaml().replace(/^project-regions: .*$/m, "project-regions: [eu-nl]")));
    const src = createCloudSources(cfg, { otc: quick });
    await src.inventory.listResources();
    expect(src.inventory.projectStates!().map((s) => s.region)).toEqual(["eu-nl", "eu-nl"]);
  });

  test("page sizes at the paging minimum: ceil(items / page) list calls per project and service", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: { ...quick, pageSize: { ecs: 4, evs: 4, rds: 1 } } });
    const before = new Map(fleet.projects.map((w) => [w.projectId, new Map(sim.projectCounts(w.projectId))]));
    await src.inventory.listResources();
    for (const w of fleet.projects) {
      const now = sim.projectCounts(w.projectId);
      const delta = (k: string) => (now.get(k) ?? 0) - (before.get(w.projectId)!.get(k) ?? 0);
      expect(delta("ECS.list")).toBe(Math.max(1, Math.ceil(w.servers.size / 4)));
      expect(delta("EVS.list")).toBe(Math.max(1, Math.ceil(w.volumes.size / 4)));
      expect(delta("RDS.list")).toBe(Math.max(1, Math.ceil(w.rds.size / 1)));
    }
  });
});

describe("explicit projects", () => {
  test("by name and by id, in their regions; nothing else is read", async () => {
    const [a, , , d] = fleet.projects;
    const cfg = await configFor(`projects:\n  - {name: ${a!.projectName}, region: ${a!.region}}\n  - {id: ${d!.projectId}, region: ${d!.region}}`);
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    expect([...byProject(resources).keys()].sort()).toEqual([a!.projectId, d!.projectId].sort());
    expect(src.inventory.projectStates!().map((s) => [s.name, s.status])).toEqual([
      [a!.projectName, "OK"],
      [d!.projectName, "OK"],
    ]);
  });

  test("a name IAM does not know is that entry DEGRADED, the others listed", async () => {
    const [a] = fleet.projects;
    const cfg = await configFor(`projects:\n  - {name: ${a!.projectName}, region: eu-de}\n  - {name: eu-de_nosuch, region: eu-de}`);
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    expect(byProject(resources).get(a!.projectId)).toBe(liveCount(a!));
    const bad = src.inventory.projectStates!().find((s) => s.name === "eu-de_nosuch")!;
    expect(bad.status).toBe("DEGRADED");
    expect(bad.error).toContain("no project named");
  });
});

describe("one project failing", () => {
  test("only it is DEGRADED; its last listing comes back held, the others fresh", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: quick });
    await src.inventory.listResources();
    const victim = fleet.projects[1]!;
    refused.add(victim.projectId);
    const resources = await src.inventory.listResources();
    const states = src.inventory.projectStates!();
    const bad = states.find((s) => s.id === victim.projectId)!;
    expect(bad.status).toBe("DEGRADED");
    expect(bad.error).toMatch(/403|not authorized/);
    expect(states.filter((s) => s.status === "OK")).toHaveLength(fleet.projects.length - 1);
    const mine = resources.filter((r) => r.projectId === victim.projectId);
    expect(mine).toHaveLength(liveCount(victim));
    expect(mine.every((r) => typeof r.held === "string" && r.held.includes("DEGRADED"))).toBe(true);
    expect(resources.filter((r) => r.projectId !== victim.projectId).every((r) => r.held === undefined)).toBe(true);
    refused.delete(victim.projectId);
    const again = await src.inventory.listResources();
    expect(again.every((r) => r.held === undefined)).toBe(true);
    expect(src.inventory.projectStates!().every((s) => s.status === "OK")).toBe(true);
  });

  test("a project that never listed contributes no resources, and the sync still succeeds", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: quick });
    const victim = fleet.projects[0]!;
    refused.add(victim.projectId);
    const resources = await src.inventory.listResources();
    expect(resources.some((r) => r.projectId === victim.projectId)).toBe(false);
    expect(src.inventory.projectStates!().find((s) => s.id === victim.projectId)!.resources).toBe(0);
  });
});

describe("routing by project", () => {
  test("a re-read goes to the resource's own project and region; a resource without a project is refused", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    const t = routeByProject(src.fleet!, (p) => p.terminator);
    const nl = resources.find((r) => r.region === "eu-nl" && r.kind === "ECS")!;
    const w = fleet.projects.find((x) => x.projectId === nl.projectId)!;
    const before = sim.projectCounts(w.projectId).get("ECS.get") ?? 0;
    const again = await t.get(nl);
    expect(again?.id).toBe(nl.id);
    expect(again?.projectId).toBe(nl.projectId);
    expect(sim.projectCounts(w.projectId).get("ECS.get") ?? 0).toBe(before + 1);
    await expect(t.get({ ...nl, projectId: undefined })).rejects.toThrow(/no project recorded/);
  });

  test("a node pool of another region's project is parked and resumed through that project (the plan's park rung)", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    const t = routeByProject(src.fleet!, (p) => Object.assign(p.terminator, { actions: p.actions }));
    const pool = resources.find((r) => r.region === "eu-nl" && r.kind === "CCE")!;
    expect(pool).toBeDefined();
    const w = fleet.projects.find((x) => x.projectId === pool.projectId)!;
    const np = w.nodePools.get(pool.id)! as { currentNode?: number; initialNodeCount: number };
    const before = np.currentNode ?? np.initialNodeCount;
    expect(before).toBeGreaterThan(0);
    const parked = await t.actions.park!(pool);
    expect(parked).toMatchObject({ kind: "CCE", id: pool.id, formerNodeCount: before });
    expect(np.currentNode ?? np.initialNodeCount).toBe(0); // in its own project's world, not another's
    await t.actions.resume!(pool, parked);
    expect(np.currentNode ?? np.initialNodeCount).toBe(before);
    await expect(t.actions.park!({ ...pool, projectId: undefined })).rejects.toThrow(/no project recorded/);
  });

  test("a cluster is hibernated and woken through the project that lists its node pools; an unknown cluster is refused", async () => {
    const cfg = await configFor();
    const src = createCloudSources(cfg, { otc: quick });
    const resources = await src.inventory.listResources();
    const t = routeByProject(src.fleet!, (p) => Object.assign(p.terminator, { actions: p.actions }));
    const pool = resources.find((r) => r.region === "eu-nl" && r.kind === "CCE" && r.clusterId)!;
    const w = fleet.projects.find((x) => x.projectId === pool.projectId)!;
    const cluster = w.clusters.get(pool.clusterId!)! as { phase?: string };
    // Only the cluster's own project has it: asked anywhere else the simulator answers 404.
    const others = fleet.projects.filter((x) => x !== w && [...x.clusters.keys()].includes(pool.clusterId!));
    expect(others).toEqual([]);
    expect(await t.actions.clusterPhase!(pool.clusterId!)).toBe("Available");
    await t.actions.hibernateCluster!(pool.clusterId!);
    expect(cluster.phase).toBe("Hibernation");
    await t.actions.awakeCluster!(pool.clusterId!);
    expect(cluster.phase).toBe("Available");
    await expect(t.actions.hibernateCluster!("no-such-cluster")).rejects.toThrow(/no project of the fleet lists/);
  });
});
