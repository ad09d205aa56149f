/**
 * What happens on the simulated cloud by itself, with time: run before every request, so that the request sees
 * (and is billed for) the world as it is on the simulator's clock.
 *
 * 1. RDS instances stopped longer than `rdsMaxStoppedMs` (default 7 days) start again — in order of their due
 *    instants, each billed as stopped up to that instant and as running after it.
 * 2. With live billing on (`world.meter`), the time since the last request is charged (billing.ts).
 */
import { accrue } from "./billing.ts";
import { simNow, type SimContext } from "./common.ts";

export const RDS_MAX_STOPPED_MS = 7 * 86_400_000;

export function settle(ctx: SimContext): void {
  const { world } = ctx;
  const now = simNow(ctx);
  const maxStopped = ctx.opts.rdsMaxStoppedMs ?? RDS_MAX_STOPPED_MS;
  const due: Array<{ at: number; id: string }> = [];
  for (const i of world.rds.values()) {
    if (i.status === "SHUTDOWN" && i.stoppedAt !== undefined && i.stoppedAt + maxStopped <= now) due.push({ at: i.stoppedAt + maxStopped, id: i.id });
  }
  due.sort((a, b) => a.at - b.at);
  for (const { at, id } of due) {
    accrue(world, at);
    const i = world.rds.get(id)!;
    i.status = "ACTIVE";
    i.stoppedAt = undefined;
  }
  accrue(world, now);
}
