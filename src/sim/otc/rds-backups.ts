/**
 * Simulated RDS v3 manual backups (opentelekomcloud-docs/relational-database-service, api-ref "Backup and
 * Restoration"):
 * - `POST /v3/{project_id}/backups` `{instance_id, name, description?}` → 200 `{backup:{id, name, description,
 *   begin_time, status:"BUILDING", type:"manual", instance_id}}`. No job: the backup is read until COMPLETED (or
 *   FAILED). The name is 4–64 characters, starts with a letter, letters/digits/`-`/`_` only, and must be unique.
 * - `GET /v3/{project_id}/backups?instance_id=…[&backup_id=…&backup_type=…&offset=…&limit=…]` → `{backups,
 *   total_count}`; `instance_id` is mandatory, `limit` 1–100 (default 100). Each read is one poll.
 *
 * Manual backups outlive their instance (documented: "Manual backups, however, are still retained and will generate
 * additional costs"). A backup of an instance that is not ACTIVE (stopped, building) is refused — undocumented; the
 * simulator does not assume the kinder answer.
 */
import { randomUUID } from "node:crypto";
import type { SimRdsBackup, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { failureFor, intParam, isoSeconds, json, parseJson, rdsError, simNow, type Route, type SimContext } from "./common.ts";

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{3,63}$/;

function backups(world: SimWorld): Map<string, SimRdsBackup> {
  return (world.backups ??= new Map());
}

function advance(ctx: SimContext, b: SimRdsBackup): SimRdsBackup {
  if (b.status !== "BUILDING" || --b.pollsUntilDone > 0) return b;
  b.status = b.failReason ? "FAILED" : "COMPLETED";
  b.endTime = isoSeconds(simNow(ctx)).replace("Z", "+0000");
  return b;
}

function backupJson(b: SimRdsBackup) {
  return {
    id: b.id,
    name: b.name,
    description: b.description,
    type: "manual",
    size: b.status === "COMPLETED" ? b.sizeKb : 0,
    status: b.status,
    begin_time: b.beginTime,
    ...(b.endTime ? { end_time: b.endTime } : {}),
    datastore: { type: b.datastore, version: "" },
    instance_id: b.instanceId,
  };
}

function create(ctx: SimContext, body: string): Response {
  const { world } = ctx;
  const req = parseJson(body);
  if (typeof req?.instance_id !== "string" || req.instance_id === "") return rdsError(400, "DBS.200001", "instance_id is required");
  recordMutation(world, `RDS.backup:${req.instance_id}`);
  if (typeof req.name !== "string" || !NAME_RE.test(req.name)) {
    return rdsError(400, "DBS.200001", "name must be 4 to 64 characters, start with a letter and contain only letters, digits, - and _");
  }
  if (req.description !== undefined && (typeof req.description !== "string" || req.description.length > 256 || /[>!<"&'=]/.test(req.description))) {
    return rdsError(400, "DBS.200001", "description is at most 256 characters without >!<\"&'=");
  }
  const i = world.rds.get(req.instance_id);
  if (!i) return rdsError(404, "DBS.200823", `The DB instance ${req.instance_id} does not exist.`);
  if (i.status !== "ACTIVE") return rdsError(400, "DBS.201015", `The DB instance status ${i.status} does not allow this operation.`);
  for (const b of backups(world).values()) if (b.name === req.name) return rdsError(400, "DBS.200036", `A backup named ${req.name} already exists.`);
  const b: SimRdsBackup = {
    id: randomUUID().replace(/-/g, "") + "br01",
    instanceId: i.id,
    name: req.name,
    description: req.description ?? "",
    status: "BUILDING",
    // What a backup stores: the instance's data, taken here as 40 % of its storage.
    sizeKb: Math.round((i.storageGb ?? 100) * 0.4 * 1_048_576),
    datastore: i.datastore,
    beginTime: isoSeconds(simNow(ctx)).replace("Z", "+0000"),
    pollsUntilDone: Math.max(1, ctx.opts.pollsUntilDone ?? 2),
    failReason: failureFor(ctx, "RDS.backup", i.id, i.tags)?.failReason,
  };
  backups(world).set(b.id, b);
  const { size: _size, end_time: _end, datastore: _ds, ...created } = backupJson(b) as ReturnType<typeof backupJson> & { end_time?: string };
  return json({ backup: created });
}

function list(ctx: SimContext, url: URL): Response {
  const instanceId = url.searchParams.get("instance_id");
  if (!instanceId) return rdsError(400, "DBS.200001", "parameter instance_id is required");
  const limit = intParam(url, "limit", 100);
  const offset = intParam(url, "offset", 0);
  if (limit === undefined || limit < 1 || limit > 100) return rdsError(400, "DBS.200001", "limit must be an integer between 1 and 100");
  if (offset === undefined) return rdsError(400, "DBS.200001", "offset must be a non-negative integer");
  const id = url.searchParams.get("backup_id");
  const type = url.searchParams.get("backup_type");
  const all = [...backups(ctx.world).values()].filter((b) => b.instanceId === instanceId && (!id || b.id === id) && (!type || type === "manual"));
  for (const b of all) advance(ctx, b);
  return json({ backups: all.slice(offset, offset + limit).map(backupJson), total_count: all.length });
}

export function rdsBackupRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  if (seg[0] !== "v3" || seg[2] !== "backups" || seg.length !== 3) return undefined;
  return {
    name: method === "POST" ? "RDS.backup" : "RDS.backups",
    handle: (body) => {
      if (method !== "POST" && method !== "GET") return rdsError(405, "DBS.200001", `method ${method} not allowed`);
      if (seg[1] !== ctx.world.projectId) return rdsError(404, "DBS.200001", `project ${seg[1]} not found`);
      return method === "POST" ? create(ctx, body) : list(ctx, url);
    },
  };
}
