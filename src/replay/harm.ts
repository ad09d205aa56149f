/**
 * The harm a replayed month did, read from the cloud's side (what reached it): deletions by kind, data deleted
 * without a copy that outlives it, the server-hours stopped (parks, schedules, stops) and node-pool hours parked
 * at 0 nodes — the figures that let
 * `ot3c replay --ladder` compare delete-only with the ladder of actions.
 */
import type { BillingPeriod, CloudResource } from "../engine/types.ts";
import type { ReplayCloud } from "../sim/replay/cloud.ts";
import type { ReplayHarm } from "./report.ts";

const H = 3_600_000;

export function harmOf(cloud: ReplayCloud, resources: CloudResource[], period: BillingPeriod): ReplayHarm {
  const harm: ReplayHarm = { serversDeleted: 0, volumesDeleted: 0, databasesDeleted: 0, nodePoolsDeleted: 0, dataDeletedWithoutCopy: 0, databasesDeletedWithoutCopy: 0, scheduledServersDeleted: 0, copies: cloud.copies.length, serverHoursStopped: 0, scheduledServerHours: 0, scheduledServers: 0, nodePoolHoursParked: 0 };
  for (const r of resources) {
    const deleted = cloud.deletedAt(r.id);
    if (deleted !== undefined) {
      if (r.kind === "ECS") harm.serversDeleted++;
      if (r.kind === "EVS") harm.volumesDeleted++;
      if (r.kind === "RDS") harm.databasesDeleted++;
      if (r.kind === "CCE") harm.nodePoolsDeleted++;
      const copied = cloud.copies.some((c) => c.resourceId === r.id && c.survivesDeletion && c.at <= deleted);
      if ((r.kind === "EVS" || r.kind === "RDS") && !copied) harm.dataDeletedWithoutCopy++;
      if (r.kind === "RDS" && !copied) harm.databasesDeletedWithoutCopy++;
      if (r.kind === "ECS" && r.tags.ot3c_schedule !== undefined) harm.scheduledServersDeleted++;
    }
    if (r.kind === "CCE") {
      for (const x of cloud.stopsOf(r.id)) harm.nodePoolHoursParked += Math.max(0, Math.min(x.until, period.end, deleted ?? Infinity) - Math.max(x.from, period.start)) / H;
    }
    if (r.kind !== "ECS") continue;
    const scheduled = r.tags.ot3c_schedule !== undefined;
    if (scheduled) harm.scheduledServers++;
    const end = Math.min(period.end, deleted ?? Infinity);
    for (const x of cloud.stopsOf(r.id)) {
      const hours = Math.max(0, Math.min(x.until, end) - Math.max(x.from, period.start)) / H;
      harm.serverHoursStopped += hours;
      if (scheduled) harm.scheduledServerHours += hours;
    }
  }
  harm.serverHoursStopped = Math.round(harm.serverHoursStopped);
  harm.scheduledServerHours = Math.round(harm.scheduledServerHours);
  harm.nodePoolHoursParked = Math.round(harm.nodePoolHoursParked);
  return harm;
}
