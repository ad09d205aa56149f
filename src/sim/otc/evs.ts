/**
 * Simulated EVS v2: `cloudvolumes/detail` (`limit` ≤ 1000, default 1000; `offset` = item offset;
 * `{count, volumes, volumes_links}`), one volume, and delete (refused while attached, else a job).
 */
import type { SimVolume, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { dropSnapshotsOf } from "./snapshots.ts";
import { createJob, ecsError, failureFor, intParam, json, parseJson, type Route, type SimContext } from "./common.ts";
import { EVS_TAG_RULES, tagViolations } from "./tag-rules.ts";

function volumeJson(world: SimWorld, v: SimVolume) {
  return {
    id: v.id,
    name: v.name,
    status: v.status,
    size: v.size,
    volume_type: v.volumeType,
    bootable: String(v.bootable),
    availability_zone: `${world.region}-01`,
    created_at: v.created,
    updated_at: v.created,
    multiattach: false,
    shareable: "false",
    encrypted: false,
    // A yearly/monthly disk carries the id of its order.
    metadata: v.prepaid ? { orderID: `CS${v.id.replace(/-/g, "").slice(0, 16).toUpperCase()}` } : {},
    "os-vol-tenant-attr:tenant_id": world.projectId,
    tags: { ...v.tags },
    attachments: v.serverIds.map((sid, i) => ({
      server_id: sid,
      attachment_id: `${v.id.slice(0, 8)}-${i}`,
      volume_id: v.id,
      id: v.id,
      device: v.bootable && i === 0 ? "/dev/vda" : "/dev/vdb",
      host_name: null,
      attached_at: v.created,
    })),
    links: [],
  };
}

function listVolumes(ctx: SimContext, url: URL): Response {
  const limit = intParam(url, "limit", 1000);
  const offset = intParam(url, "offset", 0);
  if (limit === undefined || limit < 1 || limit > 1000) return ecsError(400, "EVS.2001", "limit must be an integer between 1 and 1000");
  if (offset === undefined) return ecsError(400, "EVS.2001", "offset must be a non-negative integer");
  const all = [...ctx.world.volumes.values()];
  const page = all.slice(offset, offset + limit).map((v) => volumeJson(ctx.world, v));
  const links =
    offset + limit < all.length ? [{ href: `${url.pathname}?limit=${limit}&offset=${offset + limit}`, rel: "next" }] : undefined;
  return json({ count: all.length, volumes: page, ...(links ? { volumes_links: links } : {}) });
}

function deleteVolume(ctx: SimContext, id: string): Response {
  const { world } = ctx;
  const v = world.volumes.get(id);
  if (!v) return ecsError(404, "EVS.2004", `Volume ${id} could not be found.`);
  recordMutation(world, `EVS.delete:${id}`);
  if (v.prepaid) return ecsError(400, "EVS.2061", `Volume ${id} is billed yearly/monthly and cannot be deleted; unsubscribe it instead.`);
  if (v.serverIds.length > 0 || v.status === "in-use") {
    return ecsError(400, "EVS.2021", "Invalid volume: Volume status must be available or error and must not be attached.");
  }
  if (v.status === "deleting") return ecsError(400, "EVS.2021", "Invalid volume: Volume is already being deleted.");
  const previous = v.status;
  const job = createJob(
    ctx,
    "v1",
    "deleteVolume",
    [id],
    {
      // "deleting" once the job runs (at once without an INIT hold).
      onStart: () => (v.status = "deleting"),
      onSuccess: () => {
        world.volumes.delete(id);
        // Documented: deleting a disk deletes all its snapshots.
        dropSnapshotsOf(world, id);
      },
      onFail: () => {
        v.status = previous === "available" ? "error" : previous;
      },
    },
    failureFor(ctx, "EVS.delete", id, v.tags),
  );
  return json({ job_id: job.id });
}

/** `POST /v2/{project_id}/cloudvolumes/{id}/tags/action` (TMS batch create/delete), refused when a rule breaks. */
function tagAction(ctx: SimContext, id: string, body: string): Response {
  const v = ctx.world.volumes.get(id);
  if (!v) return ecsError(404, "EVS.2004", `Volume ${id} could not be found.`);
  const req = parseJson(body);
  const tags = req?.tags;
  if ((req?.action !== "create" && req?.action !== "delete") || !Array.isArray(tags) || tags.some((t: any) => typeof t?.key !== "string")) {
    return ecsError(400, "EVS.2001", 'body must be {"action":"create|delete","tags":[{"key","value"}]}');
  }
  const next = { ...v.tags };
  if (req.action === "delete") for (const t of tags) delete next[t.key];
  else for (const t of tags) next[t.key] = typeof t.value === "string" ? t.value : "";
  const problems = tagViolations(next, EVS_TAG_RULES);
  if (problems.length > 0) return ecsError(400, "EVS.2001", `Invalid tags: ${problems.join("; ")}`);
  recordMutation(ctx.world, `EVS.tags:${id}`);
  v.tags = next;
  return new Response(null, { status: 204 });
}

export function evsRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  // /v2/{project_id}/cloudvolumes/{detail|id}[/tags/action]
  if (seg[0] !== "v2" || seg[2] !== "cloudvolumes") return undefined;
  if (seg.length !== 4 && !(seg.length === 6 && seg[4] === "tags" && seg[5] === "action")) return undefined;
  const { world } = ctx;
  const id = seg[3]!;
  const guard = (fn: () => Response) => () =>
    seg[1] !== world.projectId ? ecsError(404, "EVS.0001", `project ${seg[1]} not found`) : fn();
  if (seg.length === 6) {
    return { name: "EVS.tagAction", handle: (body) => (method !== "POST" ? ecsError(405, "EVS.0005", "method not allowed") : guard(() => tagAction(ctx, id, body))()) };
  }
  if (id === "detail") {
    return { name: "EVS.list", handle: guard(() => (method === "GET" ? listVolumes(ctx, url) : ecsError(405, "EVS.0005", "method not allowed"))) };
  }
  if (method === "DELETE") return { name: "EVS.delete", handle: guard(() => deleteVolume(ctx, id)) };
  return {
    name: "EVS.get",
    handle: guard(() => {
      if (method !== "GET") return ecsError(405, "EVS.0005", "method not allowed");
      const v = world.volumes.get(id);
      return v ? json({ volume: volumeJson(world, v) }) : ecsError(404, "EVS.2004", `Volume ${id} could not be found.`);
    }),
  };
}
