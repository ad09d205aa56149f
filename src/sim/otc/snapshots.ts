/**
 * Simulated EVS snapshots (opentelekomcloud-docs/elastic-volume-service, api-ref "Snapshot Management"):
 * - `POST /v2/{project_id}/cloudsnapshots` `{snapshot:{volume_id, force?, name?, description?, metadata?}}` → 202
 *   `{snapshot:{…, status:"creating"}}`; no job: the snapshot itself is read until `available` (or `error`).
 * - `GET /v2/{project_id}/cloudsnapshots/{id}` → `{snapshot}`; each read is one poll.
 * - `GET /v2/{project_id}/cloudsnapshots/detail` (`volume_id`, `status`, `limit`, `offset`) → `{count, snapshots,
 *   snapshots_links?}`.
 * - `DELETE /v2/{project_id}/cloudsnapshots/{id}` → 202, only when `available` or `error` (documented); the
 *   snapshot is `deleting` until a read finds it gone.
 *
 * Documented and simulated: deleting a disk deletes all its snapshots ("If a snapshot's source disk is deleted, all
 * snapshots of this disk are also deleted"). An EVS snapshot therefore protects nothing once its disk is deleted.
 */
import { randomUUID } from "node:crypto";
import type { SimSnapshot, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { ecsError, failureFor, intParam, json, parseJson, simNow, type Route, type SimContext } from "./common.ts";

function snapshots(world: SimWorld): Map<string, SimSnapshot> {
  return (world.snapshots ??= new Map());
}

/** Removes every snapshot of a volume (called when the volume is deleted). */
export function dropSnapshotsOf(world: SimWorld, volumeId: string): void {
  for (const [id, s] of world.snapshots ?? []) if (s.volumeId === volumeId) world.snapshots!.delete(id);
}

const failures = new WeakMap<SimSnapshot, string>();

/** One read: `creating` turns `available` (or `error`) and `deleting` turns gone after enough reads. */
function advance(world: SimWorld, s: SimSnapshot): SimSnapshot | undefined {
  if (s.status !== "creating" && s.status !== "deleting") return s;
  if (--s.pollsUntilDone > 0) return s;
  if (s.status === "deleting") {
    world.snapshots?.delete(s.id);
    return undefined;
  }
  s.status = failures.has(s) ? "error" : "available";
  return s;
}

function snapshotJson(world: SimWorld, s: SimSnapshot) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    size: s.size,
    volume_id: s.volumeId,
    metadata: { ...s.metadata },
    created_at: s.created,
    updated_at: s.created,
    "os-extended-snapshot-attributes:progress": s.status === "available" ? "100%" : "0%",
    "os-extended-snapshot-attributes:project_id": world.projectId,
  };
}

function create(ctx: SimContext, body: string): Response {
  const { world } = ctx;
  const spec = parseJson(body)?.snapshot;
  if (!spec || typeof spec.volume_id !== "string" || spec.volume_id === "") {
    return ecsError(400, "EVS.2001", 'body must be {"snapshot":{"volume_id":"…"}}');
  }
  if (spec.name !== undefined && (typeof spec.name !== "string" || spec.name.length > 255)) return ecsError(400, "EVS.2001", "name must be a string of at most 255 bytes");
  const v = world.volumes.get(spec.volume_id);
  recordMutation(world, `EVS.snapshot:${spec.volume_id}`);
  if (!v) return ecsError(404, "EVS.2004", `Volume ${spec.volume_id} could not be found.`);
  if (v.status !== "available" && v.status !== "in-use") {
    return ecsError(400, "EVS.2021", `Invalid volume: Volume status must be available or in-use, but it is ${v.status}.`);
  }
  const snap: SimSnapshot = {
    id: randomUUID(),
    name: spec.name ?? "",
    description: typeof spec.description === "string" ? spec.description : "",
    volumeId: v.id,
    size: v.size,
    status: "creating",
    metadata: spec.metadata && typeof spec.metadata === "object" ? { ...spec.metadata } : {},
    created: new Date(simNow(ctx)).toISOString().replace("Z", ""),
    pollsUntilDone: Math.max(1, ctx.opts.pollsUntilDone ?? 2),
  };
  const failure = failureFor(ctx, "EVS.snapshot", v.id, v.tags);
  if (failure) failures.set(snap, failure.failReason);
  snapshots(world).set(snap.id, snap);
  return json({ snapshot: snapshotJson(world, snap) }, 202);
}

function list(ctx: SimContext, url: URL): Response {
  const { world } = ctx;
  const limit = intParam(url, "limit", 1000);
  const offset = intParam(url, "offset", 0);
  if (limit === undefined || limit < 1 || limit > 1000) return ecsError(400, "EVS.2001", "limit must be an integer between 1 and 1000");
  if (offset === undefined) return ecsError(400, "EVS.2001", "offset must be a non-negative integer");
  const volumeId = url.searchParams.get("volume_id");
  const status = url.searchParams.get("status");
  const all: SimSnapshot[] = [];
  for (const s of [...snapshots(world).values()]) {
    const now = advance(world, s);
    if (!now) continue;
    if (volumeId && now.volumeId !== volumeId) continue;
    if (status && now.status !== status) continue;
    all.push(now);
  }
  const page = all.slice(offset, offset + limit).map((s) => snapshotJson(world, s));
  const more = url.searchParams.has("limit") && offset + limit < all.length;
  const links = more ? [{ href: `${url.pathname}?limit=${limit}&offset=${offset + limit}`, rel: "next" }] : undefined;
  return json({ count: all.length, snapshots: page, ...(links ? { snapshots_links: links } : {}) });
}

function remove(ctx: SimContext, id: string): Response {
  const { world } = ctx;
  recordMutation(world, `EVS.deleteSnapshot:${id}`);
  const s = world.snapshots?.get(id);
  if (!s) return ecsError(404, "EVS.2004", `Snapshot ${id} could not be found.`);
  if (s.status !== "available" && s.status !== "error") {
    return ecsError(400, "EVS.2021", `Invalid snapshot: Snapshot status must be available or error, but it is ${s.status}.`);
  }
  s.status = "deleting";
  s.pollsUntilDone = Math.max(1, ctx.opts.pollsUntilDone ?? 2);
  return new Response(null, { status: 202 });
}

export function snapshotRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  // /v2/{project_id}/cloudsnapshots[/{detail|id}]
  if (seg[0] !== "v2" || seg[2] !== "cloudsnapshots" || (seg.length !== 3 && seg.length !== 4)) return undefined;
  const { world } = ctx;
  const guard = (want: string, fn: () => Response) => () => {
    if (method !== want) return ecsError(405, "EVS.0005", `method ${method} not allowed`);
    if (seg[1] !== world.projectId) return ecsError(404, "EVS.0001", `project ${seg[1]} not found`);
    return fn();
  };
  if (seg.length === 3) return { name: "EVS.snapshot", handle: (body) => guard("POST", () => create(ctx, body))() };
  const id = seg[3]!;
  if (id === "detail") return { name: "EVS.snapshots", handle: guard("GET", () => list(ctx, url)) };
  if (method === "DELETE") return { name: "EVS.deleteSnapshot", handle: guard("DELETE", () => remove(ctx, id)) };
  return {
    name: "EVS.getSnapshot",
    handle: guard("GET", () => {
      const s = world.snapshots?.get(id);
      const now = s && advance(world, s);
      return now ? json({ snapshot: snapshotJson(world, now) }) : ecsError(404, "EVS.2004", `Snapshot ${id} could not be found.`);
    }),
  };
}
