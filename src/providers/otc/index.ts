/**
 * The T Cloud Public provider: inventory (ECS + EVS + CCE node pools + RDS, normalised to `CloudResource`),
 * the terminator the executor uses, and the preflight checks of `ot3c verify`.
 */
import type { OtcCredentials } from "../../config/types.ts";
import type { CloudResource, InventorySource } from "../../engine/types.ts";
import { redact } from "../../util/redact.ts";
import { inService, type OtcClientOptions } from "./clients.ts";
import { listAllNodePools, listClusters } from "./cce.ts";
import { ECS_MAX_LIMIT, listServers } from "./ecs.ts";
import { EVS_MAX_LIMIT, listVolumes } from "./evs.ts";
import { findAccessibleProject, findProjectByName } from "./iam.ts";
import type { JobPollOptions } from "./jobs.ts";
import { listInstances, RDS_MAX_LIMIT } from "./rds.ts";
import { OtcSession } from "./session.ts";
import { OtcTerminator } from "./terminator.ts";
import { OtcResourceActions } from "./actions/index.ts";

export { OtcResourceActions } from "./actions/index.ts";
export { deriveEndpoints } from "./endpoints.ts";
export { OtcTerminator } from "./terminator.ts";
export { OtcSession } from "./session.ts";

export interface OtcProviderOptions extends OtcClientOptions {
  /** Job polling (interval, timeout, injectable sleep/clock). */
  jobs?: JobPollOptions;
  /** Page sizes (defaults: the API maxima, i.e. the fewest calls). */
  pageSize?: { ecs?: number; evs?: number; rds?: number };
  /** Pages fetched at once per service. */
  pageConcurrency?: number;
}

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface OtcProvider {
  listResources: InventorySource["listResources"];
  terminator: OtcTerminator;
  /** Park / resume / start / safety copies / cluster hibernation (issue #17). */
  actions: OtcResourceActions;
  checks(): Promise<PreflightCheck[]>;
  projectId(): Promise<string>;
  session: OtcSession;
}

export function createOtcProvider(otc: OtcCredentials, opts: OtcProviderOptions = {}): OtcProvider {
  const session = new OtcSession(otc, opts);
  const e = otc.endpoints;
  const conc = opts.pageConcurrency ?? 4;

  async function listResources(): Promise<CloudResource[]> {
    const c = await session.clients();
    // All four or nothing: Promise.all rejects on the first failure, so a partial inventory never escapes.
    const [servers, volumes, pools, dbs] = await Promise.all([
      inService("ecs", e.ecs, "server list", () => listServers(c.ecs, c.projectId, { limit: opts.pageSize?.ecs ?? ECS_MAX_LIMIT, concurrency: conc })),
      inService("evs", e.evs, "volume list", () => listVolumes(c.evs, c.projectId, { limit: opts.pageSize?.evs ?? EVS_MAX_LIMIT, concurrency: conc })),
      inService("cce", e.cce, "node pool list", () => listAllNodePools(c.cce, c.projectId, conc)),
      inService("rds", e.rds, "instance list", () => listInstances(c.rds, c.projectId, { limit: opts.pageSize?.rds ?? RDS_MAX_LIMIT, concurrency: conc })),
    ]);
    return [...servers, ...volumes, ...pools, ...dbs];
  }

  async function checks(): Promise<PreflightCheck[]> {
    const out: PreflightCheck[] = [];
    const fail = (err: unknown) => redact(err instanceof Error ? err.message : String(err));
    try {
      const project = otc.projectId
        ? await inService("iam", e.iam, `project ${otc.projectId}`, () => findAccessibleProject(session.iam, otc.projectId!))
        : await inService("iam", e.iam, `project lookup "${otc.projectName}"`, () => findProjectByName(session.iam, otc.projectName ?? ""));
      out.push({ name: "OTC IAM", ok: true, detail: `${e.iam}: project ${project.name} (${project.id}) visible` });
    } catch (err) {
      out.push({ name: "OTC IAM", ok: false, detail: fail(err) });
    }
    let c: Awaited<ReturnType<OtcSession["clients"]>>;
    try {
      c = await session.clients();
    } catch (err) {
      for (const name of ["OTC ECS", "OTC EVS", "OTC CCE", "OTC RDS"]) out.push({ name, ok: false, detail: `skipped: no project id (${fail(err)})` });
      return out;
    }
    const probe = async (name: string, run: () => Promise<string>) => {
      try {
        out.push({ name, ok: true, detail: await run() });
      } catch (err) {
        out.push({ name, ok: false, detail: fail(err) });
      }
    };
    await probe("OTC ECS", () =>
      inService("ecs", e.ecs, "server list", async () => {
        const r = await c.ecs.get<{ count?: number }>(`/v1/${c.projectId}/cloudservers/detail`, { query: { offset: 1, limit: 1 } });
        return `${e.ecs}: ${r?.count ?? "?"} servers listable`;
      }),
    );
    await probe("OTC EVS", () =>
      inService("evs", e.evs, "volume list", async () => {
        const r = await c.evs.get<{ count?: number }>(`/v2/${c.projectId}/cloudvolumes/detail`, { query: { offset: 0, limit: 1 } });
        return `${e.evs}: ${r?.count ?? "?"} volumes listable`;
      }),
    );
    await probe("OTC CCE", () =>
      inService("cce", e.cce, "cluster list", async () => `${e.cce}: ${(await listClusters(c.cce, c.projectId)).length} clusters listable`),
    );
    await probe("OTC RDS", () =>
      inService("rds", e.rds, "instance list", async () => {
        const r = await c.rds.get<{ total_count?: number }>(`/v3/${c.projectId}/instances`, { query: { offset: 0, limit: 1 } });
        return `${e.rds}: ${r?.total_count ?? "?"} instances listable`;
      }),
    );
    return out;
  }

  return {
    listResources,
    terminator: new OtcTerminator(session, opts.jobs),
    actions: new OtcResourceActions(session, { jobs: opts.jobs, now: opts.now }),
    checks,
    projectId: () => session.projectId(),
    session,
  };
}
