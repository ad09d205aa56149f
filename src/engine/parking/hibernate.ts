/**
 * CCE cluster hibernation (issue #17): once ot3c has parked EVERY node pool of a cluster, the cluster itself is
 * hibernated, which ends its master fee (documented; its nodes, EIPs and bandwidth bill on — they are the pools'
 * and are parked already). At the resume the cluster is woken first and its pools are scaled back only once it is
 * `Available` again (`wakeClusters`, called by resume.ts).
 *
 * A cluster is hibernated only when all of this holds, on a complete, fresh inventory:
 * - every node pool of the cluster in the inventory is held by a park of ot3c (a park item's done step, not
 *   resumed and not due to resume) and reads 0 nodes — so no pool someone else manages, no untagged or prio-0 pool,
 *   no pool whose `ot3c_action` forbids parking still runs on it;
 * - no pool of it and not the cluster (its fee's ghost) is vetoed;
 * - with `approval: required`, every park holding its pools was approved by a person;
 * - config `actions.hibernate-clusters` is not false.
 * The saving is not planned: the planner credits a park with its pools' nodes only. Once `Hibernation` is seen,
 * the ledger (closed-loop/ledger.ts) carries the cluster's fee as stopped from then until it is woken, so the
 * forecast drops it only when it is real (or, with `enforce: false`, as a counterfactual like a dry-run park).
 *
 * Exactly once: the call is journaled (`hibernation` on the newest park item holding a pool, audit
 * `hibernate.about-to-hibernate`) before it is sent, and the provider decides on the cluster's phase now (already
 * there → no call; a lost answer → observed, never re-sent). A record found `pending` or `failed` later is settled
 * by observation: `Hibernation` → done; a transition → looked at next tick; still `Available` → given the bounded
 * wait (an accepted call may sit in INIT with the cluster unchanged) and only then dropped, so the cluster is
 * considered afresh.
 */
import { redact } from "../../util/redact.ts";
import type { HibernationJournal, Store, StoredPlanItem } from "../../store/store.ts";
import { AMBIGUOUS_WAIT_MS, type ExecTerminator } from "../execution.ts";
import type { CloudResource, ResourceUnit } from "../types.ts";
import { parkedItems, resumeReason, type ResumeContext } from "./resume.ts";

const ACTOR = { actor: "ot3c", source: "engine" as const };
/** A failed wake-up is tried again (by observation first) after this long. */
export const WAKE_RETRY_MS = 3_600_000;

export interface HibernateContext {
  now: number;
  enforce: boolean;
  approval: "none" | "required";
  /** Config `actions.hibernate-clusters` (default true). */
  allowed: boolean;
  /** The last sync's tree. */
  roots: ResourceUnit[];
  /** Leaf ids vetoed this period. */
  vetoed: ReadonlySet<string>;
  /** The inventory is fresh and complete: only then can "every pool of the cluster" be known. */
  complete: boolean;
  /** Parks due to come back are never followed by a hibernation. */
  resume: ResumeContext;
  mayAct(): boolean;
  /** Overrides AMBIGUOUS_WAIT_MS (simulators with short job timings). */
  ambiguousWaitMs?: number;
}

export interface HibernateEvents {
  log?(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** A hibernation not yet undone, with the park item whose journal keeps it. */
export interface OpenHibernation {
  item: StoredPlanItem;
  record: HibernationJournal;
}

/** Hibernations of parked items that are not woken (or found awake/gone) yet, by cluster id. */
export function openHibernations(items: StoredPlanItem[]): Map<string, OpenHibernation> {
  const out = new Map<string, OpenHibernation>();
  for (const item of items) {
    for (const record of item.journal?.hibernation ?? []) {
      if (record.wake && record.wake.outcome !== "failed" && record.wake.outcome !== "calling") continue;
      out.set(record.clusterId, { item, record });
    }
  }
  return out;
}

/** The cluster a park item's pool belongs to (kept in the item's resources). */
function clusterOfStep(item: StoredPlanItem, resourceId: string): string | undefined {
  return item.resources.find((r) => r.id === resourceId && r.kind === "CCE")?.clusterId;
}

/** Pool id → the park item holding it (pools of parks not resumed and not due to resume), per cluster. */
function heldPools(items: StoredPlanItem[], ctx: Pick<HibernateContext, "resume">): Map<string, Map<string, StoredPlanItem>> {
  const out = new Map<string, Map<string, StoredPlanItem>>();
  for (const item of items) {
    if (resumeReason(item, ctx.resume) || (item.journal?.resume?.steps.length ?? 0) > 0) continue;
    const pools = item.dryRun ? item.resources.filter((r) => r.kind === "CCE").map((r) => r.id) : (item.journal?.steps ?? []).filter((s) => s.phase === "done" && s.kind === "CCE").map((s) => s.resourceId);
    for (const id of pools) {
      const cid = clusterOfStep(item, id);
      if (!cid) continue;
      if (!out.has(cid)) out.set(cid, new Map());
      out.get(cid)!.set(id, item);
    }
  }
  return out;
}

function poolsByCluster(roots: ResourceUnit[]): Map<string, CloudResource[]> {
  const out = new Map<string, CloudResource[]>();
  const walk = (u: ResourceUnit) => {
    const r = u.resource;
    if (u.members.length === 0 && r?.kind === "CCE" && r.clusterId) {
      if (!out.has(r.clusterId)) out.set(r.clusterId, []);
      out.get(r.clusterId)!.push(r);
    }
    u.members.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** Whether the cluster itself is vetoed: as `CCE_<id>` or as the ghost its fee forms (`GH_…_<id>`). */
function clusterVetoed(vetoed: ReadonlySet<string>, clusterId: string): boolean {
  if (vetoed.has(`CCE_${clusterId}`)) return true;
  for (const id of vetoed) if (id.startsWith("GH_") && id.endsWith(`_${clusterId}`)) return true;
  return false;
}

export interface Candidate {
  clusterId: string;
  /** The park items holding its pools; the newest keeps the record. */
  items: StoredPlanItem[];
}

/** The clusters to hibernate now, or why none (pure; see the file comment for the rules). */
export function clustersToHibernate(items: StoredPlanItem[], ctx: Omit<HibernateContext, "mayAct" | "now">): Candidate[] {
  if (!ctx.allowed || !ctx.complete) return [];
  const open = openHibernations(items);
  const inventory = poolsByCluster(ctx.roots);
  const out: Candidate[] = [];
  for (const [cid, held] of heldPools(items, ctx)) {
    if (open.has(cid)) continue;
    const pools = inventory.get(cid) ?? [];
    if (pools.length === 0) continue;
    const ok = pools.every((p) => {
      const by = held.get(p.id);
      if (!by || ctx.vetoed.has(`CCE_${p.id}`)) return false;
      // A dry-run park changed nothing: its pool still has its nodes. It counts as at 0 only for a dry-run
      // hibernation; a real one needs every pool really at 0 nodes by a real park.
      return ctx.enforce ? !by.dryRun && p.nodeCount === 0 : by.dryRun || p.nodeCount === 0;
    });
    if (!ok || clusterVetoed(ctx.vetoed, cid)) continue;
    const holders = [...new Set(pools.map((p) => held.get(p.id)!))];
    if (ctx.approval === "required" && holders.some((i) => !i.approvedBy)) continue;
    out.push({ clusterId: cid, items: holders });
  }
  return out;
}

/** One pass: settles open records by observation, then hibernates the clusters whose pools are all parked. */
export async function hibernateTick(store: Store, t: ExecTerminator, ctx: HibernateContext, events: HibernateEvents = {}): Promise<number> {
  const actions = t.actions;
  if (!actions?.hibernateCluster || !actions.clusterPhase) return 0;
  const { now } = ctx;
  const wait = ctx.ambiguousWaitMs ?? AMBIGUOUS_WAIT_MS;
  let calls = 0;
  const save = (item: StoredPlanItem) => store.updateItem(item.id, { journal: item.journal }, now);
  const audit = (item: StoredPlanItem, action: string, detail: string) => store.audit({ at: now, ...ACTOR, action: `hibernate.${action}`, itemId: item.id, vrId: item.vrId, detail });

  // 1. Records whose outcome is not known yet: observation decides, never a re-send.
  for (const { item, record } of openHibernations(parkedItems(store)).values()) {
    if (record.dryRun || record.phase === "done" || record.wake) continue;
    let phase: string | undefined;
    try {
      phase = await actions.clusterPhase(record.clusterId);
    } catch (err) {
      events.log?.("warn", `hibernate: cluster ${record.clusterId} could not be read; looked at next tick`, { error: redact(String((err as Error)?.message ?? err)) });
      continue;
    }
    if (phase === "Hibernation") {
      Object.assign(record, { phase: "done", doneAt: now, note: undefined });
      store.tx(() => {
        audit(item, "hibernated", `cluster ${record.clusterId}: Hibernation seen (observed after an interrupted or failed call)`);
        save(item);
      });
    } else if (phase === undefined || (phase === "Available" && now - record.calledAt >= wait)) {
      // Gone, or unchanged past the bounded wait: the call did not take. Drop the record; the cluster is considered
      // afresh below (and hibernated again only if it still qualifies).
      item.journal!.hibernation = item.journal!.hibernation!.filter((r) => r !== record);
      store.tx(() => {
        audit(item, "abandoned", `cluster ${record.clusterId}: ${phase === undefined ? "no longer exists" : "still Available after the wait; the call did not take"}`);
        save(item);
      });
    }
  }

  // 2. Clusters whose every pool is parked by ot3c.
  const items = parkedItems(store);
  for (const cand of clustersToHibernate(items, ctx)) {
    if (!ctx.mayAct()) break;
    const carrier = cand.items.reduce((a, b) => ((b.journal?.startedAt ?? b.updatedAt) > (a.journal?.startedAt ?? a.updatedAt) ? b : a));
    const journal = (carrier.journal ??= { action: carrier.action, steps: [], startedAt: carrier.updatedAt });
    const pools = `every node pool parked by ${cand.items.map((i) => i.id).join(", ")}`;
    if (!ctx.enforce) {
      (journal.hibernation ??= []).push({ clusterId: cand.clusterId, phase: "done", calledAt: now, doneAt: now, dryRun: true });
      store.tx(() => {
        audit(carrier, "would-hibernate", `cluster ${cand.clusterId}: dry run (enforce: false); ${pools}`);
        save(carrier);
      });
      continue;
    }
    const record: HibernationJournal = { clusterId: cand.clusterId, phase: "pending", calledAt: now };
    (journal.hibernation ??= []).push(record);
    // Journal and audit before the call; with one acting engine per project the write is fenced.
    store.tx(() => {
      audit(carrier, "about-to-hibernate", `cluster ${cand.clusterId}: ${pools}`);
      save(carrier);
    });
    calls++;
    try {
      await actions.hibernateCluster(cand.clusterId);
      Object.assign(record, { phase: "done", doneAt: now });
      store.tx(() => {
        audit(carrier, "hibernated", `cluster ${cand.clusterId}: Hibernation (no master fee until it is woken)`);
        save(carrier);
      });
    } catch (err) {
      const note = redact(String((err as Error)?.message ?? err));
      Object.assign(record, { phase: "failed", note });
      store.tx(() => {
        audit(carrier, "failed", `cluster ${cand.clusterId}: ${note}`);
        save(carrier);
      });
    }
  }
  return calls;
}

/**
 * The resume's first step for a park item's pools: every hibernated cluster they belong to is woken (or found awake
 * or gone), and only clusters that are `Available` again — or were never hibernated — are returned as ready: their
 * pools may be scaled back now; the others are looked at again next tick. Journaled before the call like every
 * action; a crash after it is settled by observation (the bounded wait before a second call).
 */
export async function wakeClusters(
  store: Store,
  t: ExecTerminator,
  item: StoredPlanItem,
  why: string,
  now: number,
  events: HibernateEvents = {},
  ambiguousWaitMs: number = AMBIGUOUS_WAIT_MS,
): Promise<Set<string>> {
  const clusters = new Set<string>();
  for (const r of item.resources) if (r.kind === "CCE" && r.clusterId) clusters.add(r.clusterId);
  const ready = new Set<string>();
  if (clusters.size === 0) return ready;
  const open = openHibernations(store.listItems({ states: ["DONE", "FAILED"], actions: ["park", "stop"] }));
  // The record may be on the item being resumed: work on the caller's journal object, which the caller saves after
  // us — a fresh copy from the store would be overwritten by that save.
  for (const [cid, hit] of open) {
    const mine = hit.item.id === item.id ? item.journal?.hibernation?.find((r) => r.clusterId === cid) : undefined;
    if (mine) open.set(cid, { item, record: mine });
  }
  for (const cid of clusters) {
    const hit = open.get(cid);
    if (!hit) {
      ready.add(cid);
      continue;
    }
    const { item: carrier, record } = hit;
    const save = () => store.updateItem(carrier.id, { journal: carrier.journal }, now);
    const close = (outcome: "woken" | "left-alone" | "failed" | "calling", note: string, action: string, calledAt?: number) => {
      record.wake = { outcome, at: now, note, ...(calledAt !== undefined ? { calledAt } : {}) };
      store.tx(() => {
        store.audit({ at: now, ...ACTOR, action: `resume.${action}`, itemId: carrier.id, vrId: carrier.vrId, detail: `cluster ${cid}: ${note}` });
        save();
      });
    };
    if (record.dryRun) {
      close("woken", `dry run (enforce: false): would wake it first (${why})`, "would-awake");
      ready.add(cid);
      continue;
    }
    if (record.wake?.outcome === "failed" && now - record.wake.at < WAKE_RETRY_MS) continue;
    let phase: string | undefined;
    try {
      if (!t.actions?.clusterPhase || !t.actions.awakeCluster) throw new Error("this terminator cannot read or wake clusters; wake it by hand");
      phase = await t.actions.clusterPhase(cid);
    } catch (err) {
      events.log?.("warn", `resume: cluster ${cid} could not be read; looked at next tick`, { error: redact(String((err as Error)?.message ?? err)) });
      continue;
    }
    if (phase === undefined) {
      close("left-alone", "deleted meanwhile; nothing to wake", "left-alone");
      ready.add(cid);
    } else if (phase === "Available") {
      const ours = record.wake?.outcome === "calling" || (record.wake?.outcome === "failed" && record.wake.calledAt !== undefined);
      close(ours ? "woken" : "left-alone", ours ? `Available (${why})` : record.phase === "done" ? "woken by someone else meanwhile; left as it is" : "was never hibernated", ours ? "woken" : "left-alone");
      ready.add(cid);
    } else if (phase === "Hibernation") {
      // A wake-up journaled but not answered (crash, lost answer): an accepted one may sit in INIT, the cluster
      // unchanged. Wait before sending a second one.
      if (record.wake?.outcome === "calling" && record.wake.calledAt !== undefined && now - record.wake.calledAt < ambiguousWaitMs) continue;
      close("calling", `about to wake it before its node pools (${why})`, "about-to-awake", now);
      try {
        await t.actions!.awakeCluster!(cid);
        close("woken", `Available (${why})`, "woken", now);
        ready.add(cid);
      } catch (err) {
        close("failed", redact(String((err as Error)?.message ?? err)), "failed", now);
      }
    }
    // Any other phase (a transition): its pools wait; looked at again next tick.
  }
  return ready;
}
