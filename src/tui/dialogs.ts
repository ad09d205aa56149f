/**
 * What each dangerous action asks before it is sent: pure builders of the modal models, so the wording and the
 * command that a dialog will send can be tested without rendering. Every dialog opens with Cancel focused.
 *
 * A dialog acts on one item or on the items marked with Space; either way it lists every item with every member
 * (kind, name, id, prio or "untagged", owner, saving), so what will be deleted is named, not only a `GR_[…]` id.
 */
import { pastOf } from "../engine/parking/execute.ts";
import type { ActorSource, EngineCommand, EngineSnapshot, PlanItem, ResourceUnit } from "../engine/types.ts";
import type { ConfirmModel } from "./components/Modals.tsx";
import { countdown, formatDuration, money, prioText, unitsOf, zonedTime, zonedTimeSeconds } from "./format.ts";
import { memberLines, memberSummary, planMembers } from "../format/members.ts";

export type Modal =
  | { kind: "help"; scroll: number }
  | { kind: "details"; itemId: string; scroll: number }
  | { kind: "resource"; unitId: string; scroll: number }
  | { kind: "event"; key: string; scroll: number }
  | { kind: "confirm"; model: ConfirmModel; command: EngineCommand; label: string; scroll: number }
  | { kind: "prompt"; purpose: "filter" | "command" | "veto" | "approveAll"; text: string; itemIds?: string[] }
  | { kind: "postpone"; itemIds: string[]; index: number };

export const POSTPONE_CHOICES_MS = [3_600_000, 4 * 3_600_000, 12 * 3_600_000, 86_400_000, 3 * 86_400_000, 7 * 86_400_000];

/** The exact text the operator must type before everything pending is approved. */
export const APPROVE_ALL_PHRASE = "approve all";

export interface Actor {
  actor: string;
  source: ActorSource;
}

/** What the dialogs need from the snapshot: units by id (for names and members), forecasts, currency, zone. */
export interface DialogContext {
  snap: EngineSnapshot;
  units: Map<string, ResourceUnit>;
}

/** "worker-005" when the resource has a name, else its id. */
export function itemLabel(item: PlanItem, units: Map<string, ResourceUnit>): string {
  const name = units.get(item.vrId)?.name;
  return name && name !== item.vrId ? name : item.vrId;
}

function effectLine(snap: EngineSnapshot, items: PlanItem[]): string {
  const verbs = [...new Set(items.map((i) => pastOf(i.action)))].join("/");
  return snap.mode === "ENFORCE"
    ? `ENFORCE: ${items.length === 1 ? "this" : `these ${items.length}`} will really be ${verbs} at the deadline.`
    : `DRY-RUN: the engine only records what it would ${[...new Set(items.map((i) => i.action))].join("/")}; nothing is touched.`;
}

/** One item: headline, timing, then every member on its own line. */
export function itemLines(ctx: DialogContext, item: PlanItem, now: number): string[] {
  const { currency, tz } = unitsOf(ctx.snap);
  const members = planMembers(item, ctx.units, ctx.snap.forecasts);
  return [
    `${item.id}: ${item.action} ${itemLabel(item, ctx.units)} (${memberSummary(members) || "no members known"})  prio ${prioText(item.prio)}  owner ${item.owner ?? "-"}`,
    `  saving ${money(item.tsave, currency)} · deadline ${zonedTime(item.deadline, tz)} (${countdown(item.deadline, now)} left)`,
    ...memberLines(members, currency, "  - "),
  ];
}

function manyLines(ctx: DialogContext, items: PlanItem[], now: number): string[] {
  const { currency } = unitsOf(ctx.snap);
  const head = items.length > 1 ? [`${items.length} items, saving ${money(items.reduce((s, i) => s + i.tsave, 0), currency)} in total:`] : [];
  return [...head, ...items.flatMap((i) => itemLines(ctx, i, now))];
}

function titleFor(verb: string, ctx: DialogContext, items: PlanItem[]): string {
  return items.length === 1 ? `${verb} ${itemLabel(items[0]!, ctx.units)}?` : `${verb} ${items.length} marked items?`;
}

export function approveDialog(ctx: DialogContext, items: PlanItem[], now: number, who: Actor): Modal {
  return {
    kind: "confirm",
    scroll: 0,
    label: `approve ${items.map((i) => i.id).join(" ")}`,
    command: { type: "approve", ids: items.map((i) => i.id), ...who },
    model: {
      title: titleFor("Approve termination of", ctx, items),
      lines: [effectLine(ctx.snap, items), ...manyLines(ctx, items, now)],
      confirmLabel: "Approve",
      focus: "cancel",
      dangerous: true,
    },
  };
}

export function vetoDialog(ctx: DialogContext, items: PlanItem[], reason: string, now: number, who: Actor): Modal {
  return {
    kind: "confirm",
    scroll: 0,
    label: `veto ${items.map((i) => i.id).join(" ")}`,
    command: { type: "veto", ids: items.map((i) => i.id), reason, ...who },
    model: {
      title: titleFor("Veto termination of", ctx, items),
      lines: [`reason: ${reason}`, "The resources stay; the planner will look for other savings.", ...manyLines(ctx, items, now)],
      confirmLabel: "Veto",
      focus: "cancel",
      dangerous: false,
    },
  };
}

export function postponeDialog(ctx: DialogContext, items: PlanItem[], byMs: number, now: number, who: Actor): Modal {
  const { tz } = unitsOf(ctx.snap);
  return {
    kind: "confirm",
    scroll: 0,
    label: `postpone ${items.map((i) => i.id).join(" ")}`,
    command: { type: "postpone", ids: items.map((i) => i.id), byMs, ...who },
    model: {
      title: `Postpone by ${formatDuration(byMs)}: ${items.length === 1 ? itemLabel(items[0]!, ctx.units) : `${items.length} marked items`}?`,
      lines: [
        ...items.map((i) => `${i.id}: new deadline ${zonedTime(i.deadline + byMs, tz)} (${countdown(i.deadline + byMs, now)} left)`),
        ...manyLines(ctx, items, now),
      ],
      confirmLabel: "Postpone",
      focus: "cancel",
      dangerous: true,
    },
  };
}

/**
 * `R` in the Parked view: the same `resume` command `ot3c resume ITEM` sends. Lists every resource the park item
 * holds (a group parks several) with when it would otherwise come back; opens on Cancel.
 */
export function resumeDialog(ctx: DialogContext, itemId: string, now: number, who: Actor): Modal {
  const { tz } = unitsOf(ctx.snap);
  const held = (ctx.snap.parking?.parked ?? []).filter((p) => p.itemId === itemId);
  const dry = held.some((p) => p.dryRun);
  const first = held[0];
  return {
    kind: "confirm",
    scroll: 0,
    label: `resume ${itemId}`,
    command: { type: "resume", ids: [itemId], ...who },
    model: {
      title: `Resume ${first ? first.name : itemId} now?`,
      lines: [
        dry
          ? "DRY-RUN park: nothing was stopped; the engine only records that it would start it."
          : `ot3c starts ${held.length === 1 ? "it" : `these ${held.length}`} at its next tick (a node pool goes back to its former node count); it bills again from then on.`,
        "What someone else started or deleted meanwhile is left alone.",
        `item ${itemId}${first ? `: ${first.why}` : ""}`,
        ...held.map(
          (p) =>
            `  - ${p.kind} ${p.name}  id ${p.id}  since ${zonedTime(p.since, tz)}  otherwise back ${p.backAt !== undefined ? zonedTime(p.backAt, tz) : "?"} (${countdown(p.backAt ?? now, now)})${p.note ? `  note: ${p.note}` : ""}`,
        ),
      ],
      confirmLabel: "Resume",
      focus: "cancel",
      dangerous: true,
    },
  };
}

export function approveAllPrompt(pending: PlanItem[]): Modal {
  return { kind: "prompt", purpose: "approveAll", text: "", itemIds: pending.map((p) => p.id) };
}

export function approveAllLines(ctx: DialogContext, pending: PlanItem[], now: number): string[] {
  const { currency } = unitsOf(ctx.snap);
  const saving = pending.reduce((s, p) => s + p.tsave, 0);
  return [
    `Approve ALL ${pending.length} pending terminations (saving ${money(saving, currency)})?`,
    ctx.snap.mode === "ENFORCE" ? "ENFORCE: every one of them will really be parked/deleted at its deadline." : "DRY-RUN: nothing is touched.",
    `Type "${APPROVE_ALL_PHRASE}" and press Enter to confirm; anything else cancels.`,
    ...pending.flatMap((i) => itemLines(ctx, i, now)),
  ];
}

export function detailLines(ctx: DialogContext, item: PlanItem, now: number): string[] {
  const { tz } = unitsOf(ctx.snap);
  const lines = [
    ...itemLines(ctx, item, now),
    `state ${item.state}  created ${zonedTime(item.createdAt, tz)}  updated ${zonedTime(item.updatedAt, tz)}`,
    `planned for ${zonedTime(item.tdate, tz)}${item.tasap ? " (as soon as grace allows)" : ""}`,
    `resource ${item.vrId}`,
    `reason: ${item.reason}`,
  ];
  if (item.approvedBy) lines.push(`approved by ${item.approvedBy}`);
  if (item.vetoReason) lines.push(`veto reason: ${item.vetoReason}`);
  if (item.error) lines.push(`error: ${item.error}`);
  const related = ctx.snap.events.filter((e) => e.itemId === item.id).sort((a, b) => b.at - a.at);
  if (related.length) lines.push("history:");
  for (const e of related.slice(0, 6)) lines.push(`  ${zonedTimeSeconds(e.at, tz)} ${e.action} by ${e.actor}@${e.source}${e.detail ? " — " + e.detail : ""}`);
  return lines;
}

/** The resource detail view: what the unit is, its tags, its members, and why it is treated specially. */
export function resourceLines(ctx: DialogContext, unit: ResourceUnit): string[] {
  const { currency } = unitsOf(ctx.snap);
  const f = ctx.snap.forecasts[unit.id];
  const lines = [
    `${unit.kind} ${unit.name || "(no name)"}  id ${unit.id}`,
    `prio ${unit.managed === false ? "untagged (unmanaged)" : prioText(unit.prio)}  owner ${unit.owner ?? "-"}${unit.group ? `  group ${unit.group}` : ""}`,
  ];
  if (f) lines.push(`cost so far ${money(f.costSoFar, currency)} · month-end P50 ${money(f.monthEnd.p50, currency)} (P10 ${money(f.monthEnd.p10, currency)}, P90 ${money(f.monthEnd.p90, currency)})`);
  if (unit.stopShare !== undefined) lines.push(`a stop ends about ${Math.round(unit.stopShare * 100)}% of its daily cost (storage keeps billing)`);
  if (unit.note) lines.push(`note: ${unit.note}`);
  if (unit.managed === false) lines.push("note: never planned for termination; its spend counts as baseline");
  const r = unit.resource;
  if (r) {
    lines.push(`status ${r.status}${r.flavor ? `  flavor ${r.flavor}` : ""}${r.createdAt ? `  created ${r.createdAt}` : ""}`);
    if (r.attachedVolumeIds?.length) lines.push(`volumes ${r.attachedVolumeIds.join(", ")}`);
    if (r.attachedServerIds?.length) lines.push(`attached to ${r.attachedServerIds.join(", ")}`);
    if (r.clusterId) lines.push(`cluster ${r.clusterId}`);
  }
  const tags = Object.entries(unit.tags ?? {});
  lines.push(tags.length ? `tags: ${tags.map(([k, v]) => `${k}=${v}`).join("  ")}` : "tags: none");
  if (unit.members.length) {
    lines.push(`members (${unit.members.length}):`);
    for (const m of unit.members) {
      const mf = ctx.snap.forecasts[m.id];
      lines.push(
        `  - ${m.kind} ${m.name || "(no name)"}  id ${m.id}  prio ${m.managed === false ? "untagged" : prioText(m.prio)}  owner ${m.owner ?? "-"}` +
          (mf ? `  P50 ${money(mf.monthEnd.p50, currency)}` : ""),
      );
    }
  }
  const items = ctx.snap.plan.filter((p) => p.vrId === unit.id);
  for (const p of items) lines.push(`plan item ${p.id}: ${p.action} ${p.state}`);
  return lines;
}

/** One status line for a command result: "✔ approved p-1" or "✖ p-1: not pending". */
export function resultText(label: string, res: { ok: boolean; results: Array<{ id: string; ok: boolean; message: string }> }, okGlyph: string, failGlyph: string): string {
  const failed = res.results.filter((r) => !r.ok);
  if (res.ok && failed.length === 0) return `${okGlyph} ${label}: done${res.results.length > 1 ? ` (${res.results.length} items)` : ""}`;
  const first = failed[0];
  const detail = first ? `${first.id}: ${first.message}` : "refused";
  return `${failGlyph} ${label} failed — ${detail}${failed.length > 1 ? ` (+${failed.length - 1} more)` : ""}`;
}
