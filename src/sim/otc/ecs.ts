/**
 * Simulated ECS v1: `cloudservers/detail` (page-number `offset` from 1, `limit` ≤ 1000, `{count, servers}`),
 * one server, its tags (TMS form), batch stop (`os-stop`), batch start (`os-start`) and batch delete, each answered
 * with a job.
 */
import type { SimServer, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { ECS_TAG_RULES, tagViolations } from "./tag-rules.ts";
import { dropSnapshotsOf } from "./snapshots.ts";
import { createJob, ecsError, failureFor, intParam, json, parseJson, type Route, type SimContext } from "./common.ts";

function tagPairs(tags: string[]): Array<{ key: string; value: string }> {
  return tags.map((t) => {
    const i = t.indexOf("=");
    return i < 0 ? { key: t, value: "" } : { key: t.slice(0, i), value: t.slice(i + 1) };
  });
}

export function tagMap(tags: string[]): Record<string, string> {
  return Object.fromEntries(tagPairs(tags).map((p) => [p.key, p.value]));
}

function withSysTag(tags: string[]): string[] {
  return tags.some((t) => t.startsWith("_sys_")) ? tags : [...tags, "_sys_enterprise_project_id=0"];
}

/** The system disk: the first attached volume when it is bootable (a server built from an image has one). */
export function systemDiskOf(world: SimWorld, s: SimServer): string | undefined {
  const first = s.volumeIds[0];
  return first !== undefined && world.volumes.get(first)?.bootable ? first : undefined;
}

function serverJson(world: SimWorld, s: SimServer, withTags: boolean) {
  const tags = withSysTag(s.tags);
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: s.status,
    flavor: { id: s.flavorId, name: s.flavorId },
    created: s.created,
    updated: s.created,
    tenant_id: world.projectId,
    locked: false,
    description: "",
    addresses: {},
    // "0" pay-per-use, "1" yearly/monthly (prepaid: OTC refuses to delete it before expiry), "2" spot.
    metadata: { charging_mode: s.prepaid ? "1" : "0", "metering.resourcespeccode": `${s.flavorId}.linux`, os_type: "Linux" },
    sys_tags: tagPairs(tags.filter((t) => t.startsWith("_sys_"))),
    "OS-EXT-STS:vm_state": s.status === "SHUTOFF" ? "stopped" : "active",
    // The real API always sends task_state: null while idle, the running task otherwise (never during a job's INIT).
    "OS-EXT-STS:task_state": s.taskState ?? null,
    // The docs type bootIndex as a string: "0" for the system disk, any other value for a data disk.
    "os-extended-volumes:volumes_attached": s.volumeIds.map((id, i) => ({
      id,
      device: `/dev/vd${String.fromCharCode(97 + (i % 26))}`,
      bootIndex: id === systemDiskOf(world, s) ? "0" : String(i + 1),
      delete_on_termination: id === systemDiskOf(world, s) ? "true" : "false",
    })),
  };
  if (withTags) out.tags = tags;
  return out;
}

function visible(world: SimWorld): SimServer[] {
  const out: SimServer[] = [];
  for (const s of world.servers.values()) if (s.status !== "DELETED") out.push(s);
  return out;
}

function listServers(ctx: SimContext, url: URL): Response {
  const limit = intParam(url, "limit", 25);
  const page = intParam(url, "offset", 1);
  if (limit === undefined || limit < 1 || limit > 1000) return ecsError(400, "Ecs.0005", "limit must be an integer between 1 and 1000");
  if (page === undefined) return ecsError(400, "Ecs.0005", "offset must be a page number >= 0");
  const all = visible(ctx.world);
  const start = (Math.max(page, 1) - 1) * limit;
  const servers = all.slice(start, start + limit).map((s) => serverJson(ctx.world, s, !ctx.opts.ecsListOmitsTags));
  return json({ count: all.length, servers });
}

function notFound(id: string): Response {
  return ecsError(404, "Ecs.0114", `Instance[${id}] could not be found.`);
}

function serverIdsOf(body: any, key?: string): string[] | undefined {
  const holder = key ? body?.[key] : body;
  const list = holder?.servers;
  if (!Array.isArray(list) || list.length === 0 || list.length > 1000) return undefined;
  const ids = list.map((s: any) => s?.id);
  return ids.every((id: unknown) => typeof id === "string" && id !== "") ? ids : undefined;
}

function stopServers(ctx: SimContext, req: any): Response {
  const stop = req?.["os-stop"];
  const ids = serverIdsOf(req, "os-stop");
  if (!stop || !ids) return ecsError(400, "Ecs.0005", 'body must be {"os-stop":{"type":"SOFT|HARD","servers":[{"id"}]}}');
  if (stop.type !== undefined && stop.type !== "SOFT" && stop.type !== "HARD") return ecsError(400, "Ecs.0005", "type must be SOFT or HARD");
  const { world } = ctx;
  for (const id of ids) if (!world.servers.has(id)) return notFound(id);
  const job = batchJob(ctx, "stopServer", "ECS.stop", ids, "powering-off", (s) => {
    s.status = "SHUTOFF";
  });
  return json({ job_id: job.id });
}

/**
 * `os-start`: a batch job like stop. Like the real ECS, the request is accepted for any existing server and a
 * server that is not SHUTOFF makes the job fail (its sub-job reports why), so a client must read the job.
 */
function startServers(ctx: SimContext, req: any): Response {
  const ids = serverIdsOf(req, "os-start");
  if (!req?.["os-start"] || !ids) return ecsError(400, "Ecs.0005", 'body must be {"os-start":{"servers":[{"id"}]}}');
  const { world } = ctx;
  for (const id of ids) if (!world.servers.has(id)) return notFound(id);
  const notStopped = ids.find((id) => world.servers.get(id)!.status !== "SHUTOFF");
  const refusal = notStopped
    ? { failReason: `Ecs.0103: server ${notStopped} is ${world.servers.get(notStopped)!.status}, only a SHUTOFF server can be started`, errorCode: "Ecs.0103" }
    : undefined;
  const job = batchJob(ctx, "startServer", "ECS.start", ids, "powering-on", (s) => {
    s.status = "ACTIVE";
  }, refusal);
  return json({ job_id: job.id });
}

function serverAction(ctx: SimContext, body: string): Response {
  const req = parseJson(body);
  if (req && typeof req === "object" && "os-start" in req) return startServers(ctx, req);
  return stopServers(ctx, req);
}

function deleteServers(ctx: SimContext, body: string): Response {
  const req = parseJson(body);
  const ids = serverIdsOf(req);
  if (!ids) return ecsError(400, "Ecs.0005", 'body must be {"servers":[{"id"}],"delete_publicip":bool,"delete_volume":bool}');
  const deleteVolumes = req.delete_volume === true;
  const { world } = ctx;
  for (const id of ids) if (!world.servers.has(id)) return notFound(id);
  // A yearly/monthly server is only removed by unsubscribing in the billing centre; the API refuses.
  // (The error code is the simulator's own; the real gateway's wording differs.)
  const prepaid = ids.find((id) => world.servers.get(id)!.prepaid);
  if (prepaid) return ecsError(400, "Ecs.0219", `Instance[${prepaid}] is billed yearly/monthly and cannot be deleted; unsubscribe it instead.`);
  // Like ECS: `delete_volume: false` keeps the DATA disks (detached, "available"); the system disk always goes
  // with its server.
  const job = batchJob(ctx, "deleteServer", "ECS.delete", ids, "deleting", (s) => {
    const systemDisk = systemDiskOf(world, s);
    world.servers.delete(s.id);
    for (const vid of s.volumeIds) {
      const v = world.volumes.get(vid);
      if (!v) continue;
      if (deleteVolumes || vid === systemDisk) {
        world.volumes.delete(vid);
        dropSnapshotsOf(world, vid);
      }
      else {
        v.serverIds = v.serverIds.filter((sid) => sid !== s.id);
        if (v.serverIds.length === 0) v.status = "available";
      }
    }
  });
  return json({ job_id: job.id });
}

/** `task` is the `task_state` the servers show while the job runs (not while it waits in INIT). */
function batchJob(
  ctx: SimContext,
  type: string,
  action: string,
  ids: string[],
  task: string,
  apply: (s: SimServer) => void,
  refusal?: { failReason: string; errorCode?: string },
) {
  const { world } = ctx;
  let failure: { failReason: string; errorCode?: string } | undefined = refusal;
  for (const id of ids) {
    recordMutation(world, `${action}:${id}`);
    failure ??= failureFor(ctx, action, id, tagMap(world.servers.get(id)!.tags));
  }
  const each = (fn: (s: SimServer) => void) => () => {
    for (const id of ids) {
      const s = world.servers.get(id);
      if (s) fn(s);
    }
  };
  return createJob(
    ctx,
    "v1",
    type,
    ids,
    {
      onStart: each((s) => (s.taskState = task)),
      onSuccess: each((s) => {
        s.taskState = null;
        apply(s);
      }),
      onFail: each((s) => (s.taskState = null)),
    },
    failure,
  );
}

/**
 * `POST /cloudservers/{id}/tags/action` (TMS batch create/delete). A create that would leave the server with a
 * tag ECS cannot store (tag-rules.ts) is refused as a whole, as the real API does.
 */
function tagAction(ctx: SimContext, id: string, body: string): Response {
  const s = ctx.world.servers.get(id);
  if (!s || s.status === "DELETED") return notFound(id);
  const req = parseJson(body);
  const tags = req?.tags;
  if ((req?.action !== "create" && req?.action !== "delete") || !Array.isArray(tags) || tags.some((t: any) => typeof t?.key !== "string")) {
    return ecsError(400, "Ecs.0005", 'body must be {"action":"create|delete","tags":[{"key","value"}]}');
  }
  const current = tagMap(s.tags);
  if (req.action === "delete") for (const t of tags) delete current[t.key];
  else for (const t of tags) current[t.key] = typeof t.value === "string" ? t.value : "";
  const problems = tagViolations(current, ECS_TAG_RULES);
  if (problems.length > 0) return ecsError(400, "Ecs.0005", `Invalid tags: ${problems.join("; ")}`);
  recordMutation(ctx.world, `ECS.tags:${id}`);
  s.tags = Object.entries(current).map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  return new Response(null, { status: 204 });
}

export function ecsRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  // /v1/{project_id}/cloudservers/…
  if (seg[0] !== "v1" || seg[2] !== "cloudservers" || seg.length < 4 || seg.length > 6) return undefined;
  if (seg.length === 6 && (seg[4] !== "tags" || seg[5] !== "action")) return undefined;
  const { world } = ctx;
  const wrongProject = () => seg[1] !== world.projectId;
  const route = (name: string, want: string, fn: (body: string) => Response): Route => ({
    name,
    handle: (body) => {
      if (method !== want) return ecsError(405, "Ecs.0005", `method ${method} not allowed`);
      if (wrongProject()) return ecsError(404, "Ecs.0001", `project ${seg[1]} not found`);
      return fn(body);
    },
  });
  const third = seg[3]!;
  if (seg.length === 4 && third === "detail") return route("ECS.list", "GET", () => listServers(ctx, url));
  if (seg.length === 4 && third === "action") return route("ECS.action", "POST", (b) => serverAction(ctx, b));
  if (seg.length === 4 && third === "delete") return route("ECS.delete", "POST", (b) => deleteServers(ctx, b));
  if (seg.length === 4) {
    return route("ECS.get", "GET", () => {
      const s = world.servers.get(third);
      return s && s.status !== "DELETED" ? json({ server: serverJson(world, s, true) }) : notFound(third);
    });
  }
  if (seg.length === 6) return route("ECS.tagAction", "POST", (b) => tagAction(ctx, third, b));
  if (seg[4] === "tags") {
    return route("ECS.tags", "GET", () => {
      const s = world.servers.get(third);
      return s ? json({ tags: tagPairs(s.tags.filter((t) => !t.startsWith("_sys_"))) }) : notFound(third);
    });
  }
  return undefined;
}
