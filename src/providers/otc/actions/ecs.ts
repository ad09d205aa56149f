/**
 * ECS batch stop and start (opentelekomcloud-docs/elastic-cloud-server, api-ref "Batch Operations"):
 * `POST /v1/{project_id}/cloudservers/action` with `{"os-stop":{"type":"SOFT|HARD","servers":[{"id"}]}}` or
 * `{"os-start":{"servers":[{"id"}]}}`, at most 1,000 servers per call; the answer is `{job_id}`, polled at
 * `GET /v1/{project_id}/jobs/{job_id}` until SUCCESS (sub-jobs report each server).
 */
import type { HttpClient } from "../../http.ts";
import { HttpError } from "../../http.ts";

export const ECS_BATCH_MAX = 1000;

function checkBatch(ids: readonly string[], what: string): void {
  if (ids.length === 0 || ids.length > ECS_BATCH_MAX) throw new Error(`ECS ${what}: between 1 and ${ECS_BATCH_MAX} servers per call, got ${ids.length}`);
}

async function action(ecs: HttpClient, projectId: string, body: unknown, what: string): Promise<string> {
  const res = await ecs.json<{ job_id?: string }>("POST", `/v1/${projectId}/cloudservers/action`, { body });
  if (!res?.job_id) throw new HttpError(`${ecs.endpoint}: ${what}: response without job_id`, ecs.endpoint);
  return res.job_id;
}

/** Batch stop; returns the job id. SOFT shuts the OS down cleanly; HARD is the documented forced stop. */
export function stopServers(ecs: HttpClient, projectId: string, ids: readonly string[], type: "SOFT" | "HARD" = "SOFT"): Promise<string> {
  checkBatch(ids, "stop");
  return action(ecs, projectId, { "os-stop": { type, servers: ids.map((id) => ({ id })) } }, `stop ${ids.join(",")}`);
}

/** Batch start; returns the job id. */
export function startServers(ecs: HttpClient, projectId: string, ids: readonly string[]): Promise<string> {
  checkBatch(ids, "start");
  return action(ecs, projectId, { "os-start": { servers: ids.map((id) => ({ id })) } }, `start ${ids.join(",")}`);
}
