/**
 * The executor's rungs beyond stop and delete (issue #17), kept out of executor.ts so its hooks stay one line each:
 *
 * - `park` (and its older name `stop`) is the terminator's stop of each server and database — the same API call
 *   (ECS `os-stop`, RDS `action/shutdown`); what makes it a park is that ot3c starts them again (resume.ts tick).
 *   A CCE node pool is scaled to 0 nodes with autoscaling off (`ResourceActions.park`); its former count and
 *   autoscaling go into the journal step before the scaling call, so the resume restores them after any restart.
 * - `snapshot-delete` makes a copy that outlives the deletion first (RDS manual backup), waits until it is usable,
 *   then deletes. No copy, no deletion: a failed or unusable copy fails the item before its delete is sent. The copy
 *   is named after the item, so a retry after a restart finds the copy it already made instead of making another.
 */
import { isTransient } from "../execution.ts";
import type { ExecTerminator, TerminationHooks } from "../execution.ts";
import type { JournalStep } from "../../store/store.ts";
import type { CloudResource, PlanAction, ResourceActions, SafetyCopy } from "../types.ts";
import { isPark } from "../actions/ladder.ts";

/** Verb for audit actions and log lines: `terminate.about-to-<verb>`, `terminate.would-<verb>`. */
export function verbOf(action: PlanAction): string {
  return isPark(action) ? (action === "stop" ? "stop" : "park") : action;
}

/** Past tense for `terminate.<past>` and messages. */
export function pastOf(action: PlanAction): string {
  return isPark(action) ? (action === "stop" ? "stopped" : "parked") : action === "snapshot-delete" ? "snapshot-deleted" : "deleted";
}

/** The name of the copy an item makes (RDS: 4–64 characters, a letter first, letters, digits, `-`, `_`). */
export function copyName(itemId: string, resource: CloudResource): string {
  return `ot3c-${itemId}-${resource.id.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 40)}`;
}

/** Which kinds get a copy before their deletion (the ones whose copy survives it). */
export function needsCopy(action: PlanAction, resource: CloudResource): boolean {
  return action === "snapshot-delete" && resource.kind === "RDS";
}

export class CopyRefused extends Error {}

/** What the journal keeps of a copy: its own creation time when the cloud reports one, else when it was confirmed. */
export function copyRecord(copy: SafetyCopy, now: number): { id: string; name: string; madeAt: number } {
  const created = copy.createdAt ? Date.parse(copy.createdAt) : NaN;
  return { id: copy.id, name: copy.name, madeAt: Number.isFinite(created) ? created : now };
}

/**
 * Parks one resource of a park item's journal: the terminator's stop for servers and databases; for a node pool the
 * actions' `park`, whose former count is written into `step.parked` (and persisted) before the scaling call.
 */
export async function parkOne(t: ExecTerminator, resource: CloudResource, step: JournalStep, hooks: TerminationHooks, persist: () => void): Promise<void> {
  if (resource.kind !== "CCE") return t.stop(resource, hooks);
  if (!t.actions?.park) throw new Error(`CCE node pool ${resource.id}: this terminator cannot scale node pools; nothing parked`);
  const state = await t.actions.park(resource, {
    ...hooks,
    onParked: (s) => {
      // A re-send after an interrupted call reads a pool that may already be part-way down: the first reading wins.
      if (step.parked) return;
      step.parked = s;
      persist();
    },
  });
  // Some implementations report the state only at the end: keep it then at the latest.
  if (!step.parked) {
    step.parked = state;
    persist();
  }
}

/**
 * Why a snapshot-delete item cannot be run at all (checked before its first call), or undefined. Only databases
 * have a copy that outlives their deletion; a volume's EVS snapshot dies with the disk, a node pool has none. The
 * planner never plans such an item (the ladder), but a plan file can name one.
 */
export function snapshotDeleteRefusal(action: PlanAction, leaves: CloudResource[]): string | undefined {
  if (action !== "snapshot-delete") return undefined;
  const bare = leaves.filter((r) => r.kind === "EVS" || r.kind === "CCE");
  if (bare.length === 0) return undefined;
  return `snapshot-delete cannot keep a copy of ${bare.map((r) => `${r.kind} ${r.id}`).join(", ")} that outlives the deletion (an EVS snapshot is deleted with its disk); nothing deleted — plan delete or park instead`;
}

/**
 * Makes sure a usable copy of `resource` that outlives its deletion exists before the delete: reuses the item's
 * copy when a retry finds it, otherwise makes one and waits for it. Throws (and nothing is deleted) otherwise.
 */
export async function ensureCopy(
  actions: (Pick<ResourceActions, "copy" | "listCopies"> & Partial<Pick<ResourceActions, "awaitCopy">>) | undefined,
  resource: CloudResource,
  itemId: string,
): Promise<SafetyCopy> {
  if (!actions) throw new CopyRefused(`snapshot-delete of ${resource.kind} ${resource.id}: this terminator cannot make copies; nothing deleted`);
  const name = copyName(itemId, resource);
  const existing = (await actions.listCopies(resource)).find((c) => c.name === name);
  let copy: SafetyCopy;
  if (!existing) copy = await copyOrObserve(actions, resource, name);
  else if (usable(existing)) copy = existing;
  else if (inProgress(existing)) {
    // Made before a restart and still being made: wait for it, never make a second one.
    if (!actions.awaitCopy) throw new CopyRefused(`copy ${name} of ${resource.kind} ${resource.id} is still ${existing.status}; nothing deleted yet`);
    copy = await actions.awaitCopy(resource, existing);
  } else throw new CopyRefused(`copy ${name} of ${resource.kind} ${resource.id} is ${existing.status}; delete it or plan again; nothing deleted`);
  if (!usable(copy)) throw new CopyRefused(`copy ${copy.name} of ${resource.kind} ${resource.id} is ${copy.status}${copy.survivesDeletion ? "" : " and would not survive the deletion"}; nothing deleted`);
  return copy;
}

/**
 * Asks for the copy once. When the answer is lost (a reset or 5xx after the gateway may have accepted it), the
 * copy's own name tells whether it was made: look it up instead of asking again (at most one call per resource).
 */
async function copyOrObserve(
  actions: Pick<ResourceActions, "copy" | "listCopies"> & Partial<Pick<ResourceActions, "awaitCopy">>,
  resource: CloudResource,
  name: string,
): Promise<SafetyCopy> {
  try {
    return await actions.copy(resource, name);
  } catch (err) {
    if (!isTransient(err)) throw err;
    const seen = (await actions.listCopies(resource)).find((c) => c.name === name);
    if (!seen) throw err;
    if (inProgress(seen) && actions.awaitCopy) return actions.awaitCopy(resource, seen);
    return seen;
  }
}

function inProgress(c: SafetyCopy): boolean {
  return /^(building|creating)$/i.test(c.status);
}

function usable(c: SafetyCopy): boolean {
  return c.survivesDeletion && /^(available|completed)$/i.test(c.status);
}
