/**
 * The way back from a park (issue #17): what ot3c parked is started again at the next period start, earlier when an
 * operator says `ot3c resume ID` (the item's `resume.dueAt`), or — with `resume: on-recovery` — as soon as the
 * budget has room for it again (the headroom below the target covers what the park saves, so starting it does not
 * put the budget back at risk and the planner does not park it again the next hour).
 *
 * Per parked resource (a park item's journal step that was done), re-read first:
 * - gone → left alone, "deleted meanwhile";
 * - running → left alone, "started by someone else" (RDS after 7 days: "started again by OTC");
 * - stopped → started (`ResourceActions.start`, the job waited for), audited before and after;
 * - anything else (a job of someone else under way) → looked at again on the next tick.
 * A failed start is retried an hour later. Every outcome is kept in the item's journal (`resume`), so a restart
 * neither starts twice nor forgets; the owner is told once every parked resource has its outcome.
 * Dry-run parks (made with `enforce: false`) audit "would start" and record the counterfactual resume. A real park is
 * always undone, also by an engine that meanwhile runs in dry run: starting undoes ot3c's own action.
 */
import { redact } from "../../util/redact.ts";
import type { ResumeJournal, Store, StoredPlanItem } from "../../store/store.ts";
import { isPark, isParkableKind } from "../actions/ladder.ts";
import { RDS_MAX_STOPPED_MS } from "../actions/resume.ts";
import type { ExecTerminator } from "../execution.ts";
import type { ActorSource, BillingPeriod, CloudResource, ParkedState } from "../types.ts";

const ACTOR = { actor: "ot3c", source: "engine" as const };
/** A failed start is tried again after this long. */
export const RESUME_RETRY_MS = 3_600_000;

export interface ResumeContext {
  now: number;
  /** The billing period `now` is in. */
  period: BillingPeriod;
  mode: "period-start" | "on-recovery";
  /** Target minus the month-end forecast (negative when over budget); undefined without a good evaluation. */
  headroom?: number;
}

export interface ResumeEvents {
  /** Every parked resource of the item has its outcome (the owner is told). */
  onResumed?(item: StoredPlanItem): void;
  log?(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** Why a park item is due to come back at `now`, or undefined. */
export function resumeReason(item: StoredPlanItem, ctx: ResumeContext): string | undefined {
  if (item.periodStart < ctx.period.start) return "the next billing period started";
  const due = item.journal?.resume?.dueAt;
  if (due !== undefined && due <= ctx.now) return "an operator asked for it";
  if (ctx.mode === "on-recovery" && ctx.headroom !== undefined && ctx.headroom >= item.tsave) return "the budget has room for it again (resume: on-recovery)";
  return undefined;
}

/** Park items whose resources ot3c has not brought back yet. */
export function parkedItems(store: Store): StoredPlanItem[] {
  return store
    .listItems({ states: ["DONE", "FAILED"], actions: ["park", "stop"] })
    .filter((i) => isPark(i.action) && i.journal?.resume?.doneAt === undefined && (i.dryRun || (i.journal?.steps ?? []).some((s) => s.phase === "done")));
}

/** Resource ids that park items hold stopped (not yet brought back). */
export function parkedResourceIds(store: Store): Set<string> {
  const out = new Set<string>();
  for (const i of parkedItems(store)) for (const s of i.journal?.steps ?? []) if (s.phase === "done") out.add(s.resourceId);
  return out;
}

/** One pass: brings back every due park. Returns the ids of items whose resume completed. */
export async function resumeTick(store: Store, terminator: ExecTerminator, ctx: ResumeContext, events: ResumeEvents = {}): Promise<string[]> {
  const finished: string[] = [];
  for (const item of parkedItems(store)) {
    const why = resumeReason(item, ctx);
    if (!why) continue;
    if (await resumeItem(store, terminator, item, why, ctx, events)) finished.push(item.id);
  }
  return finished;
}

async function resumeItem(store: Store, t: ExecTerminator, item: StoredPlanItem, why: string, ctx: ResumeContext, events: ResumeEvents): Promise<boolean> {
  const { now } = ctx;
  const journal = item.journal ?? { action: item.action, steps: [], startedAt: item.updatedAt };
  const resume: ResumeJournal = journal.resume ?? { steps: [] };
  journal.resume = resume;
  const save = () => store.updateItem(item.id, { journal }, now);
  // A real park is always undone, even by an engine now in dry run: starting undoes ot3c's own action.
  if (item.dryRun) {
    const parked = item.resources.filter((r) => isParkableKind(r.kind));
    resume.steps = parked.map((r) => ({ resourceId: r.id, kind: r.kind, outcome: "started" as const, at: now, note: "dry run" }));
    resume.doneAt = now;
    store.tx(() => {
      store.audit({ at: now, ...ACTOR, action: "resume.would-start", itemId: item.id, vrId: item.vrId, detail: `dry run (enforce: false): would start ${parked.map((r) => `${r.kind} ${r.id}`).join(", ")} (${why})` });
      save();
    });
    events.onResumed?.({ ...item, journal });
    return true;
  }
  for (const step of journal.steps) {
    if (step.phase !== "done") continue;
    const prev = resume.steps.find((s) => s.resourceId === step.resourceId);
    if (prev && prev.outcome !== "failed") continue;
    if (prev && now - prev.at < RESUME_RETRY_MS) continue;
    const resource = item.resources.find((r) => r.id === step.resourceId) ?? ({ kind: step.kind, id: step.resourceId, name: step.resourceId, status: "", tags: {} } as CloudResource);
    const record = (outcome: "started" | "left-alone" | "failed", note?: string) => {
      resume.steps = resume.steps.filter((s) => s.resourceId !== step.resourceId);
      resume.steps.push({ resourceId: step.resourceId, kind: step.kind, outcome, at: now, ...(note ? { note } : {}) });
      store.tx(() => {
        store.audit({ at: now, ...ACTOR, action: `resume.${outcome}`, itemId: item.id, vrId: item.vrId, detail: `${step.kind} ${step.resourceId}${note ? `: ${note}` : ""}` });
        save();
      });
    };
    let current: CloudResource | undefined;
    try {
      current = await t.get(resource);
    } catch (err) {
      events.log?.("warn", `re-read of parked ${step.kind} ${step.resourceId} failed; tried again next tick`, { item: item.id, error: redact(String((err as Error)?.message ?? err)) });
      continue;
    }
    const status = current?.status.toUpperCase() ?? "";
    if (!current) record("left-alone", "deleted meanwhile; nothing to start");
    else if (current.kind === "CCE") {
      const back = await resumePool(t, current, step.parked, (n) => record("left-alone", n), item, why, now, store, save);
      if (back) record(back.outcome, back.note);
    } else if (status === "ACTIVE") {
      const byCloud = step.kind === "RDS" && now >= journal.startedAt + RDS_MAX_STOPPED_MS;
      record("left-alone", byCloud ? "running again: OTC starts a stopped database after 7 days" : "started by someone else meanwhile; left as it is");
    } else if (status === "SHUTOFF" || status === "SHUTDOWN") {
      if (!t.actions) {
        record("failed", "this terminator cannot start resources; start it by hand");
        continue;
      }
      // Audit, and write the item, before the call: with one acting engine per project (store/lease) the write is
      // fenced, so a process that lost the lease throws here and sends nothing.
      store.tx(() => {
        store.audit({ at: now, ...ACTOR, action: "resume.about-to-start", itemId: item.id, vrId: item.vrId, detail: `${step.kind} ${step.resourceId} (${why})` });
        save();
      });
      try {
        await t.actions.start(current);
        record("started", why);
      } catch (err) {
        record("failed", redact(String((err as Error)?.message ?? err)));
      }
    }
    // Any other status: a transition someone else started; look again on the next tick.
  }
  const parked = journal.steps.filter((s) => s.phase === "done");
  const complete = parked.every((s) => resume.steps.some((r) => r.resourceId === s.resourceId && r.outcome !== "failed"));
  if (!complete) return false;
  resume.doneAt = now;
  store.tx(() => {
    store.audit({ at: now, ...ACTOR, action: "resume.done", itemId: item.id, vrId: item.vrId, detail: resume.steps.map((s) => `${s.kind} ${s.resourceId}: ${s.outcome}${s.note ? ` (${s.note})` : ""}`).join(", ") });
    save();
  });
  events.log?.("info", `park of ${item.vrId} ended (${why})`, { item: item.id });
  events.onResumed?.({ ...item, journal });
  return true;
}

/**
 * A parked node pool: still at 0 nodes → scaled back to the count and autoscaling kept in the journal (written before
 * the park's call); nodes again → someone scaled it meanwhile, left alone; scaling under way → looked at next tick.
 */
async function resumePool(
  t: ExecTerminator,
  current: CloudResource,
  parked: ParkedState | undefined,
  leftAlone: (note: string) => void,
  item: StoredPlanItem,
  why: string,
  now: number,
  store: Store,
  save: () => void,
): Promise<{ outcome: "started" | "failed"; note?: string } | undefined> {
  if (/^synchronizing$/i.test(current.status)) return undefined;
  if (current.nodeCount === undefined) return { outcome: "failed", note: "the node pool's node count cannot be read; scale it by hand" };
  if (current.nodeCount > 0) {
    leftAlone(`scaled to ${current.nodeCount} node(s) by someone else meanwhile; left as it is`);
    return undefined;
  }
  if (!parked || parked.formerNodeCount === undefined) {
    leftAlone("had no nodes when it was parked (or its former count was not kept); left at 0");
    return undefined;
  }
  if (!t.actions?.resume) return { outcome: "failed", note: "this terminator cannot scale node pools; scale it by hand" };
  store.tx(() => {
    store.audit({ at: now, ...ACTOR, action: "resume.about-to-start", itemId: item.id, vrId: item.vrId, detail: `CCE ${current.id}: back to ${parked.formerNodeCount} node(s) (${why})` });
    save();
  });
  try {
    await t.actions.resume(current, parked);
    return { outcome: "started", note: `${why}; ${parked.formerNodeCount} node(s)` };
  } catch (err) {
    return { outcome: "failed", note: redact(String((err as Error)?.message ?? err)) };
  }
}

/** `ot3c resume ID…`: marks parks to come back now; the next tick starts them. Returns the ids it accepted. */
export function requestResume(store: Store, ids: string[], now: number, actor: { actor: string; source: ActorSource }): { accepted: string[]; refused: Array<{ id: string; reason: string }> } {
  const accepted: string[] = [];
  const refused: Array<{ id: string; reason: string }> = [];
  const open = new Map(parkedItems(store).map((i) => [i.id, i]));
  for (const id of ids) {
    const item = open.get(id);
    if (!item) {
      refused.push({ id, reason: "no parked item with this id (not a park, not executed, or already resumed)" });
      continue;
    }
    const journal = item.journal ?? { action: item.action, steps: [], startedAt: item.updatedAt };
    journal.resume = { ...(journal.resume ?? { steps: [] }), dueAt: now };
    store.tx(() => {
      store.audit({ at: now, actor: actor.actor, source: actor.source, action: "resume.requested", itemId: id, vrId: item.vrId });
      store.updateItem(id, { journal }, now);
    });
    accepted.push(id);
  }
  return { accepted, refused };
}
