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
   * The simulated cloud's clock (epoch ms): live billing and the RDS 7-day restart run on it, so a replay on a
   * virtual clock sees them without waiting. Default: real time.
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

/** What a finished job does to the world, kept beside the job (SimJob stays the shared contract). */
const effects = new WeakMap<SimJob, { onSuccess: () => void; onFail?: () => void }>();
/** Which route family may read a job: v1 (ECS/EVS), rds (RDS v3), cce (node pool reads). */
const families = new WeakMap<SimJob, "v1" | "rds" | "cce">();

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
  effect: { onSuccess: () => void; onFail?: () => void },
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
    createdAt: Date.now(),
  };
  effects.set(job, effect);
  families.set(job, family);
  ctx.world.jobs.set(job.id, job);
  return job;
}

export function jobFamily(job: SimJob): "v1" | "rds" | "cce" | undefined {
  return families.get(job);
}

/** One poll: INIT → RUNNING → (after enough polls) SUCCESS with its effect applied, or FAIL. */
export function advanceJob(job: SimJob): SimJob {
  if (job.status === "SUCCESS" || job.status === "FAIL") return job;
  job.pollsUntilDone--;
  job.status = "RUNNING";
  if (job.pollsUntilDone <= 0) {
    if (job.failReason) {
      effects.get(job)?.onFail?.();
      job.status = "FAIL";
    } else {
      effects.get(job)?.onSuccess();
      job.status = "SUCCESS";
    }
  }
  return job;
}
