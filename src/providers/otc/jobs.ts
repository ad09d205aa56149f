/**
 * Waiting for OTC asynchronous jobs. ECS and EVS answer stop/delete with a `job_id` polled at
 * `GET /v1/{project_id}/jobs/{job_id}` (status INIT|RUNNING|SUCCESS|FAIL, `fail_reason`, `error_code`,
 * `entities.sub_jobs[]` for batch operations); RDS at `GET /v3/{project_id}/jobs?id=…` (`job.status`
 * Running|Completed|Failed, `job.fail_reason`). A failed job rejects with the API's own reason: a failed delete is
 * never reported as done.
 */
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";

export interface JobPollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type JobState = { done: false } | { done: true; ok: true } | { done: true; ok: false; code?: string; reason: string };

/** Polls `check` until it reports done; rejects on failure or timeout. */
export async function pollJob(what: string, endpoint: string, check: () => Promise<JobState>, opts: JobPollOptions = {}): Promise<void> {
  const interval = opts.intervalMs ?? 2_000;
  const timeout = opts.timeoutMs ?? 15 * 60_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const started = now();
  for (;;) {
    const state = await check();
    if (state.done) {
      if (state.ok) return;
      throw new HttpError(`${endpoint}: ${what} failed${state.code ? ` (${state.code})` : ""}: ${state.reason}`, endpoint, undefined, state.code);
    }
    if (now() - started >= timeout) {
      throw new HttpError(`${endpoint}: ${what} did not finish within ${Math.round(timeout / 1000)} s`, endpoint, undefined, "JOB_TIMEOUT", true);
    }
    await sleep(interval);
  }
}

interface EcsJob {
  status?: string;
  job_id?: string;
  job_type?: string;
  fail_reason?: string | null;
  error_code?: string | null;
  entities?: { sub_jobs?: EcsJob[] };
}

/** ECS and EVS (v1 job API of the respective endpoint). */
export async function ecsJobState(client: HttpClient, projectId: string, jobId: string): Promise<JobState> {
  const job = await client.get<EcsJob>(`/v1/${projectId}/jobs/${encodeURIComponent(jobId)}`);
  const status = String(job?.status ?? "").toUpperCase();
  if (status === "SUCCESS") {
    // A batch job can report SUCCESS overall while a sub-job failed; trust the sub-jobs.
    const failed = job.entities?.sub_jobs?.find((s) => String(s.status).toUpperCase() === "FAIL");
    if (failed) return { done: true, ok: false, code: failed.error_code ?? undefined, reason: failed.fail_reason || "sub-job failed" };
    return { done: true, ok: true };
  }
  if (status === "FAIL") {
    const sub = job.entities?.sub_jobs?.find((s) => String(s.status).toUpperCase() === "FAIL");
    return {
      done: true,
      ok: false,
      code: job.error_code ?? sub?.error_code ?? undefined,
      reason: job.fail_reason || sub?.fail_reason || "job failed without a reason",
    };
  }
  if (status === "INIT" || status === "RUNNING") return { done: false };
  throw new HttpError(`${client.endpoint}: job ${jobId} has unknown status "${job?.status}"`, client.endpoint);
}

interface RdsJobResponse {
  job?: { id?: string; status?: string; fail_reason?: string | null };
}

export async function rdsJobState(client: HttpClient, projectId: string, jobId: string): Promise<JobState> {
  const res = await client.get<RdsJobResponse>(`/v3/${projectId}/jobs`, { query: { id: jobId } });
  const status = String(res?.job?.status ?? "");
  if (status === "Completed") return { done: true, ok: true };
  if (status === "Failed") return { done: true, ok: false, reason: res.job?.fail_reason || "job failed without a reason" };
  if (status === "Running" || status === "") return { done: false };
  throw new HttpError(`${client.endpoint}: job ${jobId} has unknown status "${status}"`, client.endpoint);
}
