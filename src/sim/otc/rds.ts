/**
 * Simulated RDS v3: instance list (`offset` = item offset, `limit` ≤ 100, `id` filter, `{instances,
 * total_count}`), stop (`action/shutdown`), start (`action/startup`) and delete, each answered with a job polled at
 * `/v3/{pid}/jobs?id=`.
 *
 * Stop is documented for pay-per-use instances only, "for up to seven days": a stopped instance that nobody starts
 * is started by OTC itself ("automatically started during the next maintenance window" after seven days). The
 * simulator starts it exactly `rdsMaxStoppedMs` (7 days) after the stop completed, on its own clock (settle.ts);
 * the maintenance-window delay is not simulated, so the restart comes no later than on the real cloud.
 */
import type { SimRdsInstance, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { createJob, failureFor, intParam, json, rdsError, simNow, type Route, type SimContext } from "./common.ts";

const VERSIONS: Record<string, string> = { MySQL: "8.0", PostgreSQL: "14", SQLServer: "2019_SE" };

function instanceJson(world: SimWorld, i: SimRdsInstance) {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    type: "Single",
    port: i.datastore === "MySQL" ? 3306 : i.datastore === "PostgreSQL" ? 5432 : 1433,
    region: world.region,
    datastore: { type: i.datastore, version: VERSIONS[i.datastore] ?? "" },
    created: i.created,
    updated: i.created,
    flavor_ref: i.flavorRef,
    volume: { type: "COMMON", size: 100 },
    private_ips: [],
    public_ips: [],
    nodes: [{ id: `${i.id}no01`, name: `${i.name}_node0`, role: "master", status: i.status, availability_zone: `${world.region}-01` }],
    tags: Object.entries(i.tags).map(([key, value]) => ({ key, value })),
    charge_info: { charge_mode: i.prepaid || i.chargeMode === "prePaid" ? "prePaid" : "postPaid" },
    enterprise_project_id: "0",
    time_zone: "UTC",
  };
}

function listInstances(ctx: SimContext, url: URL): Response {
  const limit = intParam(url, "limit", 100);
  const offset = intParam(url, "offset", 0);
  if (limit === undefined || limit < 1 || limit > 100) return rdsError(400, "DBS.200001", "limit must be an integer between 1 and 100");
  if (offset === undefined) return rdsError(400, "DBS.200001", "offset must be a non-negative integer");
  const id = url.searchParams.get("id");
  let all = [...ctx.world.rds.values()];
  if (id) all = all.filter((i) => i.id === id);
  return json({ instances: all.slice(offset, offset + limit).map((i) => instanceJson(ctx.world, i)), total_count: all.length });
}

function stopInstance(ctx: SimContext, i: SimRdsInstance): Response {
  recordMutation(ctx.world, `RDS.stop:${i.id}`);
  // Stopping is for pay-per-use instances only (the RDS docs); a prepaid one is paid for anyway.
  if (i.prepaid) return rdsError(400, "DBS.200019", `The yearly/monthly DB instance ${i.id} cannot be stopped.`);
  if (i.datastore !== "MySQL" && i.datastore !== "PostgreSQL") {
    return rdsError(400, "DBS.201014", "This API is supported for MySQL and PostgreSQL DB engines only.");
  }
  if (i.chargeMode === "prePaid") return rdsError(400, "DBS.201016", "Only pay-per-use DB instances can be stopped.");
  if (i.status !== "ACTIVE") return rdsError(400, "DBS.201015", `The DB instance status ${i.status} does not allow this operation.`);
  const onSuccess = () => {
    i.status = "SHUTDOWN";
    i.stoppedAt = simNow(ctx);
  };
  const job = createJob(ctx, "rds", "StopInstance", [i.id], { onSuccess }, failureFor(ctx, "RDS.stop", i.id, i.tags));
  return json({ job_id: job.id });
}

function startInstance(ctx: SimContext, i: SimRdsInstance): Response {
  recordMutation(ctx.world, `RDS.start:${i.id}`);
  // Documented: "Only instances in Stopped state can be started."
  if (i.status !== "SHUTDOWN") return rdsError(400, "DBS.201015", `The DB instance status ${i.status} does not allow this operation.`);
  const onSuccess = () => {
    i.status = "ACTIVE";
    i.stoppedAt = undefined;
  };
  const job = createJob(ctx, "rds", "StartInstance", [i.id], { onSuccess }, failureFor(ctx, "RDS.start", i.id, i.tags));
  return json({ job_id: job.id });
}

function deleteInstance(ctx: SimContext, i: SimRdsInstance): Response {
  const { world } = ctx;
  recordMutation(world, `RDS.delete:${i.id}`);
  if (i.prepaid) return rdsError(400, "DBS.200019", `The yearly/monthly DB instance ${i.id} cannot be deleted; unsubscribe it instead.`);
  const job = createJob(ctx, "rds", "DeleteInstance", [i.id], { onSuccess: () => world.rds.delete(i.id) }, failureFor(ctx, "RDS.delete", i.id, i.tags));
  return json({ job_id: job.id });
}

export function rdsRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  // /v3/{project_id}/instances[/{id}[/action/shutdown|startup]]
  if (seg[0] !== "v3" || seg[2] !== "instances" || ![3, 4, 6].includes(seg.length)) return undefined;
  if (seg.length === 6 && (seg[4] !== "action" || (seg[5] !== "shutdown" && seg[5] !== "startup"))) return undefined;
  const { world } = ctx;
  const guard = (want: string, fn: () => Response) => () => {
    if (method !== want) return rdsError(405, "DBS.200001", `method ${method} not allowed`);
    if (seg[1] !== world.projectId) return rdsError(404, "DBS.200001", `project ${seg[1]} not found`);
    return fn();
  };
  if (seg.length === 3) return { name: "RDS.list", handle: guard("GET", () => listInstances(ctx, url)) };
  const id = seg[3]!;
  const withInstance = (fn: (i: SimRdsInstance) => Response) => () => {
    const i = world.rds.get(id);
    return i ? fn(i) : rdsError(404, "DBS.200823", `The DB instance ${id} does not exist.`);
  };
  if (seg.length === 6 && seg[5] === "startup") return { name: "RDS.start", handle: guard("POST", withInstance((i) => startInstance(ctx, i))) };
  if (seg.length === 6) return { name: "RDS.stop", handle: guard("POST", withInstance((i) => stopInstance(ctx, i))) };
  return { name: "RDS.delete", handle: guard("DELETE", withInstance((i) => deleteInstance(ctx, i))) };
}
