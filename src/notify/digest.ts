/**
 * The owner digest (`notify.digest: daily`, issue #18): one mail per owner per day covering every project and
 * every item — what is planned against their resources (with deadlines, so they can still veto or postpone) and
 * what happened to their items in the last 24 hours — instead of one mail per item and event.
 *
 * What stays immediate even with the digest: the **reminder** before each deadline (the contractual last word
 * before a resource goes; `notify.reminder-before`), alerts to `notify.default-owner`, and the webhook (machines
 * get every event as it happens). So an owner learns of a termination at the latest when its reminder goes out,
 * exactly as without the digest.
 *
 * Built from the store's items, not from a queue: a restart loses nothing, and the notifications table's claim on
 * `digest:<day>:<address>` makes the digest go out once per owner and day across restarts.
 */
import { dayStart, isoDay, zoneOffsetMs } from "../engine/period.ts";
import type { PlanState } from "../engine/types.ts";
import type { StoredPlanItem } from "../store/store.ts";
import { formatCountdown, label, type Message } from "./message.ts";

export const DIGEST_TIME_ZONE = "Europe/Berlin";
const DAY_MS = 86_400_000;
const OPEN: PlanState[] = ["PENDING", "APPROVED", "EXECUTING"];

/** The digest day of `now` and when its digest is due (`at`, "HH:MM" Europe/Berlin). */
export function digestSlot(now: number, at: string): { day: string; dueAt: number } {
  const day = isoDay(now, DIGEST_TIME_ZONE);
  const [h, m] = at.split(":").map(Number) as [number, number];
  const midnight = dayStart(day, DIGEST_TIME_ZONE);
  let due = midnight + (h * 60 + m) * 60_000;
  // A DST change between midnight and the digest time moves the wall clock by an hour.
  due -= zoneOffsetMs(due, DIGEST_TIME_ZONE) - zoneOffsetMs(midnight, DIGEST_TIME_ZONE);
  return { day, dueAt: due };
}

export interface OwnerDigest {
  to: string;
  /** Open items (PENDING, APPROVED, EXECUTING), soonest deadline first. */
  open: StoredPlanItem[];
  /** Items that ended (DONE, FAILED, CANCELLED, VETOED, GONE) in the 24 hours before the digest. */
  ended: StoredPlanItem[];
}

/**
 * One digest per address: the items whose owner resolves to it (items without a usable owner go to the default
 * owner, as their per-item mails would). Owners with nothing open and nothing ended get none.
 */
export function ownerDigests(items: StoredPlanItem[], dueAt: number, recipientOf: (item: StoredPlanItem) => string | undefined): OwnerDigest[] {
  const by = new Map<string, OwnerDigest>();
  for (const item of items) {
    const open = OPEN.includes(item.state);
    const ended = !open && item.updatedAt > dueAt - DAY_MS && item.updatedAt <= dueAt;
    if (!open && !ended) continue;
    const to = recipientOf(item);
    if (!to) continue;
    let d = by.get(to);
    if (!d) by.set(to, (d = { to, open: [], ended: [] }));
    (open ? d.open : d.ended).push(item);
  }
  for (const d of by.values()) {
    d.open.sort((a, b) => a.deadline - b.deadline || (a.id < b.id ? -1 : 1));
    d.ended.sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1));
  }
  return [...by.values()].sort((a, b) => (a.to < b.to ? -1 : 1));
}

function projectOf(item: StoredPlanItem, fallback: string): string {
  const names = [...new Set(item.resources.map((r) => (r.projectName ? `${r.projectName}${r.region ? ` (${r.region})` : ""}` : undefined)).filter(Boolean))];
  return names.length ? names.join(", ") : fallback;
}

const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");

/**
 * The digest mail. The subject holds only counts and the configured instance name (nothing a cloud returned);
 * resource names are in the body, grouped by project.
 */
export function digestMessage(d: OwnerDigest, now: number, ctx: { project: string; day: string; currency?: string }): Message {
  const currency = ctx.currency ?? "EUR";
  const head = `[ot3c ${ctx.project}]`;
  const subject = `${head} Daily digest ${ctx.day}: ${d.open.length} planned, ${d.ended.length} ended`;
  const lines: string[] = [`Your resources in ot3c's plan (all projects), as of ${utc(now)}.`, ""];
  const section = (title: string, items: StoredPlanItem[], line: (i: StoredPlanItem) => string) => {
    if (items.length === 0) return;
    lines.push(title);
    const byProject = new Map<string, StoredPlanItem[]>();
    for (const i of items) {
      const p = projectOf(i, ctx.project);
      byProject.set(p, [...(byProject.get(p) ?? []), i]);
    }
    for (const [p, list] of [...byProject].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`  Project ${p}:`);
      for (const i of list) lines.push(`    ${line(i)}`);
    }
    lines.push("");
  };
  section("Planned (act before the deadline):", d.open, (i) =>
    `${i.id}  ${i.action} ${label(i)}  ${i.state}  deadline ${utc(i.deadline)} (in ${formatCountdown(i.deadline - now)})  saves ${i.tsave.toFixed(2)} ${currency}`,
  );
  section("Ended in the last 24 hours:", d.ended, (i) => `${i.id}  ${i.action} ${label(i)}  ${i.state}${i.dryRun ? " (dry run)" : ""}${i.error ? `: ${i.error}` : ""}`);
  if (d.open.length) {
    lines.push(
      "To keep one:       ot3c veto ID --reason \"why\"   (or ask your ot3c operator)",
      "To get more time:  ot3c postpone ID --by 24h",
      "A reminder still comes before each deadline.",
      "",
    );
  }
  return { subject, text: lines.join("\n") };
}
