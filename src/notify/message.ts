/**
 * What owners read: one subject and plain-text body per event. Deadlines are printed as absolute UTC timestamps
 * plus a countdown, and every mail says how to stop the termination (veto / postpone) before it happens.
 */
import type { StoredPlanItem } from "../store/store.ts";

export type NotificationKind = "planned" | "reminder" | "executed" | "cancelled" | "failed" | "gone";

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

function utc(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

function what(item: StoredPlanItem): string {
  const names = item.resources.map((r) => (r.name ? `${r.kind} ${r.name} (${r.id})` : `${r.kind} ${r.id}`));
  return names.length ? names.join(", ") : item.vrId;
}

export function itemMessage(kind: NotificationKind, item: StoredPlanItem, now: number, project: string): Message {
  const verb = item.action === "stop" ? "stop" : "delete";
  const past = item.action === "stop" ? "stopped" : "deleted";
  const head = `[ot3c ${project}]`;
  const howToStop =
    `To keep it: ot3c veto ${item.id} --reason "why"   (or postpone: ot3c postpone ${item.id} --by 24h)\n` +
    `To allow it now: ot3c approve ${item.id}`;
  const facts = [
    `Plan item:   ${item.id}`,
    `Resource:    ${item.vrId}`,
    `Affects:     ${what(item)}`,
    `Action:      ${verb}`,
    `Deadline:    ${utc(item.deadline)} (in ${formatCountdown(item.deadline - now)})`,
    `Saves:       ${item.tsave.toFixed(2)} (forecast, this billing period)`,
    `Reason:      ${item.reason}`,
  ].join("\n");
  switch (kind) {
    case "planned":
      return {
        subject: `${head} ${item.vrId} will be ${past} at ${utc(item.deadline)} (in ${formatCountdown(item.deadline - now)})`,
        text: `ot3c plans to ${verb} a resource you own, to keep the project within its budget.\n\n${facts}\n\n${howToStop}\n`,
      };
    case "reminder":
      return {
        subject: `${head} Reminder: ${item.vrId} will be ${past} in ${formatCountdown(item.deadline - now)} (${utc(item.deadline)})`,
        text: `Reminder: the ${verb} below is due soon.\n\n${facts}\n\n${howToStop}\n`,
      };
    case "executed":
      return item.dryRun
        ? { subject: `${head} Dry run: ${item.vrId} would have been ${past}`, text: `enforce is off, so nothing was changed.\n\n${facts}\n` }
        : { subject: `${head} ${item.vrId} was ${past}`, text: `ot3c ${past} the resource below.\n\n${facts}\n` };
    case "cancelled":
      return { subject: `${head} Cancelled: ${item.vrId} will not be ${past}`, text: `The termination was cancelled: ${item.error ?? "no longer needed"}.\n\n${facts}\n` };
    case "gone":
      return { subject: `${head} ${item.vrId} disappeared before its deadline`, text: `The resource was removed by someone else; nothing to do.\n\n${facts}\n` };
    case "failed":
      return { subject: `${head} FAILED to ${verb} ${item.vrId}`, text: `The ${verb} failed: ${item.error ?? "unknown error"}\n\n${facts}\n` };
  }
}

export function alertMessage(message: string, project: string): Message {
  return { subject: `[ot3c ${project}] ALERT: ${message.slice(0, 120)}`, text: `${message}\n` };
}
