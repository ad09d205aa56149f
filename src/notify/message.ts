/**
 * What owners read: one subject and plain-text body per event. Deadlines are printed as absolute UTC timestamps
 * plus a countdown, and every mail says how to stop the termination (veto / postpone) before it happens.
 */
import { pastOf } from "../engine/parking/execute.ts";
import type { StoredPlanItem } from "../store/store.ts";

export type NotificationKind = "planned" | "reminder" | "executed" | "cancelled" | "failed" | "gone" | "resumed";

export interface Message {
  subject: string;
  text: string;
}

export function formatCountdown(ms: number): string {
  if (ms <= 0) return "now";
  const min = Math.round(ms / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m || (!d && !h) ? `${m}m` : ""].filter(Boolean);
  return parts.join(" ");
}

const berlin = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "short", hourCycle: "h23" });

function utc(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

/** UTC plus the dashboard's (and most owners') local time. */
function when(ms: number): string {
  return `${utc(ms)} (${berlin.format(new Date(ms))} Europe/Berlin)`;
}

function what(item: StoredPlanItem): string {
  const names = item.resources.map((r) => (r.name ? `${r.kind} ${r.name} (${r.id})` : `${r.kind} ${r.id}`));
  return names.length ? names.join(", ") : item.vrId;
}

/** Short name for subjects: the first resource by name, and how many more go with it. */
export function label(item: StoredPlanItem): string {
  const first = item.resources[0];
  if (!first) return item.vrId;
  const more = item.resources.length - 1;
  return `${first.kind} ${first.name || first.id}${more > 0 ? ` (+${more} more)` : ""}`;
}

export interface MessageContext {
  project: string;
  currency?: string;
  /** With "required", nothing happens at the deadline unless someone approves: the planned mail says so. */
  approval?: "none" | "required";
}

export function itemMessage(kind: NotificationKind, item: StoredPlanItem, now: number, ctx: MessageContext | string): Message {
  const { project, currency = "EUR", approval = "none" } = typeof ctx === "string" ? { project: ctx } : ctx;
  // A park says when it comes back; a snapshot-delete that a backup is kept.
  const verb = item.action === "park" ? "park (stop until the next period)" : item.action === "snapshot-delete" ? "back up and delete" : item.action;
  const past = pastOf(item.action);
  const head = `[ot3c ${project}]`;
  const howToStop =
    `To keep it:      ot3c veto ${item.id} --reason "why"   (or ask your ot3c operator to veto item ${item.id})\n` +
    `To get more time: ot3c postpone ${item.id} --by 24h\n` +
    `To allow it now: ot3c approve ${item.id}`;
  const facts = [
    `Plan item:   ${item.id}`,
    `Resource:    ${item.vrId}`,
    `Affects:     ${what(item)}`,
    `Action:      ${verb}`,
    `Deadline:    ${when(item.deadline)}, in ${formatCountdown(item.deadline - now)}`,
    `Saves:       ${item.tsave.toFixed(2)} ${currency} (forecast, this billing period)`,
    `Reason:      ${item.reason}`,
  ].join("\n");
  switch (kind) {
    case "planned":
      return {
        subject: `${head} ${label(item)} will be ${past} at ${utc(item.deadline)} (in ${formatCountdown(item.deadline - now)})`,
        text:
          `ot3c plans to ${verb} a resource you own, to keep the project within its budget.` +
          (approval === "required" ? ` It happens only if someone approves it before or after the deadline.` : ` It happens at the deadline unless someone vetoes or postpones it.`) +
          `\n\n${facts}\n\n${howToStop}\n`,
      };
    case "reminder":
      return {
        subject: `${head} Reminder: ${label(item)} will be ${past} in ${formatCountdown(item.deadline - now)} (${utc(item.deadline)})`,
        text: `Reminder: the ${verb} below is due soon.\n\n${facts}\n\n${howToStop}\n`,
      };
    case "executed":
      return item.dryRun
        ? { subject: `${head} Dry run: ${label(item)} would have been ${past}`, text: `enforce is off, so nothing was changed.\n\n${facts}\n` }
        : { subject: `${head} ${label(item)} was ${past}`, text: `ot3c ${past} the resource below.\n\n${facts}\n` };
    case "cancelled":
      return { subject: `${head} Cancelled: ${label(item)} will not be ${past}`, text: `The termination was cancelled: ${item.error ?? "no longer needed"}.\n\n${facts}\n` };
    case "gone":
      return { subject: `${head} ${label(item)} disappeared before its deadline`, text: `The resource was removed by someone else; nothing to do.\n\n${facts}\n` };
    case "resumed": {
      const lines = (item.journal?.resume?.steps ?? []).map((s) => `  ${s.kind} ${s.resourceId}: ${s.outcome === "started" ? "started again" : s.outcome === "left-alone" ? "left alone" : "could not be started"}${s.note ? ` — ${s.note}` : ""}`);
      return {
        subject: `${head} ${item.dryRun ? "Dry run: " : ""}${label(item)} ${item.dryRun ? "would be" : "is"} back: its park ended`,
        text: `The park below ended.\n\n${lines.join("\n")}\n\n${facts}\n`,
      };
    }
    case "failed":
      return { subject: `${head} FAILED to ${verb} ${label(item)}`, text: `The ${verb} failed: ${item.error ?? "unknown error"}\n\n${facts}\n` };
  }
}

export function alertMessage(message: string, project: string): Message {
  return { subject: `[ot3c ${project}] ALERT: ${message.slice(0, 120)}`, text: `${message}\n` };
}
