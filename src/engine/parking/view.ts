/**
 * What is parked right now, and which copies ot3c made are past their retention — as plain data for the snapshot
 * (TUI Parked view, metrics) and the CLI. Built from the store (park items, schedule runs, snapshot-delete items)
 * and the last sync's tree; no cloud call.
 *
 * "Comes back" is an absolute instant: a park at the start of the period after its own (`resume.ts`), earlier when
 * an operator asked (`resume.dueAt`), a database at the latest when OTC starts it after 7 days; a scheduled stop at
 * the schedule's next start (`schedule_runs.next_start_at`). Whether someone else started or deleted a parked
 * resource meanwhile is read from the last sync's inventory, before the resume tick finds it.
 */
import { isParkableKind } from "../actions/ladder.ts";
import { RDS_MAX_STOPPED_MS } from "../actions/resume.ts";
import { billingPeriod } from "../period.ts";
import type { ParkedEntry, ParkingView, MadeCopy } from "../snapshot.ts";
import type { CloudResource, ResourceActions, ResourceUnit, SafetyCopy } from "../types.ts";
import { redact } from "../../util/redact.ts";
import type { Store, StoredPlanItem } from "../../store/store.ts";
import { parkedItems } from "./resume.ts";
import { copyName } from "./execute.ts";

export interface ParkingViewInput {
  now: number;
  billingBeginDay: number;
  /** The last sync's tree; without it no "meanwhile" notes are made. */
  roots?: ResourceUnit[];
  /**
   * When that tree's inventory was read (the start of the last successful sync). Only an inventory read after a
   * park or stop can say that someone else started or deleted the resource meanwhile; without it, no notes.
   */
  inventoryAt?: number;
  /** Config `actions.copy-retention`; without it no copy is listed as expired. */
  copyRetentionMs?: number;
}

function leavesById(roots: ResourceUnit[] | undefined): Map<string, CloudResource> | undefined {
  if (!roots) return undefined;
  const out = new Map<string, CloudResource>();
  const walk = (u: ResourceUnit) => {
    if (u.resource) out.set(u.resource.id, u.resource);
    u.members.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** Whether the inventory was read after `since` (so it can contradict a park or stop made at `since`). */
function readAfter(input: ParkingViewInput, since: number): boolean {
  return input.inventoryAt !== undefined && input.inventoryAt > since;
}

/** What the last inventory says about a parked resource, when it contradicts the park. */
function meanwhile(kind: CloudResource["kind"], current: CloudResource | undefined, inventory: Map<string, CloudResource> | undefined, overRds: boolean): string | undefined {
  if (!inventory) return undefined;
  if (!current) return "deleted meanwhile; will be left alone";
  if (kind === "CCE") return (current.nodeCount ?? 0) > 0 ? `scaled to ${current.nodeCount} node(s) by someone else; will be left alone` : undefined;
  if (current.status.toUpperCase() === "ACTIVE") return overRds ? "running again: OTC starts a stopped database after 7 days" : "started by someone else meanwhile; will be left alone";
  return undefined;
}

function parkEntries(item: StoredPlanItem, input: ParkingViewInput, inventory: Map<string, CloudResource> | undefined): ParkedEntry[] {
  const journal = item.journal;
  const since = journal?.startedAt ?? item.updatedAt;
  const periodEnd = billingPeriod(item.periodStart, input.billingBeginDay).end;
  const due = journal?.resume?.dueAt;
  const parked = item.dryRun
    ? item.resources.filter((r) => isParkableKind(r.kind)).map((r) => ({ resourceId: r.id, kind: r.kind }))
    : (journal?.steps ?? []).filter((s) => s.phase === "done");
  return parked.map((s) => {
    const r = item.resources.find((x) => x.id === s.resourceId);
    const outcome = journal?.resume?.steps.find((x) => x.resourceId === s.resourceId);
    let backAt = due !== undefined ? Math.min(due, periodEnd) : periodEnd;
    let backBy = due !== undefined && due < periodEnd ? "operator" : "period-start";
    if (s.kind === "RDS" && since + RDS_MAX_STOPPED_MS < backAt) {
      backAt = since + RDS_MAX_STOPPED_MS;
      backBy = "otc-restart";
    }
    const current = inventory?.get(s.resourceId);
    const after = readAfter(input, since) ? inventory : undefined;
    const note =
      outcome && outcome.outcome !== "failed"
        ? outcome.note
        : outcome?.outcome === "failed"
          ? `start failed, retried hourly: ${outcome.note ?? ""}`
          : meanwhile(s.kind, current, after, s.kind === "RDS" && input.now >= since + RDS_MAX_STOPPED_MS);
    return {
      source: "park" as const,
      itemId: item.id,
      kind: s.kind,
      id: s.resourceId,
      name: r?.name || s.resourceId,
      since,
      backAt,
      backBy: backBy as ParkedEntry["backBy"],
      why: item.reason,
      ...(note ? { note } : {}),
      ...(item.dryRun ? { dryRun: true } : {}),
      ...(item.owner ? { owner: item.owner } : {}),
    };
  });
}

/** Parked resources (park items, then schedules' night stops), soonest back first. */
export function parkedEntries(store: Store, input: ParkingViewInput): ParkedEntry[] {
  const inventory = leavesById(input.roots);
  const out: ParkedEntry[] = [];
  const held = new Set<string>();
  for (const item of parkedItems(store)) {
    for (const e of parkEntries(item, input, inventory)) {
      out.push(e);
      held.add(e.id);
    }
  }
  for (const run of store.scheduleRuns()) {
    // A park holds it through the schedule's hours: listed once, as the park.
    if (run.stoppedAt === undefined || held.has(run.resourceId)) continue;
    const current = inventory?.get(run.resourceId);
    const fresh = inventory !== undefined && readAfter(input, run.stoppedAt);
    const started = fresh && current !== undefined && current.status.toUpperCase() === "ACTIVE";
    out.push({
      source: "schedule",
      kind: run.kind,
      id: run.resourceId,
      name: current?.name || run.resourceId,
      since: run.stoppedAt,
      ...(run.nextStartAt !== undefined ? { backAt: run.nextStartAt } : {}),
      // A stop-only schedule never starts: people do.
      backBy: run.nextStartAt !== undefined ? "schedule" : "by-hand",
      why: `outside the hours of schedule ${run.schedule}${run.nextStartAt !== undefined ? "" : " (stop-only: started by hand, not by ot3c)"}`,
      schedule: run.schedule,
      ...(fresh && !current ? { note: "deleted meanwhile" } : started ? { note: "started by someone else meanwhile" } : {}),
    });
  }
  return out.sort((a, b) => (a.backAt ?? Infinity) - (b.backAt ?? Infinity) || a.since - b.since);
}

/**
 * The copies (RDS manual backups) ot3c made before a snapshot-delete, as its journal recorded them; `expired` once
 * older than the retention. ot3c never deletes them: they are listed for a person to decide (they bill per GB).
 */
export function copiesMade(store: Store, input: ParkingViewInput): MadeCopy[] {
  const out: MadeCopy[] = [];
  for (const item of store.listItems({ actions: ["snapshot-delete"] })) {
    for (const s of item.journal?.steps ?? []) {
      if (s.kind !== "RDS" || (!s.copy && s.phase === "pending")) continue;
      const r = item.resources.find((x) => x.id === s.resourceId);
      const madeAt = s.copy?.madeAt ?? item.journal!.startedAt;
      const age = input.now - madeAt;
      out.push({
        itemId: item.id,
        resourceKind: s.kind,
        resourceId: s.resourceId,
        resourceName: r?.name || s.resourceId,
        name: s.copy?.name ?? copyName(item.id, r ?? ({ kind: s.kind, id: s.resourceId, name: "", status: "", tags: {} } as CloudResource)),
        ...(s.copy?.id ? { copyId: s.copy.id } : {}),
        madeAt,
        expired: input.copyRetentionMs !== undefined && age > input.copyRetentionMs,
      });
    }
  }
  return out.sort((a, b) => a.madeAt - b.madeAt);
}

/** A copy as the cloud shows it now: still there (status, size), gone (someone deleted it), or not checkable. */
export interface CheckedCopy extends MadeCopy {
  cloud: { state: "present"; status: string; sizeGb?: number; createdAt?: string } | { state: "gone" } | { state: "unchecked"; error: string };
}

/**
 * Looks each copy up in the cloud (`listCopies` of its database, found by its name). Reads only: ot3c never
 * deletes a copy. One listing per database; an error marks that database's copies unchecked (redacted).
 */
export async function checkCopies(copies: MadeCopy[], actions: Pick<ResourceActions, "listCopies">): Promise<CheckedCopy[]> {
  const byResource = new Map<string, SafetyCopy[] | Error>();
  for (const c of copies) {
    if (byResource.has(c.resourceId)) continue;
    try {
      byResource.set(c.resourceId, await actions.listCopies({ kind: c.resourceKind, id: c.resourceId, name: c.resourceName, status: "", tags: {} }));
    } catch (err) {
      byResource.set(c.resourceId, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return copies.map((c) => {
    const seen = byResource.get(c.resourceId)!;
    if (seen instanceof Error) return { ...c, cloud: { state: "unchecked" as const, error: redact(seen.message) } };
    const hit = seen.find((s) => (c.copyId && s.id === c.copyId) || s.name === c.name);
    if (!hit) return { ...c, cloud: { state: "gone" as const } };
    return { ...c, cloud: { state: "present" as const, status: hit.status, ...(hit.sizeGb !== undefined ? { sizeGb: hit.sizeGb } : {}), ...(hit.createdAt ? { createdAt: hit.createdAt } : {}) } };
  });
}

/** The snapshot's `parking` part. */
export function parkingView(store: Store, input: ParkingViewInput): ParkingView {
  const copies = copiesMade(store, input);
  return {
    parked: parkedEntries(store, input),
    copies: copies.filter((c) => c.expired),
    copiesTotal: copies.length,
    ...(input.copyRetentionMs !== undefined ? { copyRetentionMs: input.copyRetentionMs } : {}),
  };
}
