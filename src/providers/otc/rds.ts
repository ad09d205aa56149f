/**
 * RDS v3 (`/v3/{project_id}/instances`): list (`offset` = item offset, `limit` ≤ 100, `total_count`), tags as
 * `[{key, value}]`, stop (`POST …/instances/{id}/action/shutdown`, pay-per-use MySQL/PostgreSQL only; the
 * instance restarts by itself after 7 days) and delete (`DELETE …/instances/{id}`); both answer `{job_id}`,
 * polled at `GET /v3/{project_id}/jobs?id=…`.
 */
import type { CloudResource } from "../../engine/types.ts";
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";
import { parseKeyValueTags } from "./ecs.ts";
import { fetchAllPages } from "./paging.ts";

export const RDS_MAX_LIMIT = 100;

export interface RdsInstance {
  id: string;
  name?: string;
  status?: string;
  created?: string;
  flavor_ref?: string;
  datastore?: { type?: string; version?: string };
  tags?: Array<{ key: string; value: string }>;
  charge_info?: { charge_mode?: string };
}

export function normaliseInstance(i: RdsInstance): CloudResource {
  return {
    kind: "RDS",
    id: i.id,
    name: i.name ?? "",
    status: i.status ?? "",
    tags: parseKeyValueTags(i.tags),
    createdAt: i.created,
    flavor: i.flavor_ref,
    // `charge_info.charge_mode`: "prePaid" (yearly/monthly) or "postPaid" (pay-per-use).
    ...(i.charge_info?.charge_mode === "prePaid" ? { prepaid: true } : {}),
  };
}

type ListResponse = { instances?: RdsInstance[]; total_count?: number };

export async function listInstances(rds: HttpClient, projectId: string, opts: { limit?: number; concurrency?: number } = {}): Promise<CloudResource[]> {
  const limit = Math.min(opts.limit ?? RDS_MAX_LIMIT, RDS_MAX_LIMIT);
  const instances = await fetchAllPages<RdsInstance>({
    what: "RDS instances",
    endpoint: rds.endpoint,
    pageSize: limit,
    concurrency: opts.concurrency ?? 4,
    idOf: (i) => i.id,
    fetchPage: async (index) => {
      const res = await rds.get<ListResponse>(`/v3/${projectId}/instances`, { query: { offset: index * limit, limit } });
      if (!res || !Array.isArray(res.instances)) throw new HttpError(`${rds.endpoint}: instance list without "instances"`, rds.endpoint);
      return { items: res.instances, total: typeof res.total_count === "number" ? res.total_count : undefined };
    },
  });
  return instances.map(normaliseInstance);
}

export async function getInstance(rds: HttpClient, projectId: string, id: string): Promise<CloudResource | undefined> {
  const res = await rds.get<ListResponse>(`/v3/${projectId}/instances`, { query: { id, offset: 0, limit: 1 } });
  if (!res || !Array.isArray(res.instances)) throw new HttpError(`${rds.endpoint}: instance query without "instances"`, rds.endpoint);
  const found = res.instances.find((i) => i.id === id);
  return found ? normaliseInstance(found) : undefined;
}

function jobId(res: { job_id?: string } | undefined, rds: HttpClient, what: string): string {
  if (!res?.job_id) throw new HttpError(`${rds.endpoint}: ${what}: response without job_id`, rds.endpoint);
  return res.job_id;
}

export async function stopInstance(rds: HttpClient, projectId: string, id: string): Promise<string> {
  const res = await rds.json<{ job_id?: string }>("POST", `/v3/${projectId}/instances/${encodeURIComponent(id)}/action/shutdown`, { body: {} });
  return jobId(res, rds, `stop ${id}`);
}

export async function deleteInstance(rds: HttpClient, projectId: string, id: string): Promise<string> {
  const res = await rds.json<{ job_id?: string }>("DELETE", `/v3/${projectId}/instances/${encodeURIComponent(id)}`);
  return jobId(res, rds, `delete ${id}`);
}
