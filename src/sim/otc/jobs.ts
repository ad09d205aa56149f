/**
 * Simulated job APIs: ECS/EVS `GET /v1/{project_id}/jobs/{job_id}` and RDS `GET /v3/{project_id}/jobs?id=…`.
 * Each read is one poll; a job finishes (and only then changes the world) after `pollsUntilDone` polls.
 */
import type { SimJob } from "../world.ts";
import { advanceJob, ecsError, isoSeconds, jobFamily, json, rdsError, type Route, type SimContext } from "./common.ts";

/** The ECS/EVS job types as the job API names them. */
const V1_JOB_TYPES: Record<string, string> = {
  deleteVolume: "deleteVolume",
  stopServer: "batchStopServers",
  startServer: "batchStartServers",
  deleteServer: "deleteServers",
};

function v1JobJson(job: SimJob) {
  const done = job.status === "SUCCESS" || job.status === "FAIL";
  const entityKey = job.type === "deleteVolume" ? "volume_id" : "server_id";
  return {
    job_id: job.id,
    job_type: V1_JOB_TYPES[job.type] ?? "deleteServers",
    status: job.status,
    begin_time: isoSeconds(job.createdAt),
    end_time: done ? isoSeconds(Date.now()) : "",
    error_code: job.status === "FAIL" ? (job.errorCode ?? null) : null,
    fail_reason: job.status === "FAIL" ? (job.failReason ?? null) : null,
    entities: {
      sub_jobs_total: job.entities.length,
      sub_jobs: job.entities.map((id) => ({
        job_id: `${job.id}-${id.slice(0, 8)}`,
        // The ECS job docs list a batch delete's sub-jobs as `deleteVM`.
        job_type: job.type === "deleteServer" ? "deleteVM" : job.type,
        status: job.status,
        begin_time: isoSeconds(job.createdAt),
        end_time: done ? isoSeconds(Date.now()) : "",
        error_code: job.status === "FAIL" ? (job.errorCode ?? null) : null,
        fail_reason: job.status === "FAIL" ? (job.failReason ?? null) : null,
        entities: { [entityKey]: id },
      })),
    },
  };
}

const RDS_STATUS: Record<SimJob["status"], string> = { INIT: "Running", RUNNING: "Running", SUCCESS: "Completed", FAIL: "Failed" };

function rdsJobJson(ctx: SimContext, job: SimJob) {
  const done = job.status === "SUCCESS" || job.status === "FAIL";
  const inst = ctx.world.rds.get(job.entities[0] ?? "");
  return {
    job: {
      id: job.id,
      name: job.type,
      status: RDS_STATUS[job.status],
      created: isoSeconds(job.createdAt).replace("Z", "+0000"),
      ended: done ? isoSeconds(Date.now()).replace("Z", "+0000") : "",
      process: done ? "" : "50",
      instance: { id: job.entities[0] ?? "", name: inst?.name ?? "" },
      entities: {},
      fail_reason: job.status === "FAIL" ? (job.failReason ?? "") : undefined,
    },
  };
}

export function jobsRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  const { world } = ctx;
  if (seg[0] === "v1" && seg[2] === "jobs" && seg.length === 4) {
    return {
      name: "JOBS.v1",
      handle: () => {
        if (method !== "GET") return ecsError(405, "Common.0005", "method not allowed");
        if (seg[1] !== world.projectId) return ecsError(404, "Common.0001", `project ${seg[1]} not found`);
        const job = world.jobs.get(seg[3]!);
        if (!job || jobFamily(job) !== "v1") return ecsError(404, "Common.0024", `job ${seg[3]} not found`);
        return json(v1JobJson(advanceJob(job)));
      },
    };
  }
  if (seg[0] === "v3" && seg[2] === "jobs" && seg.length === 3) {
    return {
      name: "JOBS.rds",
      handle: () => {
        if (method !== "GET") return rdsError(405, "DBS.200001", "method not allowed");
        if (seg[1] !== world.projectId) return rdsError(404, "DBS.200001", `project ${seg[1]} not found`);
        const id = url.searchParams.get("id");
        if (!id) return rdsError(400, "DBS.200001", "parameter id is required");
        const job = world.jobs.get(id);
        if (!job || jobFamily(job) !== "rds") return rdsError(404, "DBS.200016", `job ${id} not found`);
        return json(rdsJobJson(ctx, advanceJob(job)));
      },
    };
  }
  return undefined;
}
