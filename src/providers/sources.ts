/**
 * The one place that turns a `Config` into concrete providers: the OTC inventory and terminator, the Enterprise
 * Dashboard as cost source, and the preflight checks of `ot3c verify`. Commands (`verify`, `list`, `plan`,
 * `dump-data`) and the daemon's wiring build on this instead of creating clients themselves, so a new provider
 * option (timeouts, job polling, page sizes) is added in one place.
 *
 * It also knows which cost range a sync must fetch: the current billing period plus the history the forecast reads
 * (its window of `HISTORY_DAYS` ending at the last complete day), so `list`, `plan` and `dump-data` see the same
 * records and the forecast is never starved of history.
 */
import type { Config } from "../config/types.ts";
import { addDays } from "../engine/period.ts";
import type { CloudResource, CostRecord, InventorySource, IsoDate } from "../engine/types.ts";
import { createDashboardClient, DashboardV2Client, type DashboardClient } from "./dashboard/index.ts";
import { CostColumns } from "../engine/virtual/columns.ts";
import type { HttpClientOptions } from "./http.ts";
import { createOtcProvider, type OtcProvider, type OtcProviderOptions, type PreflightCheck } from "./otc/index.ts";
import { redact } from "../util/redact.ts";
import type { OtcTerminator } from "./otc/terminator.ts";
import { createFleetProvider, type FleetProvider } from "./otc/fleet/index.ts";
import type { CostRange } from "../engine/sync-range.ts";

// One definition of what a sync fetches, shared with the daemon's engine.
export { costRange, type CostRange } from "../engine/sync-range.ts";

export type { PreflightCheck } from "./otc/index.ts";

export interface CloudSourcesOptions {
  /** OTC provider options (job polling, page sizes, HTTP overrides). */
  otc?: OtcProviderOptions & { projectConcurrency?: number };
  /** HTTP options of the dashboard client (timeouts, retries). */
  dashboardHttp?: Partial<Omit<HttpClientOptions, "endpoint" | "baseURL">>;
}

export interface CloudSources {
  /** OTC resources + Financial Dashboard daily costs; each call all-or-nothing. */
  inventory: InventorySource;
  terminator: OtcTerminator;
  /** Dashboard first, then OTC IAM, ECS, EVS, CCE, RDS; never throws, never contains a secret. */
  checks(): Promise<PreflightCheck[]>;
  /** The underlying clients, for callers that need more (the daemon journals jobs on `otc.session`). */
  otc: OtcProvider;
  dashboard: DashboardClient;
  /**
   * `projects:` configured: the fleet (one provider per project). Then `inventory` lists every project, the costs
   * are those of the fleet's projects, and stop/delete must be routed by project (`otc/fleet/route.ts`) — `otc`
   * and `terminator` are the `otccreds` project's only.
   */
  fleet?: FleetProvider;
}

export const DASHBOARD_CHECK = "Financial Dashboard";

export function createCloudSources(config: Config, opts: CloudSourcesOptions = {}): CloudSources {
  const otc = createOtcProvider(config.otc, opts.otc);
  const fleet = config.otc.projects ? createFleetProvider(config.otc, opts.otc) : undefined;
  const dashboard = createDashboardClient({
    endpoint: config.dashboardEndpoint,
    secret: config.dashboardSecret,
    api: config.dashboardApi,
    // The dashboard reports the whole contract: without this filter other projects' spend would count against
    // this project's budget (a bug the seed had).
    ...(config.otc.projectId && !fleet ? { projectId: config.otc.projectId } : {}),
    ...(opts.dashboardHttp ? { http: opts.dashboardHttp } : {}),
  });

  /** Costs of this project only; with just `projectname` configured, the id IAM resolved is used. */
  async function listProjectCosts(from: IsoDate, to: IsoDate): Promise<CostRecord[]> {
    if (fleet) {
      // The fleet's projects only (records without a project id are kept, as for one project).
      const [records, ids] = await Promise.all([dashboard.listCosts(from, to), fleet.projectIds()]);
      return records.filter((r) => r.projectId === undefined || r.projectId === "" || ids.has(r.projectId));
    }
    const [records, projectId] = await Promise.all([dashboard.listCosts(from, to), config.otc.projectId ?? otc.projectId()]);
    return records.filter((r) => r.projectId === undefined || r.projectId === "" || r.projectId === projectId);
  }

  /** The same records as columns, filtered as they stream (v2; v1 has no streaming and falls back to records). */
  async function listProjectCostColumns(from: IsoDate, to: IsoDate): Promise<CostColumns> {
    const keepOf = async (): Promise<(r: CostRecord) => boolean> => {
      if (fleet) {
        const ids = await fleet.projectIds();
        return (r) => r.projectId === undefined || r.projectId === "" || ids.has(r.projectId);
      }
      const projectId = config.otc.projectId ?? (await otc.projectId());
      return (r) => r.projectId === undefined || r.projectId === "" || r.projectId === projectId;
    };
    const keep = await keepOf();
    if (dashboard instanceof DashboardV2Client) return dashboard.dailyCostsInto(from, to, new CostColumns(), keep);
    const out = new CostColumns();
    for (const r of await dashboard.listCosts(from, to)) if (keep(r)) out.push(r);
    return out;
  }

  async function dashboardCheck(): Promise<PreflightCheck> {
    try {
      const c = await dashboard.check();
      return { name: DASHBOARD_CHECK, ok: true, detail: `${c.endpoint} (${c.api}): ${c.detail}` };
    } catch (err) {
      return { name: DASHBOARD_CHECK, ok: false, detail: redact(err instanceof Error ? err.message : String(err)) };
    }
  }

  return {
    inventory: fleet
      ? { listResources: () => fleet.listResources(), listCosts: listProjectCosts, listCostColumns: listProjectCostColumns, projectStates: () => fleet.projectStates() }
      : { listResources: () => otc.listResources(), listCosts: listProjectCosts, listCostColumns: listProjectCostColumns },
    terminator: otc.terminator,
    async checks() {
      // Independent services: ask them at once, report in a fixed order.
      const [d, o] = await Promise.all([dashboardCheck(), fleet ? fleet.checks() : otc.checks()]);
      return [d, ...o];
    },
    otc,
    dashboard,
    ...(fleet ? { fleet } : {}),
  };
}

export interface SyncResult extends CostRange {
  resources: CloudResource[];
  costs: CostRecord[];
  durationMs: number;
}

/** Thrown when the inventory or the costs could not be read completely; nothing partial is returned. */
export class SyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncError";
  }
}

/**
 * Inventory and costs of the range, both complete or a `SyncError` naming what failed. `progress` gets one line
 * before and one after (the CLI prints them on stderr, so stdout stays clean for --output json).
 */
export async function syncAll(inventory: InventorySource, range: CostRange, progress?: (line: string) => void): Promise<SyncResult> {
  const t0 = performance.now();
  const days = `${range.from} … ${addDays(range.toExclusive, -1)}`;
  progress?.(`syncing OTC inventory and Financial Dashboard costs ${days} (period ${range.period.startDate} … ${range.period.endDate}, end exclusive)`);
  const why = (what: string) => (err: unknown) => {
    throw new SyncError(`sync failed: ${what}: ${redact(err instanceof Error ? err.message : String(err))}`);
  };
  const [resources, costs] = await Promise.all([
    inventory.listResources().catch(why("OTC inventory")),
    inventory.listCosts(range.from, range.toExclusive).catch(why(`Financial Dashboard costs ${days}`)),
  ]);
  const durationMs = Math.round(performance.now() - t0);
  progress?.(`synced ${resources.length} resources and ${costs.length} cost records in ${(durationMs / 1000).toFixed(1)} s`);
  return { ...range, resources, costs, durationMs };
}
