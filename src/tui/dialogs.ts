/**
 * What each dangerous action asks before it is sent: pure builders of the modal models, so the wording and the
 * command that a dialog will send can be tested without rendering. Every dialog opens with Cancel focused.
 */
import { pastOf } from "../engine/parking/execute.ts";
import type { ActorSource, EngineCommand, EngineSnapshot, PlanItem } from "../engine/types.ts";
import type { ConfirmModel } from "./components/Modals.tsx";
import { countdown, formatDuration, money, timestamp } from "./format.ts";

export type Modal =
  | { kind: "help"; scroll: number }
  | { kind: "details"; itemId: string }
  | { kind: "confirm"; model: ConfirmModel; command: EngineCommand; label: string }
  | { kind: "prompt"; purpose: "filter" | "command" | "veto" | "approveAll"; text: string; itemIds?: string[] }
  | { kind: "postpone"; itemId: string; index: number };

export const POSTPONE_CHOICES_MS = [3_600_000, 4 * 3_600_000, 12 * 3_600_000, 86_400_000, 3 * 86_400_000, 7 * 86_400_000];

/** The exact text the operator must type before everything pending is approved. */
export const APPROVE_ALL_PHRASE = "approve all";

export interface Actor {
  actor: string;
  source: ActorSource;
}

function effectLine(snap: EngineSnapshot, item: PlanItem, name?: string): string {
  return snap.mode === "ENFORCE"
    ? `ENFORCE: ${label(item, name)} will really be ${pastOf(item.action)} at its deadline.`
    : `DRY-RUN: the engine only records what it would ${item.action}; nothing is touched.`;
}

/** "worker-005" when the resource has a name, else its id. */
function label(item: PlanItem, name?: string): string {
  return name && name !== item.vrId ? name : item.vrId;
}

function itemLines(item: PlanItem, now: number, name?: string): string[] {
  return [
    `${item.id}: ${item.action} ${label(item, name)}  prio ${item.prio}  owner ${item.owner ?? "-"}`,
    ...(name && name !== item.vrId ? [`resource ${item.vrId}`] : []),
    `saving ${money(item.tsave)} · deadline ${timestamp(item.deadline)} (${countdown(item.deadline, now)})`,
  ];
}

export function approveDialog(snap: EngineSnapshot, item: PlanItem, now: number, who: Actor, name?: string): Modal {
  return {
    kind: "confirm",
    label: `approve ${item.id}`,
    command: { type: "approve", ids: [item.id], ...who },
    model: {
      title: `Approve termination of ${label(item, name)}?`,
      lines: [...itemLines(item, now, name), effectLine(snap, item, name)],
      confirmLabel: "Approve",
      focus: "cancel",
      dangerous: true,
    },
  };
}

export function vetoDialog(item: PlanItem, reason: string, now: number, who: Actor, name?: string): Modal {
  return {
    kind: "confirm",
    label: `veto ${item.id}`,
    command: { type: "veto", ids: [item.id], reason, ...who },
    model: {
      title: `Veto termination of ${label(item, name)}?`,
      lines: [...itemLines(item, now, name), `reason: ${reason}`, "The resource stays; the planner will look for other savings."],
      confirmLabel: "Veto",
      focus: "cancel",
      dangerous: false,
    },
  };
}

export function postponeDialog(item: PlanItem, byMs: number, now: number, who: Actor, name?: string): Modal {
  return {
    kind: "confirm",
    label: `postpone ${item.id}`,
    command: { type: "postpone", ids: [item.id], byMs, ...who },
    model: {
      title: `Postpone by ${formatDuration(byMs)}: ${label(item, name)}?`,
      lines: [...itemLines(item, now, name), `new deadline ${timestamp(item.deadline + byMs)} (${countdown(item.deadline + byMs, now)})`],
      confirmLabel: "Postpone",
      focus: "cancel",
      dangerous: true,
    },
  };
}

export function approveAllPrompt(pending: PlanItem[]): Modal {
  return { kind: "prompt", purpose: "approveAll", text: "", itemIds: pending.map((p) => p.id) };
}

export function approveAllLines(pending: PlanItem[], snap: EngineSnapshot): string[] {
  const saving = pending.reduce((s, p) => s + p.tsave, 0);
  return [
    `Approve ALL ${pending.length} pending terminations (saving ${money(saving)})?`,
    snap.mode === "ENFORCE" ? "ENFORCE: every one of them will really be stopped/deleted at its deadline." : "DRY-RUN: nothing is touched.",
    `Type "${APPROVE_ALL_PHRASE}" and press Enter to confirm; anything else cancels.`,
  ];
}

export function detailLines(snap: EngineSnapshot, item: PlanItem, now: number, name?: string): string[] {
  const lines = [
    ...itemLines(item, now, name),
    `state ${item.state}  created ${timestamp(item.createdAt)}  updated ${timestamp(item.updatedAt)}`,
    `planned for ${timestamp(item.tdate)}${item.tasap ? " (as soon as grace allows)" : ""}`,
    `reason: ${item.reason}`,
  ];
  if (item.approvedBy) lines.push(`approved by ${item.approvedBy}`);
  if (item.vetoReason) lines.push(`veto reason: ${item.vetoReason}`);
  if (item.error) lines.push(`error: ${item.error}`);
  const related = snap.events.filter((e) => e.itemId === item.id).sort((a, b) => b.at - a.at);
  if (related.length) lines.push("history:");
  for (const e of related.slice(0, 6)) lines.push(`  ${timestamp(e.at)} ${e.action} by ${e.actor}@${e.source}${e.detail ? " — " + e.detail : ""}`);
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
