/**
 * What the engine has done and promised in the current billing period, read from its plan items: the input that
 * lets the forecast and the gap account for the engine's own actions (see index.ts).
 *
 * - **Executed**: every resource a finished (or partly finished) item stopped or deleted, with the instant of the
 *   call. A dry run counts as executed: `enforce: false` shows what enforcement would do, so its figures must be
 *   those of a world where the call was made (see effects.ts for the spend that still arrives meanwhile).
 * - **Gone**: resources an item found removed by someone else.
 * - **Open**: items still PENDING, APPROVED or EXECUTING — savings already promised, which new items must not
 *   promise again.
 * - **Vetoed**: every resource an operator vetoed, by resource, not by the item's group id, so a veto survives
 *   regrouping (a volume attached later, a changed tag) and restarts.
 */
import type { StoredPlanItem } from "../../store/store.ts";
import { isPark, isParkableKind } from "../actions/ladder.ts";
import type { CloudResource, PlanAction, ResourceKind } from "../types.ts";

/** The id a leaf has in the virtual tree (`ECS_<id>`, `EVS_<id>`, …). */
export function leafId(r: { kind: ResourceKind | CloudResource["kind"]; id: string }): string {
  return `${r.kind}_${r.id}`;
}

export interface ExecutedEffect {
  /** Leaf id in the virtual tree. */
  leaf: string;
  kind: ResourceKind;
  /** `gone`: removed by someone else (noticed at `at`); its cost ends like a delete's. */
  action: PlanAction | "gone";
  /** Instant the call was made (or the removal noticed), epoch ms. */
  at: number;
  itemId: string;
  dryRun: boolean;
  /** A park resumed before the period's end (operator, `resume: on-recovery`): the instant it was started. */
  until?: number;
}

export interface OpenItem {
  item: StoredPlanItem;
  /** Leaf ids the item acts on (what it still has to act on, for an EXECUTING item). */
  leaves: string[];
}

export interface VetoCover {
  itemId: string;
  /** The vetoed item's unit, as it was when vetoed. */
  vrId: string;
  reason: string;
  by?: string;
}

export interface ActionLedger {
  periodStart: number;
  executed: ExecutedEffect[];
  open: OpenItem[];
  /** Leaf id → the veto that protects it for the rest of the period. */
  vetoed: Map<string, VetoCover>;
  /**
   * Leaves of items that FAILED with an unknown outcome (the call may have reached the API): no new item may act on
   * them until an operator has looked (re-planning would send the call again).
   */
  held: Set<string>;
  /**
   * Leaf id → when ot3c began to follow its schedule (engine/parking/schedules.ts): its history before that instant
   * is unscheduled, so the forecast is made from it and the schedule applied on top (closed-loop/schedules.ts).
   */
  scheduledSince?: Map<string, number>;
  /**
   * Set when the engine runs schedules: a scheduled leaf it has not met yet is followed from this instant on (its
   * first schedule tick comes right after this evaluation).
   */
  schedulesRunFrom?: number;
  /**
   * Leaf id → the resources of the unit the engine acted on it with (or found it gone in), as they were: once a
   * resource is gone from the inventory its cost records form a ghost, and a budget by project or tags still
   * counts them — in every budget the unit was in (a unit counts whole where any of its resources is, so a group
   * across two projects keeps its spent in both after it was deleted, not only in its own project's).
   */
  actedResources?: Map<string, readonly CloudResource[]>;
}

export function emptyLedger(periodStart: number): ActionLedger {
  return { periodStart, executed: [], open: [], vetoed: new Map(), held: new Set() };
}

/** Does the action of an item touch this leaf? A park only reaches servers, databases and node pools; volumes keep billing. */
function acted(action: PlanAction, kind: ResourceKind): boolean {
  return !isPark(action) || isParkableKind(kind);
}

/** When a parked leaf was started again by ot3c (its resume step), if it was. */
function resumedAt(item: StoredPlanItem, resourceId: string): number | undefined {
  const r = item.journal?.resume?.steps.find((s) => s.resourceId === resourceId);
  return r && r.outcome === "started" ? r.at : undefined;
}

/**
 * A cluster ot3c hibernated (engine/parking/hibernate.ts) stops its master fee from when `Hibernation` was seen
 * until it was woken (or found awake): a park of the cluster's own leaf `CCE_<cluster id>`, which the forecast
 * finds as the ghost its fee forms (closed-loop/build-state.ts). Only seen hibernations count; a dry run counts as
 * a counterfactual, like a dry-run park.
 */
function hibernationEffects(item: StoredPlanItem, out: ExecutedEffect[]): void {
  for (const h of item.journal?.hibernation ?? []) {
    if (h.phase !== "done" || h.doneAt === undefined) continue;
    const until = h.wake && h.wake.outcome !== "failed" && h.wake.outcome !== "calling" ? h.wake.at : undefined;
    out.push({ leaf: leafId({ kind: "CCE", id: h.clusterId }), kind: "CCE", action: "park", at: h.doneAt, itemId: item.id, dryRun: !!h.dryRun, ...(until !== undefined ? { until } : {}) });
  }
}

/**
 * Builds the ledger from the items of one period (any origin). Items of other periods are ignored: an earlier
 * period's deletion shows in the cost data itself, and its vetoes have expired.
 */
export function ledgerFromItems(items: Iterable<StoredPlanItem>, periodStart: number): ActionLedger {
  const ledger = emptyLedger(periodStart);
  const actedResources = new Map<string, readonly CloudResource[]>();
  ledger.actedResources = actedResources;
  for (const item of items) {
    if (item.periodStart !== periodStart) continue;
    const at = item.journal?.startedAt ?? item.updatedAt;
    if (item.state === "DONE" || item.state === "FAILED" || item.state === "EXECUTING" || item.state === "GONE") for (const r of item.resources) actedResources.set(leafId(r), item.resources);
    hibernationEffects(item, ledger.executed);
    switch (item.state) {
      case "DONE":
        for (const r of item.resources) {
          const step = item.journal?.steps.find((s) => s.resourceId === r.id);
          if (step && step.phase !== "done" && step.phase !== "gone") continue;
          if (!acted(item.action, r.kind)) continue;
          const until = resumedAt(item, r.id);
          ledger.executed.push({ leaf: leafId(r), kind: r.kind, action: step?.phase === "gone" ? "gone" : item.action, at, itemId: item.id, dryRun: item.dryRun, ...(until !== undefined ? { until } : {}) });
        }
        break;
      case "FAILED":
      case "EXECUTING": {
        // Steps that completed are effects; the rest of an EXECUTING item is still promised.
        const pending: string[] = [];
        for (const step of item.journal?.steps ?? []) {
          if (!acted(item.action, step.kind)) continue;
          if (step.phase === "done" || step.phase === "gone") {
            ledger.executed.push({ leaf: leafId({ kind: step.kind, id: step.resourceId }), kind: step.kind, action: step.phase === "gone" ? "gone" : item.action, at, itemId: item.id, dryRun: false });
          } else if (item.state === "EXECUTING") {
            pending.push(leafId({ kind: step.kind, id: step.resourceId }));
          }
        }
        if (item.state === "EXECUTING") ledger.open.push({ item, leaves: pending });
        else if (item.journal?.ambiguous) for (const r of item.resources) ledger.held.add(leafId(r));
        break;
      }
      case "GONE":
        for (const r of item.resources) ledger.executed.push({ leaf: leafId(r), kind: r.kind, action: "gone", at: item.updatedAt, itemId: item.id, dryRun: false });
        break;
      case "PENDING":
      case "APPROVED":
        ledger.open.push({ item, leaves: item.resources.filter((r) => acted(item.action, r.kind)).map(leafId) });
        break;
      case "VETOED":
        // The unit's id too: an item written without its resources (older state) still protects what it named.
        for (const id of [item.vrId, ...item.resources.map(leafId)]) {
          if (!ledger.vetoed.has(id)) ledger.vetoed.set(id, { itemId: item.id, vrId: item.vrId, reason: item.vetoReason ?? "vetoed" });
        }
        break;
      case "CANCELLED":
        break;
    }
  }
  return ledger;
}
