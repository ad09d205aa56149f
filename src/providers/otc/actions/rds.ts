/**
 * RDS v3 start and manual backups (opentelekomcloud-docs/relational-database-service, api-ref "DB Instance
 * Management" and "Backup and Restoration"):
 * - start: `POST /v3/{project_id}/instances/{id}/action/startup` `{}` → `{job_id}` (only a stopped instance);
 *   stop is `…/action/shutdown` (pay-per-use only, at most 7 days, then OTC starts it in the next maintenance window).
 * - backup: `POST /v3/{project_id}/backups` `{instance_id, name, description}` → `{backup}` in status BUILDING; read
 *   `GET /v3/{project_id}/backups?instance_id=…&backup_id=…` until COMPLETED (or FAILED). Manual backups are kept
 *   after the instance is deleted (and bill on), so they make a deletion recoverable.
 */
import type { SafetyCopy } from "../../../engine/types.ts";
import type { HttpClient } from "../../http.ts";
import { HttpError } from "../../http.ts";
import type { JobState } from "../jobs.ts";

export async function startInstance(rds: HttpClient, projectId: string, id: string): Promise<string> {
  const res = await rds.json<{ job_id?: string }>("POST", `/v3/${projectId}/instances/${encodeURIComponent(id)}/action/startup`, { body: {} });
  if (!res?.job_id) throw new HttpError(`${rds.endpoint}: start ${id}: response without job_id`, rds.endpoint);
  return res.job_id;
}

export interface RdsBackup {
  id: string;
  name?: string;
  status: string;
  type?: string;
  instance_id: string;
  begin_time?: string;
  /** kB. */
  size?: number;
}

export function backupCopy(b: RdsBackup): SafetyCopy {
  return {
    kind: "RDS_BACKUP",
    id: b.id,
    resourceId: b.instance_id,
    name: b.name ?? "",
    status: b.status,
    createdAt: b.begin_time,
    sizeGb: typeof b.size === "number" ? b.size / 1_048_576 : undefined,
    survivesDeletion: true,
  };
}

/** Backup names: 4–64 characters, a letter first, then letters, digits, `-` and `_` (documented). */
export function backupName(prefix: string, instanceId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").slice(0, 15);
  const raw = `${prefix}-${instanceId.slice(0, 12)}-${stamp}`.replace(/[^A-Za-z0-9_-]/g, "-");
  const name = /^[A-Za-z]/.test(raw) ? raw : `b${raw}`;
  return name.slice(0, 64);
}

export async function createBackup(rds: HttpClient, projectId: string, instanceId: string, name: string, description: string): Promise<RdsBackup> {
  const res = await rds.json<{ backup?: RdsBackup }>("POST", `/v3/${projectId}/backups`, { body: { instance_id: instanceId, name, description } });
  if (!res?.backup?.id) throw new HttpError(`${rds.endpoint}: backup of ${instanceId}: response without "backup"`, rds.endpoint);
  return res.backup;
}

const PAGE = 100;

/** Backups of one instance (pages of 100), optionally one backup id. */
export async function listBackups(rds: HttpClient, projectId: string, instanceId: string, backupId?: string): Promise<RdsBackup[]> {
  const out: RdsBackup[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const query: Record<string, string | number> = { instance_id: instanceId, offset, limit: PAGE };
    if (backupId) query.backup_id = backupId;
    const res = await rds.get<{ backups?: RdsBackup[]; total_count?: number }>(`/v3/${projectId}/backups`, { query });
    if (!res || !Array.isArray(res.backups)) throw new HttpError(`${rds.endpoint}: backup list without "backups"`, rds.endpoint);
    out.push(...res.backups);
    const total = typeof res.total_count === "number" ? res.total_count : out.length;
    if (res.backups.length === 0 || out.length >= total) return out;
  }
}

export async function backupState(rds: HttpClient, projectId: string, instanceId: string, backupId: string): Promise<JobState> {
  const b = (await listBackups(rds, projectId, instanceId, backupId)).find((x) => x.id === backupId);
  if (!b) return { done: true, ok: false, reason: `backup ${backupId} is not listed for instance ${instanceId}` };
  if (b.status === "COMPLETED") return { done: true, ok: true };
  if (b.status === "FAILED") return { done: true, ok: false, reason: `backup ${backupId} failed` };
  if (b.status === "BUILDING") return { done: false };
  throw new HttpError(`${rds.endpoint}: backup ${backupId} has unexpected status "${b.status}"`, rds.endpoint);
}
