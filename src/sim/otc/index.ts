/**
 * The simulated Open Telekom Cloud (IAM, ECS, EVS, CCE, RDS and their job APIs) as request handlers over a
 * `SimWorld`, so one `Bun.serve` can mount every simulator: `otcSimRoutes(world)(req, url)` answers OTC paths and
 * returns undefined for anything else.
 *
 * Like the real API gateway it checks every AK/SK signature (401 `APIGW.0301` otherwise) before a service sees the
 * request; faults (5xx, 429, slow, truncated bodies) are injected around the whole exchange. Mutations are counted
 * in `world.mutations` (`ECS.delete:<id>` …) at the moment they are called, whatever their outcome.
 */
import type { FaultInjector } from "../faults.ts";
import type { SimWorld } from "../world.ts";
import { checkSignature } from "./auth.ts";
import { cceRoute } from "./cce.ts";
import { progressJobs, type OtcSimOptions, type Route, type SimContext } from "./common.ts";
import { ecsRoute } from "./ecs.ts";
import { evsRoute } from "./evs.ts";
import { iamRoute } from "./iam.ts";
import { jobsRoute } from "./jobs.ts";
import { rdsRoute } from "./rds.ts";

export type { OtcSimOptions } from "./common.ts";

export type OtcSimHandler = ((req: Request, url: URL) => Promise<Response | undefined>) & {
  /** Requests per route name ("ECS.list", "EVS.delete", "JOBS.v1", …), counted after authentication. */
  counts: Map<string, number>;
};

function match(ctx: SimContext, method: string, url: URL): Route | undefined {
  const seg = url.pathname.split("/").filter(Boolean);
  return (
    iamRoute(ctx, method, seg, url) ??
    ecsRoute(ctx, method, seg, url) ??
    jobsRoute(ctx, method, seg, url) ??
    evsRoute(ctx, method, seg, url) ??
    cceRoute(ctx, method, seg) ??
    rdsRoute(ctx, method, seg, url)
  );
}

export function otcSimRoutes(world: SimWorld, faults?: FaultInjector, opts: OtcSimOptions = {}): OtcSimHandler {
  const ctx: SimContext = { world, opts, counts: new Map() };
  const handler = async (req: Request, url: URL): Promise<Response | undefined> => {
    const route = match(ctx, req.method.toUpperCase(), url);
    if (!route) return undefined;
    progressJobs(ctx);
    const serve = async (): Promise<Response> => {
      const body = await req.text();
      const denied = checkSignature(ctx, req, url, body);
      if (denied) return denied;
      ctx.counts.set(route.name, (ctx.counts.get(route.name) ?? 0) + 1);
      return route.handle(body);
    };
    return faults ? faults.apply(req, () => serve()) : serve();
  };
  return Object.assign(handler, { counts: ctx.counts });
}
