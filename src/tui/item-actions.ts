/**
 * approve / veto / postpone on the items they target (the marked ones, else the selected one): which dialog opens,
 * or why nothing is sent. Only PENDING items can be approved; PENDING or APPROVED ones vetoed or postponed.
 */
import type { PlanItem } from "../engine/types.ts";
import type { Status } from "./components/Chrome.tsx";
import { approveDialog, type Actor, type DialogContext, type Modal } from "./dialogs.ts";

export type ItemAction = "pending.approve" | "pending.veto" | "pending.postpone";

export function itemActionModal(
  id: ItemAction,
  items: PlanItem[],
  ctx: DialogContext | undefined,
  nowMs: number,
  who: Actor,
): { modal: Modal } | { status: Status } | undefined {
  if (items.length === 0) return undefined;
  if (id === "pending.approve") {
    if (!ctx) return undefined;
    const wrong = items.find((i) => i.state !== "PENDING");
    if (wrong) return { status: { text: `${wrong.id} is ${wrong.state}: only PENDING items can be approved (nothing sent)`, token: "warn" } };
    return { modal: approveDialog(ctx, items, nowMs, who) };
  }
  const wrong = items.find((i) => i.state !== "PENDING" && i.state !== "APPROVED");
  const verb = id === "pending.veto" ? "vetoed" : "postponed";
  if (wrong) return { status: { text: `${wrong.id} is ${wrong.state}: only PENDING or APPROVED items can be ${verb} (nothing sent)`, token: "warn" } };
  const ids = items.map((i) => i.id);
  return { modal: id === "pending.veto" ? { kind: "prompt", purpose: "veto", text: "", itemIds: ids } : { kind: "postpone", itemIds: ids, index: 0 } };
}
