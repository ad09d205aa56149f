/**
 * `ot3c replay --ladder`: the same month twice, with the same budget — once with deletion as the only action, once
 * with the whole ladder (office-hours schedules, park, snapshot-delete, delete) — so the spend and the harm can be
 * compared side by side.
 *
 * The ladder run follows the schedule `office-hours` (Mon–Fri 07:00–19:00 Europe/Berlin) on the servers whose
 * history already idles at weekends (weekend days under half of weekdays over the last two weeks): the servers
 * whose owners would sign up for office hours. Databases are backed up before they are deleted
 * (`copy-before-delete`), parks come back at the next period start.
 */
import { compileActions, type CompiledActions } from "../engine/actions/index.ts";
import { addDays } from "../engine/period.ts";
import type { CloudResource, CostRecord } from "../engine/types.ts";
import type { ReplayReport } from "./report.ts";

export const OFFICE_HOURS = "office-hours";

export function deleteOnly(): CompiledActions {
  const c = compileActions({ schedules: {}, defaultLimit: "delete", copyBeforeDelete: false, resume: "period-start" });
  return { ...c, ladder: { ...c.ladder, only: ["delete"] } };
}

export function fullLadder(): CompiledActions {
  return compileActions({
    schedules: { [OFFICE_HOURS]: { timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }] } },
    defaultLimit: "delete",
    copyBeforeDelete: true,
    resume: "period-start",
  });
}

/** Servers whose last two weeks of history idle at weekends get `ot3c_schedule=office-hours`. */
export function withOfficeHours(resources: CloudResource[], history: CostRecord[]): CloudResource[] {
  const last = history.reduce((m, c) => (c.date > m ? c.date : m), "0000-00-00");
  const since = addDays(last, -13);
  const weekday = new Map<string, number>();
  const weekend = new Map<string, number>();
  for (const c of history) {
    if (c.date < since) continue;
    const wd = new Date(`${c.date}T12:00:00Z`).getUTCDay();
    const m = wd === 0 || wd === 6 ? weekend : weekday;
    m.set(c.resourceId, (m.get(c.resourceId) ?? 0) + c.amount);
  }
  return resources.map((r) => {
    if (r.kind !== "ECS" || r.prepaid) return r;
    const wd = (weekday.get(r.id) ?? 0) / 10;
    const we = (weekend.get(r.id) ?? 0) / 4;
    return wd > 0 && we < 0.5 * wd ? { ...r, tags: { ...r.tags, ot3c_schedule: OFFICE_HOURS } } : r;
  });
}

export interface LadderComparison {
  deleteOnly: ReplayReport;
  ladder: ReplayReport;
}

const fmt = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function renderLadderText(c: LadderComparison): string {
  const a = c.deleteOnly;
  const b = c.ladder;
  const row = (label: string, x: string | number, y: string | number) => `${label.padEnd(38)}${String(x).padStart(14)}${String(y).padStart(14)}`;
  return [
    `Replay ${a.label}: period ${a.period.start} … ${a.period.end}, ${a.resources} resources, planner ${a.planner}, budget ${fmt(a.budget)} ${a.currency}`,
    `(untouched month-end ${fmt(a.untouchedMonthEnd)} ${a.currency})`,
    "",
    row("", "delete-only", "ladder"),
    row("month-end spend", fmt(a.monthEnd), fmt(b.monthEnd)),
    row("over budget", fmt(a.overBudget), fmt(b.overBudget)),
    row("servers deleted", a.harm.serversDeleted, b.harm.serversDeleted),
    row("volumes deleted", a.harm.volumesDeleted, b.harm.volumesDeleted),
    row("databases deleted", a.harm.databasesDeleted, b.harm.databasesDeleted),
    row("node pools deleted", a.harm.nodePoolsDeleted, b.harm.nodePoolsDeleted),
    row("data deleted without a copy", a.harm.dataDeletedWithoutCopy, b.harm.dataDeletedWithoutCopy),
    row("server-hours stopped", a.harm.serverHoursStopped, b.harm.serverHoursStopped),
    row("  of servers on office hours", a.harm.scheduledServerHours, b.harm.scheduledServerHours),
    row("servers on office hours", a.harm.scheduledServers, b.harm.scheduledServers),
    row("node-pool hours parked (0 nodes)", a.harm.nodePoolHoursParked, b.harm.nodePoolHoursParked),
    row("parked past the period start", a.parkedPastResume.length, b.parkedPastResume.length),
    row("violations", a.violations.length, b.violations.length),
    "",
  ].join("\n");
}
