/**
 * Simulated ECS v1: `cloudservers/detail` (page-number `offset` from 1, `limit` ≤ 1000, `{count, servers}`),
 * one server, its tags (TMS form), batch stop (`os-stop`) and batch delete, both answered with a job.
 */
import type { SimServer, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
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
    metadata: { charging_mode: "0", "metering.resourcespeccode": `${s.flavorId}.linux`, os_type: "Linux" },
    sys_tags: tagPairs(tags.filter((t) => t.startsWith("_sys_"))),
    "OS-EXT-STS:vm_state": s.status === "SHUTOFF" ? "stopped" : "active",
    // The real API always sends task_state: null while idle, the running task otherwise (never during a job's INIT).
    "OS-EXT-STS:task_state": s.taskState ?? null,
    "os-extended-volumes:volumes_attached": s.volumeIds.map((id, i) => ({
      id,
      device: `/dev/vd${String.fromCharCode(97 + (i % 26))}`,
      bootIndex: i === 0 ? "0" : null,
      delete_on_termination: "false",
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

function stopServers(ctx: SimContext, body: string): Response {
  const req = parseJson(body);
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

function deleteServers(ctx: SimContext, body: string): Response {
  const req = parseJson(body);
  const ids = serverIdsOf(req);
  if (!ids) return ecsError(400, "Ecs.0005", 'body must be {"servers":[{"id"}],"delete_publicip":bool,"delete_volume":bool}');
  const deleteVolumes = req.delete_volume === true;
  const { world } = ctx;
  for (const id of ids) if (!world.servers.has(id)) return notFound(id);
  const job = batchJob(ctx, "deleteServer", "ECS.delete", ids, "deleting", (s) => {
    world.servers.delete(s.id);
    for (const vid of s.volumeIds) {
      const v = world.volumes.get(vid);
      if (!v) continue;
      if (deleteVolumes) world.volumes.delete(vid);
      else {
        v.serverIds = v.serverIds.filter((sid) => sid !== s.id);
        if (v.serverIds.length === 0) v.status = "available";
      }
    }
  });
  return json({ job_id: job.id });
}

function batchJob(ctx: SimContext, type: string, action: string, ids: string[], task: string, apply: (s: SimServer) => void) {
  const { world } = ctx;
  let failure: { failReason: string; errorCode?: string } | undefined;
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

export function ecsRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  // /v1/{project_id}/cloudservers/…
  if (seg[0] !== "v1" || seg[2] !== "cloudservers" || seg.length < 4 || seg.length > 5) return undefined;
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
  if (seg.length === 4 && third === "action") return route("ECS.action", "POST", (b) => stopServers(ctx, b));
  if (seg.length === 4 && third === "delete") return route("ECS.delete", "POST", (b) => deleteServers(ctx, b));
  if (seg.length === 4) {
    return route("ECS.get", "GET", () => {
      const s = world.servers.get(third);
      return s && s.status !== "DELETED" ? json({ server: serverJson(world, s, true) }) : notFound(third);
    });
  }
  if (seg[4] === "tags") {
    return route("ECS.tags", "GET", () => {
      const s = world.servers.get(third);
      return s ? json({ tags: tagPairs(s.tags.filter((t) => !t.startsWith("_sys_"))) }) : notFound(third);
    });
  }
  return undefined;
}
