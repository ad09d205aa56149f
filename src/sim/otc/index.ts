/**
 * The simulated T Cloud Public (IAM, ECS, EVS, CCE, RDS and their job APIs) as request handlers over a
 * `SimWorld`, so one `Bun.serve` can mount every simulator: `otcSimRoutes(world)(req, url)` answers OTC paths and
 * returns undefined for anything else.
 *
 * It refuses to serve a world whose tags break the services' documented rules (tag-rules.ts). Like the real API
 * gateway it checks every AK/SK signature (401 `APIGW.0301` otherwise) before a service sees the
 * request; faults (5xx, 429, slow, truncated bodies) are injected around the whole exchange. Mutations are counted
 * in `world.mutations` (`ECS.delete:<id>` …) at the moment they are called, whatever their outcome.
 *
 * Parking: ECS batch start, EVS snapshots, CCE node pool scaling and cluster hibernation, RDS start and manual
 * backups; with `startMeter(world, t)` (billing.ts) every state is billed into the world's cost records.
 */

export { startMeter } from "./billing.ts";
import type { FaultInjector } from "../faults.ts";
import type { SimWorld } from "../world.ts";
import { checkSignature } from "./auth.ts";
import { cceActionRoute } from "./cce-actions.ts";
import { cceRoute } from "./cce.ts";
import { progressJobs, type OtcSimOptions, type Route, type SimContext } from "./common.ts";
import { ecsRoute } from "./ecs.ts";
import { evsRoute } from "./evs.ts";
import { iamRoute } from "./iam.ts";
import { jobsRoute } from "./jobs.ts";
import { rdsBackupRoute } from "./rds-backups.ts";
import { rdsRoute } from "./rds.ts";
import { assertStorableTags } from "./tag-rules.ts";
import { settle } from "./settle.ts";
import { snapshotRoute } from "./snapshots.ts";

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
    snapshotRoute(ctx, method, seg, url) ??
    cceActionRoute(ctx, method, seg) ??
    cceRoute(ctx, method, seg) ??
    rdsRoute(ctx, method, seg, url) ??
    rdsBackupRoute(ctx, method, seg, url)
  );
}

export function otcSimRoutes(world: SimWorld, faults?: FaultInjector, opts: OtcSimOptions = {}): OtcSimHandler {
  // A world with tags the real services cannot store would test clients against data that cannot exist.
  assertStorableTags(world);
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
      // Time-driven changes (RDS restarting after 7 days stopped) and live billing up to now, before the request.
      settle(ctx);
      return route.handle(body);
    };
    return faults ? faults.apply(req, () => serve()) : serve();
  };
  return Object.assign(handler, { counts: ctx.counts });
}
