/**
 * Turns a `Config` into what the engine needs: an InventorySource (OTC inventory + Enterprise Dashboard costs),
 * the job-journaling terminator, the bound evaluator and API counters. The only place that knows which concrete
 * providers stand behind the engine's interfaces.
 */
import type { Config } from "../config/types.ts";
import type { EvaluateFn } from "../engine/engine.ts";
import type { ExecTerminator } from "../engine/execution.ts";
import { evaluate, optionsFromConfig } from "../engine/pipeline.ts";
import type { ApiEndpointStats, InventorySource } from "../engine/types.ts";
import type { DashboardClientOptions } from "../providers/dashboard/index.ts";
import type { OtcClientOptions } from "../providers/otc/clients.ts";
import { httpStats } from "../providers/http.ts";
import { createCloudSources } from "../providers/sources.ts";
import type { JobPollOptions } from "../providers/otc/jobs.ts";
import { JournaledOtcTerminator } from "./journaled-terminator.ts";
import { routeByProject } from "../providers/otc/fleet/route.ts";

export interface WiredProviders {
  inventory: InventorySource;
  terminator: ExecTerminator;
  evaluate: EvaluateFn;
  apiStats: () => ApiEndpointStats[];
}

export interface WireOptions {
  /** Job polling (tests and the crash soak poll faster than the production 2 s). */
  jobs?: JobPollOptions;
  /** HTTP tuning of the OTC clients (timeouts, retries, injected sleep for tests). */
  otc?: OtcClientOptions;
  /** HTTP tuning of the dashboard client. */
  dashboardHttp?: DashboardClientOptions["http"];
}

export function jobOptionsFromEnv(env: Record<string, string | undefined> = process.env): JobPollOptions {
  // OT3C_JOB_POLL_MS: poll interval of asynchronous OTC jobs, for simulators (the real API wants seconds).
  const ms = Number(env.OT3C_JOB_POLL_MS);
  return ms > 0 ? { intervalMs: ms } : {};
}

/**
 * Per-attempt timeout of the terminator's OTC requests (stop/delete, the re-check before them, job polls). The
 * lease's fence (src/store/lease) lets a stop/delete start only with more lease left than this (plus a margin), so
 * the request has landed or died before another leader can exist. $OT3C_CALL_TIMEOUT_MS for tests.
 */
export function callTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const ms = Number(env.OT3C_CALL_TIMEOUT_MS);
  return ms > 0 ? ms : 6000;
}

export function wireProviders(cfg: Config, opts: WireOptions = {}): WiredProviders {
  const jobs = opts.jobs ?? jobOptionsFromEnv();
  // The same Config → providers mapping as `list`/`plan`/`verify` (incl. the project filter on dashboard costs).
  const sources = createCloudSources(cfg, { otc: { ...opts.otc, jobs }, ...(opts.dashboardHttp ? { dashboardHttp: opts.dashboardHttp } : {}) });
  // The terminator's own clients, with the short timeout the fence counts on (listings keep the long one).
  const callMs = Math.min(opts.otc?.timeoutMs ?? callTimeoutMs(), callTimeoutMs());
  const acting = createCloudSources(cfg, { otc: { ...opts.otc, jobs, timeoutMs: callMs } });
  const options = optionsFromConfig(cfg);
  return {
    inventory: sources.inventory,
    // With the ladder's calls: backups before a snapshot-delete, starts when a park ends.
    terminator: acting.fleet
      ? // Several projects: each resource through its own project's journaled terminator.
        routeByProject(acting.fleet, (p) => Object.assign(new JournaledOtcTerminator(p.session, p.terminator, jobs), { actions: p.actions }))
      : Object.assign(new JournaledOtcTerminator(acting.otc.session, acting.terminator, jobs), { actions: acting.otc.actions }),
    evaluate: ({ resources, costs, now, ledger }) => evaluate({ resources, costs, now, ledger, options }),
    apiStats: () => httpStats(),
  };
}
