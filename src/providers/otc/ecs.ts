/**
 * ECS v1 (`/v1/{project_id}/cloudservers…`): list with details, tags, stop and delete.
 *
 * Paging: `offset` is a PAGE NUMBER starting at 1 (0 is treated as 1), `limit` ≤ 1000 (default 25); the response
 * is `{count, servers[]}` with `count` the total.
 *
 * Tags — how we read the ECS documentation (opentelekomcloud-docs/elastic-cloud-server: "Querying Details About
 * ECSs", "Querying Tags of an ECS", the Nova tag API):
 *  1. The list/detail response carries `tags` as an array of strings. "After the upgrade, the key and value of a
 *     tag are connected using an equal sign (=), for example key=value. If the value is empty, only the key is
 *     returned." So `"k=v"` → {k: "v"} (split at the first "="), a bare `"k"` → {k: ""}. System tags such as
 *     `_sys_enterprise_project_id=…` are mixed in; they are not user tags and are skipped.
 *  2. `GET /v1/{project_id}/cloudservers/{id}/tags` → `{"tags":[{"key","value"}]}` (TMS form). The Nova variant
 *     (`/v2.1/…/servers/{id}/tags`, microversion 2.26) returns the string form of (1) and is documented as
 *     discarded; we do not use it.
 *  3. `sys_tags: [{key, value}]` holds only system tags (`_sys_enterprise_project_id`); `metadata` is free-form
 *     instance metadata (`charging_mode`, `vpc_id`, `metering.*`), not tags. Neither feeds the `ot3c_*` tags.
 *
 * Speed: tags come from the list response. Only an entry without a `tags` field at all (older gateways omit it,
 * as the Nova docs say for requests without the microversion) costs one tags-API call — never the whole fleet.
 */
import type { CloudResource } from "../../engine/types.ts";
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";
import { fetchAllPages, mapLimit } from "./paging.ts";

export const ECS_MAX_LIMIT = 1000;

export interface EcsServer {
  id: string;
  name: string;
  status: string;
  created?: string;
  flavor?: { id?: string; name?: string };
  metadata?: Record<string, string>;
  tags?: string[];
  sys_tags?: Array<{ key: string; value: string }>;
  "os-extended-volumes:volumes_attached"?: Array<{ id: string; bootIndex?: string | number | null; device?: string }>;
}

/** Tags from the list form (`"k=v"` / bare `"k"`), system tags skipped. */
export function parseEcsTagStrings(tags: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    if (typeof t !== "string" || t === "") continue;
    const eq = t.indexOf("=");
    const key = eq < 0 ? t : t.slice(0, eq);
    const value = eq < 0 ? "" : t.slice(eq + 1);
    if (key === "" || key.startsWith("_sys_")) continue;
    out[key] = value;
  }
  return out;
}

/** Tags from the TMS form (`[{key, value}]`). */
export function parseKeyValueTags(tags: ReadonlyArray<{ key?: string; value?: string | null }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    if (!t || typeof t.key !== "string" || t.key === "" || t.key.startsWith("_sys_")) continue;
    out[t.key] = t.value ?? "";
  }
  return out;
}

function attachedVolumeIds(s: EcsServer): string[] {
  const vols = s["os-extended-volumes:volumes_attached"] ?? [];
  // Boot volume (bootIndex 0) first, the rest in attach order: the executor deletes a server before its disks.
  const boot = (v: { bootIndex?: string | number | null }) => String(v.bootIndex ?? "") === "0";
  return [...vols.filter(boot), ...vols.filter((v) => !boot(v))].map((v) => v.id).filter(Boolean);
}

export function normaliseServer(s: EcsServer, tags: Record<string, string>): CloudResource {
  return {
    kind: "ECS",
    id: s.id,
    name: s.name ?? "",
    status: s.status ?? "",
    tags,
    createdAt: s.created,
    attachedVolumeIds: attachedVolumeIds(s),
    flavor: s.flavor?.id ?? s.flavor?.name,
    // `charging_mode`: "0" pay-per-use, "1" yearly/monthly, "2" spot.
    ...(String(s.metadata?.charging_mode ?? "") === "1" ? { prepaid: true } : {}),
  };
}

export async function listServerPages(ecs: HttpClient, projectId: string, limit = ECS_MAX_LIMIT, concurrency = 4): Promise<EcsServer[]> {
  return fetchAllPages<EcsServer>({
    what: "ECS servers",
    endpoint: ecs.endpoint,
    pageSize: limit,
    concurrency,
    idOf: (s) => s.id,
    fetchPage: async (index) => {
      const res = await ecs.get<{ count?: number; servers?: EcsServer[] }>(`/v1/${projectId}/cloudservers/detail`, {
        query: { offset: index + 1, limit },
      });
      if (!res || !Array.isArray(res.servers)) throw new HttpError(`${ecs.endpoint}: server list without "servers"`, ecs.endpoint);
      return { items: res.servers, total: typeof res.count === "number" ? res.count : undefined };
    },
  });
}

export async function getServerTags(ecs: HttpClient, projectId: string, id: string): Promise<Record<string, string>> {
  const res = await ecs.get<{ tags?: Array<{ key: string; value: string }> }>(`/v1/${projectId}/cloudservers/${encodeURIComponent(id)}/tags`);
  return parseKeyValueTags(res?.tags);
}

/** Tags for one server: from the entry, or — when the entry has no `tags` field — from the tags API. */
async function tagsOf(ecs: HttpClient, projectId: string, s: EcsServer): Promise<Record<string, string>> {
  if (Array.isArray(s.tags)) return parseEcsTagStrings(s.tags);
  return getServerTags(ecs, projectId, s.id);
}

export async function listServers(ecs: HttpClient, projectId: string, opts: { limit?: number; concurrency?: number } = {}): Promise<CloudResource[]> {
  const servers = await listServerPages(ecs, projectId, opts.limit ?? ECS_MAX_LIMIT, opts.concurrency ?? 4);
  return mapLimit(servers, 8, async (s) => normaliseServer(s, await tagsOf(ecs, projectId, s)));
}

/** One server, or undefined when it no longer exists. */
export async function getServer(ecs: HttpClient, projectId: string, id: string): Promise<{ resource: CloudResource; raw: EcsServer } | undefined> {
  // Through jsonWithStatus: a cut-off body is retried like any failed GET, and 404 means gone.
  const res = await ecs.jsonWithStatus<{ server?: EcsServer }>("GET", `/v1/${projectId}/cloudservers/${encodeURIComponent(id)}`, { acceptStatus: [404] });
  if (res.status === 404) return undefined;
  const server = res.data?.server;
  if (!server?.id) throw new HttpError(`${ecs.endpoint}: server ${id}: response without "server"`, ecs.endpoint, res.status);
  return { resource: normaliseServer(server, await tagsOf(ecs, projectId, server)), raw: server };
}

function jobIdOf(res: { job_id?: string } | undefined, endpoint: string, what: string): string {
  if (!res?.job_id) throw new HttpError(`${endpoint}: ${what}: response without job_id`, endpoint);
  return res.job_id;
}

/** `POST /cloudservers/action` with `os-stop` (SOFT): ECS compute billing ends, disks stay. Returns the job id. */
export async function stopServer(ecs: HttpClient, projectId: string, id: string, type: "SOFT" | "HARD" = "SOFT"): Promise<string> {
  const res = await ecs.json<{ job_id?: string }>("POST", `/v1/${projectId}/cloudservers/action`, {
    body: { "os-stop": { type, servers: [{ id }] } },
  });
  return jobIdOf(res, ecs.endpoint, `stop ${id}`);
}

/** `POST /cloudservers/delete`, keeping EIPs and volumes (volumes are separate plan items). Returns the job id. */
export async function deleteServer(ecs: HttpClient, projectId: string, id: string): Promise<string> {
  const res = await ecs.json<{ job_id?: string }>("POST", `/v1/${projectId}/cloudservers/delete`, {
    body: { servers: [{ id }], delete_publicip: false, delete_volume: false },
  });
  return jobIdOf(res, ecs.endpoint, `delete ${id}`);
}
