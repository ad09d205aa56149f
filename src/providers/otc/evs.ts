/**
 * EVS v2 (`/v2/{project_id}/cloudvolumes…`): list with details (`limit` ≤ 1000, `offset` = ITEM offset,
 * response `{count, volumes[], volumes_links}`), tags as a map, attachments `[{server_id}]`; delete answers
 * `{job_id}`, polled on the EVS endpoint's `/v1/{project_id}/jobs/{job_id}`.
 */
import type { CloudResource } from "../../engine/types.ts";
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";
import { fetchAllPages } from "./paging.ts";

export const EVS_MAX_LIMIT = 1000;

export interface EvsVolume {
  id: string;
  name?: string;
  status: string;
  size?: number;
  volume_type?: string;
  bootable?: string | boolean;
  created_at?: string;
  tags?: Record<string, string> | null;
  metadata?: Record<string, string> | null;
  attachments?: Array<{ server_id?: string }>;
}

export function normaliseVolume(v: EvsVolume): CloudResource {
  const tags: Record<string, string> = {};
  for (const [k, val] of Object.entries(v.tags ?? {})) if (!k.startsWith("_sys_")) tags[k] = val ?? "";
  return {
    kind: "EVS",
    id: v.id,
    name: v.name ?? "",
    status: v.status ?? "",
    tags,
    createdAt: v.created_at,
    attachedServerIds: (v.attachments ?? []).map((a) => a.server_id).filter((s): s is string => !!s),
    flavor: v.volume_type,
    // A yearly/monthly disk carries the id of its order in `metadata.orderID`; pay-per-use disks have none.
    ...(v.metadata?.orderID ? { prepaid: true } : {}),
  };
}

export async function listVolumes(evs: HttpClient, projectId: string, opts: { limit?: number; concurrency?: number } = {}): Promise<CloudResource[]> {
  const limit = opts.limit ?? EVS_MAX_LIMIT;
  const volumes = await fetchAllPages<EvsVolume>({
    what: "EVS volumes",
    endpoint: evs.endpoint,
    pageSize: limit,
    concurrency: opts.concurrency ?? 4,
    idOf: (v) => v.id,
    fetchPage: async (index) => {
      const res = await evs.get<{ count?: number; volumes?: EvsVolume[] }>(`/v2/${projectId}/cloudvolumes/detail`, {
        query: { limit, offset: index * limit },
      });
      if (!res || !Array.isArray(res.volumes)) throw new HttpError(`${evs.endpoint}: volume list without "volumes"`, evs.endpoint);
      return { items: res.volumes, total: typeof res.count === "number" ? res.count : undefined };
    },
  });
  return volumes.map(normaliseVolume);
}

export async function getVolume(evs: HttpClient, projectId: string, id: string): Promise<CloudResource | undefined> {
  const res = await evs.jsonWithStatus<{ volume?: EvsVolume }>("GET", `/v2/${projectId}/cloudvolumes/${encodeURIComponent(id)}`, { acceptStatus: [404] });
  if (res.status === 404) return undefined;
  const volume = res.data?.volume;
  if (!volume?.id) throw new HttpError(`${evs.endpoint}: volume ${id}: response without "volume"`, evs.endpoint, res.status);
  return normaliseVolume(volume);
}

export async function deleteVolume(evs: HttpClient, projectId: string, id: string): Promise<string> {
  const res = await evs.json<{ job_id?: string }>("DELETE", `/v2/${projectId}/cloudvolumes/${encodeURIComponent(id)}`);
  if (!res?.job_id) throw new HttpError(`${evs.endpoint}: delete ${id}: response without job_id`, evs.endpoint);
  return res.job_id;
}
