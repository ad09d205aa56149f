/**
 * The simulated clouds of a contract with several projects (issue #18): one local server per region (its own
 * port, so per-region endpoints are really different), each serving that region's projects and the cloud's IAM,
 * and the Enterprise Dashboard with every project's records (on the first region's server). `configYaml()`
 * prints an `ot3c.yaml` with `projects: all` and the regions' endpoints.
 */
import { dashboardSimRoutes, type DashboardSimStats } from "./dashboard/index.ts";
import { FaultInjector, NO_FAULTS } from "./faults.ts";
import { fleetOtcRoutes, type FleetSimHandler, type FleetSimOptions } from "./otc/fleet.ts";
import { contractCosts, type SimFleet } from "./scenario/fleet.ts";
import type { FaultProfile, SimWorld } from "./world.ts";
import { OWNER_HANDLES } from "./scenario/catalog.ts";

export interface RunningFleetSim {
  fleet: SimFleet;
  /** Base URL per region. */
  urls: Record<string, string>;
  dashboardUrl: string;
  dashboardStats: DashboardSimStats;
  otc: Record<string, FleetSimHandler>;
  /** OTC requests of one project per route name ("ECS.list", …), whichever region served them. */
  projectCounts(projectId: string): Map<string, number>;
  stop(): Promise<void>;
  configYaml(extra?: string): string;
}

export function startFleetSim(fleet: SimFleet, options: { faults?: FaultProfile; otc?: FleetSimOptions; hostname?: string } = {}): RunningFleetSim {
  const faults = new FaultInjector(options.faults ?? NO_FAULTS);
  const regions = [...new Set(fleet.projects.map((w) => w.region))];
  const dashboardStats: DashboardSimStats = { requests: 0, lines: 0 };
  // One dashboard for the contract: a world whose records are every project's.
  const contract: SimWorld = { ...fleet.projects[0]!, costs: [] };
  const dashboard = dashboardSimRoutes(contract, faults, dashboardStats, contractCosts(fleet));
  const otc: Record<string, FleetSimHandler> = {};
  const servers: Array<ReturnType<typeof Bun.serve>> = [];
  const urls: Record<string, string> = {};
  const host = options.hostname ?? "127.0.0.1";
  for (const region of regions) {
    const routes = fleetOtcRoutes(fleet, region, faults, options.otc);
    otc[region] = routes;
    const server = Bun.serve({
      port: 0,
      hostname: host,
      idleTimeout: 0,
      async fetch(req) {
        const url = new URL(req.url);
        try {
          const res = (await routes(req, url)) ?? (region === regions[0] ? await dashboard(req, url) : undefined);
          return res ?? Response.json({ error: { code: "SIM.0404", message: `no simulated API at ${url.pathname}` } }, { status: 404 });
        } catch (err) {
          return Response.json({ error: { code: "SIM.0500", message: String((err as Error)?.message ?? err) } }, { status: 500 });
        }
      },
    });
    servers.push(server);
    urls[region] = `http://${host}:${server.port}`;
  }
  const q = (s: string) => JSON.stringify(s);
  return {
    fleet,
    urls,
    dashboardUrl: urls[regions[0]!]!,
    dashboardStats,
    otc,
    projectCounts(projectId) {
      const out = new Map<string, number>();
      for (const h of Object.values(otc)) for (const [k, v] of h.counts().get(projectId) ?? []) out.set(k, (out.get(k) ?? 0) + v);
      return out;
    },
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop(true)));
    },
    configYaml: (extra = "") => {
      const c = fleet.projects[0]!.credentials;
      const home = regions[0]!;
      return [
        `# ot3c.yaml for a simulated contract of ${fleet.projects.length} projects in ${regions.join(", ")}`,
        `dashboard-secret: ${q(c.dashboardToken)}`,
        `dashboard-endpoint: ${q(urls[home]!)}`,
        "otccreds:",
        `  identityendpoint: ${q(urls[home] + "/v3")}`,
        `  accesskey: ${q(c.accessKey)}`,
        `  secretkey: ${q(c.secretKey)}`,
        `  region: ${q(home)}`,
        "  endpoints:",
        ...["ecs", "evs", "cce", "rds"].map((s) => `    ${s}: ${q(urls[home]!)}`),
        "projects: all",
        `project-regions: [${regions.join(", ")}]`,
        "region-endpoints:",
        ...regions.flatMap((r) => [`  ${r}:`, `    iam: ${q(urls[r] + "/v3")}`, ...["ecs", "evs", "cce", "rds"].map((s) => `    ${s}: ${q(urls[r]!)}`)]),
        `target-budget: ${fleet.targetBudget}`,
        "enforce: false",
        "owners:",
        ...Object.entries(OWNER_HANDLES).map(([handle, address]) => `  ${q(handle)}: ${q(address)}`),
        extra,
      ].join("\n");
    },
  };
}
