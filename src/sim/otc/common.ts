/**
 * Shared pieces of the simulated OTC: the request context, error bodies in each service's own format, and the
 * async job machinery (mutations become jobs that finish after a few polls and only then change the world).
 */
import { randomUUID } from "node:crypto";
import type { SimJob, SimWorld } from "../world.ts";

export interface OtcSimOptions {
  /** Job polls (GETs) until a job finishes; default 2. */
  pollsUntilDone?: number;
  /**
   * Decide that a mutation's job fails: return the reason (and code) or undefined. `action` is e.g. "ECS.delete".
   * Resources tagged `ot3c_sim_fail=<reason>` fail every mutation without this hook (for scenarios and the demo).
   */
  failJob?: (action: string, resourceId: string) => { failReason: string; errorCode?: string } | undefined;
  /** Serve ECS list entries without a `tags` field (older gateways), so clients must use the tags API. */
  ecsListOmitsTags?: boolean;
  /** Reject X-Sdk-Date further than this from now; default 15 minutes, like the real gateway. */
  maxSkewMs?: number;
  /**
   * The real timing of OTC jobs: an accepted job may sit in INIT for a while, and until it runs the resource reads
   * exactly as before (an ECS server `ACTIVE` with `task_state: null`, a volume `available`). Polls during the hold
   * do not move the job. Default 0: the job starts at once (its effect shows on the next read).
   */
  jobInitHoldMs?: number;
  /**
   * A started job finishes by itself this long after it started, whether or not anyone polls it (a client that
   * lost the job id after a crash never polls). Default: only polls move it (`pollsUntilDone`).
   */
  jobRunMs?: number;
  /**
   * The simulated cloud's clock (epoch ms): live billing, the RDS 7-day restart and job timing run on it, so a
   * replay on a virtual clock sees them without waiting. Default: real time.
   */
  now?: () => number;
  /** How long OTC keeps an RDS instance stopped before it starts it by itself; default 7 days. */
  rdsMaxStoppedMs?: number;
}

/** The simulator's clock. */
export function simNow(ctx: SimContext): number {
  return (ctx.opts.now ?? Date.now)();
}

export interface SimContext {
  world: SimWorld;
  opts: OtcSimOptions;
  /** Requests per route name, e.g. "ECS.list" — tests and benches count calls with it. */
  counts: Map<string, number>;
}

/** A matched route: its name (for counters) and the handler. */
export interface Route {
  name: string;
  handle: (body: string) => Response | Promise<Response>;
}

export const json = (data: unknown, status = 200, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json", ...headers } });

/** ECS / EVS error body. */
export const ecsError = (status: number, code: string, message: string): Response => json({ error: { code, message } }, status);
/** RDS error body. */
export const rdsError = (status: number, code: string, message: string): Response => json({ error_code: code, error_msg: message }, status);
/** CCE error body (carries both spellings CCE uses). */
export const cceError = (status: number, code: string, message: string): Response =>
  json({ errorCode: code, errorMessage: message, error_code: code, error_msg: message }, status);
/** IAM (Keystone) error body. */
export const iamError = (status: number, title: string, message: string): Response => json({ error: { code: status, title, message } }, status);
/** API gateway error body (authentication happens at the gateway, before the service). */
export const gatewayError = (status: number, code: string, message: string): Response =>
  json({ error_code: code, error_msg: message, request_id: randomUUID().replace(/-/g, "") }, status);

export function parseJson(body: string): any {
  try {
    return body === "" ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function intParam(url: URL, name: string, fallback: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs.

/**
 * What a job does to the world, kept beside the job (SimJob stays the shared contract): `onStart` is what shows on
 * the resource while the job runs (ECS `task_state`, EVS `deleting`), `onSuccess`/`onFail` its end.
 */
interface JobEffect {
  onStart?: () => void;
  onSuccess: () => void;
  onFail?: () => void;
}
const effects = new WeakMap<SimJob, JobEffect & { startedAt?: number; ctx: SimContext }>();
/** Which route family may read a job: v1 (ECS/EVS), rds (RDS v3), cce (node pool reads). */
const families = new WeakMap<SimJob, "v1" | "rds" | "cce">();
/** Jobs not yet finished, per world, so time-driven progress does not walk every job ever created. */
const open = new WeakMap<SimWorld, Set<SimJob>>();

export function failureFor(ctx: SimContext, action: string, resourceId: string, tags: Record<string, string>) {
  const tagged = tags.ot3c_sim_fail;
  if (tagged !== undefined) return { failReason: tagged || `${action} refused by the simulated cloud`, errorCode: "SIM.0001" };
  return ctx.opts.failJob?.(action, resourceId);
}

export function createJob(
  ctx: SimContext,
  family: "v1" | "rds" | "cce",
  type: string,
  entities: string[],
  effect: JobEffect,
  failure?: { failReason: string; errorCode?: string },
): SimJob {
  const job: SimJob = {
    id: family === "v1" ? randomUUID().replace(/-/g, "") : randomUUID(),
    type,
    status: "INIT",
    entities,
    failReason: failure?.failReason,
    errorCode: failure?.errorCode,
    pollsUntilDone: Math.max(1, ctx.opts.pollsUntilDone ?? 2),
    createdAt: simNow(ctx),
  };
  effects.set(job, { ...effect, ctx });
  families.set(job, family);
  ctx.world.jobs.set(job.id, job);
  let set = open.get(ctx.world);
  if (!set) open.set(ctx.world, (set = new Set()));
  set.add(job);
  if ((ctx.opts.jobInitHoldMs ?? 0) <= 0) start(job);
  return job;
}

export function jobFamily(job: SimJob): "v1" | "rds" | "cce" | undefined {
  return families.get(job);
}

function start(job: SimJob): void {
  const e = effects.get(job);
  if (!e || e.startedAt !== undefined) return;
  e.startedAt = simNow(e.ctx);
  e.onStart?.();
}

function finish(job: SimJob): void {
  const e = effects.get(job);
  if (job.failReason) {
    e?.onFail?.();
    job.status = "FAIL";
  } else {
    e?.onSuccess();
    job.status = "SUCCESS";
  }
  if (e) open.get(e.ctx.world)?.delete(job);
}

/** Moves jobs on by time: INIT holds end, and started jobs finish after `jobRunMs`. Runs before every request. */
export function progressJobs(ctx: SimContext): void {
  const set = open.get(ctx.world);
  if (!set || set.size === 0) return;
  const now = simNow(ctx);
  const hold = ctx.opts.jobInitHoldMs ?? 0;
  for (const job of [...set]) {
    const e = effects.get(job)!;
    if (e.startedAt === undefined && now - job.createdAt >= hold) {
      start(job);
      job.status = "RUNNING";
    }
    if (e.startedAt !== undefined && ctx.opts.jobRunMs !== undefined && now - e.startedAt >= ctx.opts.jobRunMs) finish(job);
  }
}

/** One poll: INIT (held: unchanged) → RUNNING → (after enough polls) SUCCESS with its effect applied, or FAIL. */
export function advanceJob(job: SimJob): SimJob {
  if (job.status === "SUCCESS" || job.status === "FAIL") return job;
  if (effects.get(job)?.startedAt === undefined) return job; // still held in INIT: polls do not move it
  job.pollsUntilDone--;
  job.status = "RUNNING";
  if (job.pollsUntilDone <= 0) finish(job);
  return job;
}
