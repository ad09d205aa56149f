/**
 * Plan-item lifecycle (DESIGN §5): PENDING → (APPROVED) → EXECUTING → DONE | FAILED; VETOED, CANCELLED, GONE.
 * Pure rules over the store: the engine calls `reconcile` after every successful evaluation, and `applyCommand`
 * for approve / veto / postpone from any source. Every change writes its audit event first, in the same
 * transaction as the change itself.
 *
 * Deadlines are absolute and never reset by re-planning: an owner who was told "Tuesday 10:00" keeps Tuesday
 * 10:00 even if the planner recomputes the plan every few minutes.
 */
import type {
  ActorSource,
  CloudResource,
  CommandResult,
  EngineCommand,
  PlannedTermination,
  ResourceUnit,
} from "./types.ts";
import { requestResume } from "./parking/resume.ts";
import { rungOf } from "./actions/ladder.ts";
import { newItemId, type ItemOrigin, type Store, type StoredPlanItem } from "../store/store.ts";
import type { PlanDecision } from "./closed-loop/index.ts";
import { billingPeriod, isoDay } from "./period.ts";

/** Leaf cloud resources of a VR in termination order: a group's server precedes its volumes. */
export function leavesOf(vr: ResourceUnit): CloudResource[] {
  if (vr.kind === "GROUP") return vr.members.flatMap(leavesOf);
  return vr.resource ? [vr.resource] : [];
}

export interface ReconcileInput {
  now: number;
  graceMs: number;
  periodStart: number;
  /** What the plan (or the plan file) wants terminated now. */
  desired: PlannedTermination[];
  origin: ItemOrigin;
  /** Current root VRs by id, from a complete sync. */
  roots: Map<string, ResourceUnit>;
  budgetAtRisk: boolean;
}

export interface ReconcileResult {
  created: StoredPlanItem[];
  cancelled: StoredPlanItem[];
  gone: StoredPlanItem[];
}

const OPEN: StoredPlanItem["state"][] = ["PENDING", "APPROVED"];

export function reconcile(store: Store, input: ReconcileInput): ReconcileResult {
  const { now } = input;
  const result: ReconcileResult = { created: [], cancelled: [], gone: [] };
  const audit = (action: string, item: StoredPlanItem, detail?: string) =>
    store.audit({ at: now, actor: "ot3c", source: "engine", action, itemId: item.id, vrId: item.vrId, ...(detail ? { detail } : {}) });

  store.tx(() => {
    cancelEarlierPeriods(store, input.periodStart, now, result);

    const inPeriod = store.listItems({ periodStart: input.periodStart }).filter((i) => i.origin === input.origin);
    const wanted = new Map(input.desired.map((d) => [d.vrId, d]));

    for (const d of input.desired) {
      const forVr = inPeriod.filter((i) => i.vrId === d.vrId);
      const open = forVr.find((i) => i.state === "PENDING" || i.state === "APPROVED" || i.state === "EXECUTING");
      const vr = input.roots.get(d.vrId);
      if (open) {
        // Keep the deadline and the action the owner was told about; refresh what the planner estimates.
        if (open.state !== "EXECUTING") {
          store.updateItem(open.id, { tsave: d.tsave, reason: d.reason, ...(vr ? { resources: leavesOf(vr) } : {}) }, now);
        }
        continue;
      }
      // A veto holds for the rest of the period; a finished item is not repeated; an item whose last call may have
      // reached the API waits for an operator (re-planning it would send the call again).
      if (forVr.some((i) => i.state === "VETOED" || (i.state === "DONE" && rungOf(i.action) === rungOf(d.action)) || (i.state === "FAILED" && i.journal?.ambiguous))) continue;
      if (!vr) continue; // the planner only plans existing VRs; a plan file may name one that is gone
      result.created.push(createItem(store, d, vr, input));
    }

    for (const item of inPeriod) {
      if (!OPEN.includes(item.state) || wanted.has(item.vrId)) continue;
      if (!input.roots.has(item.vrId)) {
        audit("item.gone", item, "resource no longer exists");
        store.updateItem(item.id, { state: "GONE" }, now);
        result.gone.push({ ...item, state: "GONE" });
      } else {
        const why = input.budgetAtRisk ? "no longer in the plan" : "budget no longer at risk";
        audit("item.cancelled", item, why);
        store.updateItem(item.id, { state: "CANCELLED", error: why }, now);
        result.cancelled.push({ ...item, state: "CANCELLED", error: why });
      }
    }
  });
  return result;
}

function uniqueId(store: Store): string {
  for (;;) {
    const id = newItemId();
    if (!store.getItem(id)) return id;
  }
}

/** Finds an item by its id, or by the exact VR id of an open item (convenient on the command line). */
export function findItem(store: Store, ref: string): StoredPlanItem | undefined {
  const byId = store.getItem(ref);
  if (byId) return byId;
  const open = store.listItems({ vrId: ref, states: ["PENDING", "APPROVED", "EXECUTING"] });
  return open[open.length - 1];
}

export interface CommandContext {
  /** End of the current billing period: a postpone past it needs `force` (the item would save nothing). */
  periodEnd?: number;
}

/** approve / veto / postpone, from any source. `refresh` is the engine's business and is rejected here. */
export function applyCommand(store: Store, cmd: EngineCommand, now: number, ctx: CommandContext = {}): CommandResult {
  if (cmd.type === "refresh") return { ok: false, results: [{ id: "-", ok: false, message: "refresh needs a running engine" }] };
  if (cmd.type === "resume") {
    const r = requestResume(store, cmd.ids, now, { actor: cmd.actor, source: cmd.source });
    const results = [
      ...r.accepted.map((id) => ({ id, ok: true, message: "resumes at the next tick (what someone else started or deleted is left alone)" })),
      ...r.refused.map((x) => ({ id: x.id, ok: false, message: x.reason })),
    ];
    return { ok: r.refused.length === 0, results };
  }
  if (cmd.type === "veto" && !cmd.reason?.trim()) {
    return { ok: false, results: cmd.ids.map((id) => ({ id, ok: false, message: "a veto needs a reason" })) };
  }
  if (cmd.type === "postpone" && !(cmd.byMs > 0)) {
    return { ok: false, results: cmd.ids.map((id) => ({ id, ok: false, message: "postpone needs a positive duration" })) };
  }
  const results = cmd.ids.map((ref) =>
    store.tx(() => {
      const item = findItem(store, ref);
      if (!item) return { id: ref, ok: false, message: "no such plan item" };
      return { id: item.id, ...applyOne(store, item, cmd, now, ctx) };
    }),
  );
  return { ok: results.every((r) => r.ok), results };
}

function applyOne(
  store: Store,
  item: StoredPlanItem,
  cmd: Exclude<EngineCommand, { type: "refresh" } | { type: "resume" }>,
  now: number,
  ctx: CommandContext,
): { ok: boolean; message: string } {
  const base = { at: now, actor: cmd.actor, source: cmd.source as ActorSource, itemId: item.id, vrId: item.vrId };
  const open = item.state === "PENDING" || item.state === "APPROVED";
  switch (cmd.type) {
    case "approve":
      if (item.state === "APPROVED") return { ok: true, message: `already approved by ${item.approvedBy ?? "?"}` };
      if (item.state === "FAILED" && item.journal?.ambiguous) {
        // The operator checked the console: re-arm. The executor re-checks everything (a resource deleted by the
        // interrupted call is found GONE) and journals afresh.
        store.audit({ ...base, action: "item.retry-approved", detail: item.error });
        store.updateItem(item.id, { state: "APPROVED", approvedBy: cmd.actor, error: undefined, journal: undefined }, now);
        return { ok: true, message: "re-armed: executes at the next tick after a fresh re-check" };
      }
      if (item.state !== "PENDING") return { ok: false, message: `cannot approve: item is ${item.state}` };
      store.audit({ ...base, action: "item.approved" });
      store.updateItem(item.id, { state: "APPROVED", approvedBy: cmd.actor }, now);
      return { ok: true, message: "approved" };
    case "veto":
      if (item.state === "VETOED") return { ok: true, message: "already vetoed" };
      if (!open) return { ok: false, message: `cannot veto: item is ${item.state}` };
      store.audit({ ...base, action: "item.vetoed", detail: cmd.reason });
      store.updateItem(item.id, { state: "VETOED", vetoReason: cmd.reason }, now);
      return { ok: true, message: "vetoed for the rest of the billing period" };
    case "postpone": {
      if (!open) return { ok: false, message: `cannot postpone: item is ${item.state}` };
      const deadline = Math.max(item.deadline, now) + cmd.byMs;
      // The period the item belongs to ends a month after it began (the begin day is the day its period started).
      const periodEnd = ctx.periodEnd ?? billingPeriod(item.periodStart, Number(isoDay(item.periodStart).slice(8, 10))).end;
      if (periodEnd !== undefined && deadline >= periodEnd && !cmd.force) {
        return {
          ok: false,
          message:
            `refused: the new deadline ${new Date(deadline).toISOString()} is after the billing period ends (${new Date(periodEnd).toISOString()}), ` +
            `so the item would save nothing this period and the gap would no longer be covered by it; postpone with --force to do it anyway`,
        };
      }
      store.audit({ ...base, action: "item.postponed", detail: `deadline ${new Date(item.deadline).toISOString()} → ${new Date(deadline).toISOString()}` });
      store.updateItem(item.id, { deadline }, now);
      const past = periodEnd !== undefined && deadline >= periodEnd;
      return { ok: true, message: `deadline now ${new Date(deadline).toISOString()}${past ? " — after the period end: it saves nothing this period; the plan is rebuilt for the gap it leaves" : ""}` };
    }
  }
}

export interface ApplyDecisionInput {
  now: number;
  graceMs: number;
  periodStart: number;
  origin: ItemOrigin;
  /** Current root VRs by id, from the last complete sync. */
  roots: Map<string, ResourceUnit>;
  decision: PlanDecision;
}

export interface ApplyDecisionResult extends ReconcileResult {
  vetoed: StoredPlanItem[];
  /** Items whose deadline moved earlier (the owner is told the new one). */
  advanced: StoredPlanItem[];
  /** Ids of the open items that stay, and of the new ones: what the executor may act on. */
  wanted: Set<string>;
}

/**
 * Writes a closed-loop decision (engine/closed-loop `settle`): new items for the uncovered part of the gap, the
 * re-projected saving of the items that stay, and the end of those no longer needed, gone, regrouped or covered by
 * a veto. Deadlines of items that stay are never touched.
 */
export function applyDecision(store: Store, input: ApplyDecisionInput): ApplyDecisionResult {
  const { now, decision } = input;
  const result: ApplyDecisionResult = { created: [], cancelled: [], gone: [], vetoed: [], advanced: [], wanted: new Set() };
  const audit = (action: string, item: StoredPlanItem, detail?: string) =>
    store.audit({ at: now, actor: "ot3c", source: "engine", action, itemId: item.id, vrId: item.vrId, ...(detail ? { detail } : {}) });

  store.tx(() => {
    cancelEarlierPeriods(store, input.periodStart, now, result);
    for (const d of decision.open) {
      const item = store.getItem(d.id);
      if (!item || item.origin !== input.origin) continue;
      if (item.state !== "PENDING" && item.state !== "APPROVED" && item.state !== "EXECUTING") continue;
      if (d.outcome === "keep" || item.state === "EXECUTING") {
        result.wanted.add(item.id);
        if (d.advanceTo !== undefined && item.state !== "EXECUTING" && d.advanceTo < item.deadline && d.advanceTo >= now + input.graceMs) {
          audit("item.advanced", item, `deadline ${new Date(item.deadline).toISOString()} → ${new Date(d.advanceTo).toISOString()}: the forecast rose and no other resource can close the rest of the gap`);
          store.updateItem(item.id, { deadline: d.advanceTo, tdate: d.advanceTo, tsave: d.saving }, now);
          result.advanced.push({ ...item, deadline: d.advanceTo, tdate: d.advanceTo, tsave: d.saving });
          continue;
        }
        if (item.state !== "EXECUTING" && Math.abs(item.tsave - d.saving) > 0.005) {
          const vr = input.roots.get(item.vrId);
          store.updateItem(item.id, { tsave: d.saving, ...(vr ? { resources: leavesOf(vr) } : {}) }, now);
        }
        continue;
      }
      const why = d.reason ?? d.outcome.toLowerCase();
      if (d.outcome === "GONE") {
        audit("item.gone", item, why);
        store.updateItem(item.id, { state: "GONE" }, now);
        result.gone.push({ ...item, state: "GONE" });
      } else if (d.outcome === "VETOED") {
        audit("item.vetoed", item, why);
        store.updateItem(item.id, { state: "VETOED", vetoReason: why }, now);
        result.vetoed.push({ ...item, state: "VETOED", vetoReason: why });
      } else {
        audit("item.cancelled", item, why);
        store.updateItem(item.id, { state: "CANCELLED", error: why }, now);
        result.cancelled.push({ ...item, state: "CANCELLED", error: why });
      }
    }
    const openVrs = new Set(store.listItems({ states: ["PENDING", "APPROVED", "EXECUTING"] }).map((i) => i.vrId));
    for (const d of decision.create) {
      const vr = input.roots.get(d.vrId);
      if (!vr || openVrs.has(d.vrId)) continue; // the planner only plans existing, uncovered units
      const item = createItem(store, d, vr, input);
      result.created.push(item);
      result.wanted.add(item.id);
    }
  });
  return result;
}

/**
 * A new PENDING item for a planned termination: its deadline is the planned date, never sooner than the grace from
 * now, absolute from here on. Audited before it is stored.
 */
function createItem(
  store: Store,
  d: PlannedTermination,
  vr: ResourceUnit,
  input: { now: number; graceMs: number; periodStart: number; origin: ItemOrigin },
): StoredPlanItem {
  const { now } = input;
  const item: StoredPlanItem = {
    ...d,
    id: uniqueId(store),
    state: "PENDING",
    deadline: Math.max(d.tdate, now + input.graceMs),
    createdAt: now,
    updatedAt: now,
    periodStart: input.periodStart,
    origin: input.origin,
    dryRun: false,
    resources: leavesOf(vr),
  };
  if (d.owner === undefined) delete item.owner;
  store.audit({ at: now, actor: "ot3c", source: "engine", action: "item.created", itemId: item.id, vrId: item.vrId, detail: `${d.action} ${d.vrId}, deadline ${new Date(item.deadline).toISOString()}` });
  store.insertItem(item);
  return item;
}

/** Items from an earlier billing period can no longer save anything in this one. */
function cancelEarlierPeriods(store: Store, periodStart: number, now: number, result: ReconcileResult): void {
  for (const item of store.listItems({ states: OPEN })) {
    if (item.periodStart === periodStart) continue;
    store.audit({ at: now, actor: "ot3c", source: "engine", action: "item.cancelled", itemId: item.id, vrId: item.vrId, detail: "billing period ended" });
    store.updateItem(item.id, { state: "CANCELLED", error: "billing period ended" }, now);
    result.cancelled.push({ ...item, state: "CANCELLED" });
  }
}

/** Open items whose deadline is inside the reminder window now (not those planned inside it: their notice said so). */
export function dueReminders(store: Store, now: number, beforeMs: number): StoredPlanItem[] {
  return store
    .listItems({ states: ["PENDING", "APPROVED"] })
    .filter((item) => item.deadline - beforeMs <= now && item.deadline > now && item.deadline - item.createdAt > beforeMs);
}
