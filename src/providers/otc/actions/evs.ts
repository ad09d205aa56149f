/**
 * EVS snapshots (opentelekomcloud-docs/elastic-volume-service, api-ref "Snapshot Management"):
 * create `POST /v2/{project_id}/cloudsnapshots` `{snapshot:{volume_id, name, description, force, metadata}}` → 202
 * `{snapshot}` in status `creating`; read `GET …/cloudsnapshots/{id}` until `available` (or `error`); list
 * `GET …/cloudsnapshots/detail?volume_id=…` → `{count, snapshots, snapshots_links}`; delete `DELETE …/{id}` (only
 * `available` or `error`). No job: the snapshot's own status is the progress.
 *
 * Documented limit that decides how ot3c may use them: "If a snapshot's source disk is deleted, all snapshots of
 * this disk are also deleted." An EVS snapshot protects against a bad change to a disk that is kept, never against
 * the disk's deletion (`survivesDeletion: false`).
 */
import type { SafetyCopy } from "../../../engine/types.ts";
import type { HttpClient } from "../../http.ts";
import { HttpError } from "../../http.ts";
import type { JobState } from "../jobs.ts";

export interface EvsSnapshot {
  id: string;
  name?: string;
  status: string;
  volume_id: string;
  size?: number;
  created_at?: string;
  metadata?: Record<string, string>;
}

export function snapshotCopy(s: EvsSnapshot): SafetyCopy {
  return {
    kind: "EVS_SNAPSHOT",
    id: s.id,
    resourceId: s.volume_id,
    name: s.name ?? "",
    status: s.status,
    createdAt: s.created_at,
    sizeGb: s.size,
    survivesDeletion: false,
  };
}

export async function createSnapshot(evs: HttpClient, projectId: string, volumeId: string, name: string, description: string): Promise<EvsSnapshot> {
  const res = await evs.json<{ snapshot?: EvsSnapshot }>("POST", `/v2/${projectId}/cloudsnapshots`, {
    body: { snapshot: { volume_id: volumeId, name, description, force: false, metadata: {} } },
  });
  if (!res?.snapshot?.id) throw new HttpError(`${evs.endpoint}: snapshot of ${volumeId}: response without "snapshot"`, evs.endpoint);
  return res.snapshot;
}

export async function getSnapshot(evs: HttpClient, projectId: string, id: string): Promise<EvsSnapshot | undefined> {
  const res = await evs.raw("GET", `/v2/${projectId}/cloudsnapshots/${encodeURIComponent(id)}`, { acceptStatus: [404] });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  let snap: EvsSnapshot | undefined;
  try {
    snap = (JSON.parse(await res.text()) as { snapshot?: EvsSnapshot }).snapshot;
  } catch {
    throw new HttpError(`${evs.endpoint}: snapshot ${id}: response is not valid JSON (truncated?)`, evs.endpoint, res.status, undefined, true);
  }
  if (!snap?.id) throw new HttpError(`${evs.endpoint}: snapshot ${id}: response without "snapshot"`, evs.endpoint, res.status);
  return snap;
}

/** Creation progress: `available` = done, `error` = failed, gone = failed (deleted with its disk meanwhile). */
export async function snapshotState(evs: HttpClient, projectId: string, id: string): Promise<JobState> {
  const s = await getSnapshot(evs, projectId, id);
  if (!s) return { done: true, ok: false, reason: `snapshot ${id} no longer exists` };
  if (s.status === "available") return { done: true, ok: true };
  if (s.status === "error") return { done: true, ok: false, reason: `snapshot ${id} ended in status error` };
  if (s.status === "creating") return { done: false };
  throw new HttpError(`${evs.endpoint}: snapshot ${id} has unexpected status "${s.status}"`, evs.endpoint);
}

const PAGE = 1000;

/** Every snapshot of one volume (pages of 1,000 by item offset until `count` is reached). */
export async function listSnapshots(evs: HttpClient, projectId: string, volumeId: string): Promise<EvsSnapshot[]> {
  const out: EvsSnapshot[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const res = await evs.get<{ count?: number; snapshots?: EvsSnapshot[] }>(`/v2/${projectId}/cloudsnapshots/detail`, {
      query: { volume_id: volumeId, limit: PAGE, offset },
    });
    if (!res || !Array.isArray(res.snapshots)) throw new HttpError(`${evs.endpoint}: snapshot list without "snapshots"`, evs.endpoint);
    out.push(...res.snapshots);
    const total = typeof res.count === "number" ? res.count : out.length;
    if (res.snapshots.length === 0 || out.length >= total) return out;
  }
}
