/**
 * Executes due plan items: the only code in ot3c that stops or deletes anything.
 *
 * Safety rules, in order:
 * 1. Nothing starts on stale or incomplete data, and nothing starts while more items are due than
 *    `max-terminations-per-run` (a brake: alert instead).
 * 2. Right before acting, re-check: still PENDING/APPROVED and due, still wanted by the current plan, budget still at
 *    risk, resource still exists (`ResourceTerminator.get`).
 * 3. Audit "about to stop/delete" *before* the call, and journal each API call around it (`pending → calling →
 *    done`, plus the job id once known) with synchronous SQLite commits.
 * 4. At most one call per resource. A step found in `calling` (after a crash) or left there by a transient error
 *    (reset, timeout, 5xx after the request went out) may or may not have reached the API; it is resolved by
 *    observation, never by re-sending: a known job is awaited; otherwise the resource is re-read — gone, already
 *    going (`deleting`, `task_state`) or already stopped → not re-sent. Unchanged proves nothing at once: OTC keeps
 *    an accepted job in INIT for a while with the resource exactly as before. The executor keeps observing for
 *    `ambiguousWaitMs` from its first observation; only a resource still unchanged after that wait, on an API where a started
 *    job shows (`mutationVisible`), is provably untouched — then the re-send is audited
 *    (`terminate.resend-after-wait`) and happens once (`retried`). Anything else (RDS, whose running jobs do not
 *    show; a second ambiguity) FAILS with "outcome unknown" and is not re-planned: an operator checks the console
 *    and re-arms it with `approve`. A double delete is worse than a late one.
 */
import { redact } from "../util/redact.ts";
import { copyRecord, ensureCopy, needsCopy, parkOne, pastOf, snapshotDeleteRefusal, verbOf } from "./parking/execute.ts";
import { isPark, isRemoval } from "./actions/ladder.ts";
import { leavesOf } from "./lifecycle.ts";
import type { CloudResource, PlanAction, ResourceTerminator } from "./types.ts";
import {
  AMBIGUOUS_WAIT_MS,
  DELETION_WAIT_LIMIT_MS,
  OUTCOME_UNKNOWN,
  isTransient,
  stepsFor,
  type ExecTerminator,
  type ExecutionContext,
  type ExecutorEvents,
  type ExecutorSettings,
  type ItemEventKind,
  type TerminationHooks,
  type TickResult,
} from "./execution.ts";
import type { ExecutionJournal, JournalStep, Store, StoredPlanItem } from "../store/store.ts";

const ACTOR = { actor: "ot3c", source: "engine" as const };

/** Transient errors tolerated per item before it fails for an operator. */
const MAX_TRANSIENT_ERRORS = 20;

function looksAlreadyDone(action: PlanAction, r: CloudResource): boolean {
  if (isPark(action)) return (r.kind === "ECS" && r.status.toUpperCase() === "SHUTOFF") || (r.kind === "RDS" && r.status.toUpperCase() === "SHUTDOWN") || (r.kind === "CCE" && r.nodeCount === 0);
  return /delet/i.test(r.status);
}

/** A stop under way (ECS `task_state: powering-off`): the effect is coming; nothing to send. */
function stopUnderWay(action: PlanAction, r: CloudResource): boolean {
  return isPark(action) && (/powering-off|stopping/i.test(r.status) || (r.kind === "CCE" && /^synchronizing$/i.test(r.status)));
}

const fmtMin = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

export class Executor {
  private stopping = false;
  private lastBrakeKey = "";

  constructor(
    private readonly store: Store,
    private readonly terminator: ExecTerminator | ResourceTerminator,
    public settings: ExecutorSettings,
    private readonly events: ExecutorEvents = {},
  ) {}

  /** After this, the call in flight finishes and is persisted, and nothing new starts. */
  requestStop(): void {
    this.stopping = true;
  }

  private get t(): ExecTerminator {
    return this.terminator as ExecTerminator;
  }

  async tick(ctx: ExecutionContext): Promise<TickResult> {
    const result: TickResult = { started: [], waitingForApproval: [], alerts: [] };
    // Finish what an earlier run (or a crashed process) left EXECUTING before anything new starts.
    for (const item of this.store.listItems({ states: ["EXECUTING"] })) {
      if (this.stopping) return result;
      await this.continueExecuting(item, ctx.now);
    }
    const due = this.store.listItems({ states: ["PENDING", "APPROVED"] }).filter((i) => i.deadline <= ctx.now && (!ctx.origin || i.origin === ctx.origin));
    const ready = due.filter((i) => i.state === "APPROVED" || this.settings.approval === "none");
    result.waitingForApproval = due.filter((i) => !ready.includes(i)).map((i) => i.id);
    const waiting = ready.filter((i) => ctx.heldBack?.(i) !== undefined);
    const runnable = waiting.length ? ready.filter((i) => !waiting.includes(i)) : ready;
    if (waiting.length) result.held = `${waiting.length} due item(s) wait: ${ctx.heldBack!(waiting[0]!)}`;
    if (runnable.length === 0) return result;
    if (!ctx.dataFresh) {
      result.held = "inventory data is stale or incomplete; due items wait for a good sync";
      return result;
    }
    if (runnable.length > this.settings.maxTerminationsPerRun) {
      const msg =
        `${runnable.length} terminations are due but max-terminations-per-run is ${this.settings.maxTerminationsPerRun}: ` +
        `nothing runs until an operator vetoes, postpones or raises the limit (${runnable.map((i) => i.id).join(", ")})`;
      result.alerts.push(msg);
      const key = "brake:" + runnable.map((i) => i.id).sort().join(",");
      if (key !== this.lastBrakeKey) {
        this.lastBrakeKey = key;
        this.store.audit({ at: ctx.now, ...ACTOR, action: "brake.tripped", detail: msg });
        this.events.log?.("error", msg);
        this.events.onAlert?.(msg, key);
      }
      return result;
    }
    this.lastBrakeKey = "";
    for (const item of runnable) {
      if (this.stopping) break;
      if (await this.startItem(item.id, ctx)) result.started.push(item.id);
    }
    return result;
  }

  /** Re-checks one due item and, if it is still needed, executes it. Returns whether it started. */
  private async startItem(id: string, ctx: ExecutionContext): Promise<boolean> {
    const now = ctx.now;
    const item = this.store.getItem(id);
    if (!item || (item.state !== "PENDING" && item.state !== "APPROVED") || item.deadline > now) return false;
    const finish = (state: "CANCELLED" | "GONE", action: string, why: string, kind: ItemEventKind) => {
      const changed = this.store.tx(() => {
        const fresh = this.store.getItem(item.id);
        if (!fresh || (fresh.state !== "PENDING" && fresh.state !== "APPROVED")) return false; // vetoed meanwhile
        this.store.audit({ at: now, ...ACTOR, action, itemId: item.id, vrId: item.vrId, detail: why });
        this.store.updateItem(item.id, { state, ...(state === "CANCELLED" ? { error: why } : {}) }, now);
        return true;
      });
      if (changed) this.events.onItem?.(kind, { ...item, state });
      return false;
    };
    if (!ctx.isWanted(item)) return finish("CANCELLED", "item.cancelled", "no longer in the plan (re-checked at the deadline)", "cancelled");
    if (!ctx.budgetAtRisk) return finish("CANCELLED", "item.cancelled", "budget no longer at risk (re-checked at the deadline)", "cancelled");
    const vr = ctx.roots.get(item.vrId);
    if (!vr) return finish("GONE", "item.gone", "resource no longer exists (re-checked at the deadline)", "gone");
    const targets = stepsFor(item.action, leavesOf(vr));
    if (targets.length === 0) {
      this.fail(item, `nothing to ${item.action} in ${item.vrId}`, now);
      return false;
    }
    // A resource can appear in two items (a group item half done, and its left-over volume planned on its own):
    // never start on a resource another item is still working on; it is re-checked once that one finished.
    const busy = new Set<string>();
    for (const other of this.store.listItems({ states: ["EXECUTING"] })) {
      for (const st of other.journal?.steps ?? []) if (st.phase === "pending" || st.phase === "calling") busy.add(st.resourceId);
    }
    if (targets.some((r) => busy.has(r.id))) return false;
    const steps: JournalStep[] = [];
    const currentOf = new Map<string, CloudResource>();
    for (const r of targets) {
      let current: CloudResource | undefined;
      try {
        current = await this.t.get(r);
      } catch (err) {
        // Cannot re-check → do not act. The item stays due and is retried on the next tick.
        this.events.log?.("warn", `re-check of ${r.kind} ${r.id} failed; ${item.id} waits`, { error: redact(String((err as Error)?.message ?? err)) });
        return false;
      }
      if (current) currentOf.set(r.id, current);
      // Already stopped, or already being deleted by someone else: nothing to send for this one.
      const phase = !current ? "gone" : looksAlreadyDone(item.action, current) ? (isPark(item.action) ? "done" : "gone") : "pending";
      steps.push({ resourceId: r.id, kind: r.kind, phase });
    }
    // A volume still attached to a server that this item does not delete first cannot be deleted (the API refuses);
    // say so instead of sending a call that must fail.
    if (isRemoval(item.action)) {
      const serversFirst = new Set(targets.filter((r) => r.kind === "ECS").map((r) => r.id));
      for (const [i, r] of targets.entries()) {
        const attached = (r.kind === "EVS" && steps[i]!.phase === "pending" ? currentOf.get(r.id)?.attachedServerIds : undefined) ?? [];
        const foreign = attached.filter((sid) => !serversFirst.has(sid));
        if (foreign.length > 0) {
          this.fail(item, `EVS ${r.id} is attached to server ${foreign.join(", ")}, which this item does not delete; detach it or plan the server`, now);
          return false;
        }
      }
    }
    const refusal = snapshotDeleteRefusal(item.action, targets);
    if (refusal) {
      this.fail(item, refusal, now);
      return false;
    }
    if (steps.every((s) => s.phase !== "pending")) {
      return finish("GONE", "item.gone", "resource already removed or stopped by someone else", "gone");
    }
    const verb = verbOf(item.action);
    const list = targets.map((r) => `${r.kind} ${r.id}`).join(", ");
    // The re-checks above awaited the API: a veto or postpone may have landed meanwhile (socket, CLI, TUI).
    // Decide again inside the transaction that commits to acting.
    const stillDue = () => {
      const fresh = this.store.getItem(item.id);
      return !!fresh && (fresh.state === "PENDING" || fresh.state === "APPROVED") && fresh.deadline <= now && (fresh.state === "APPROVED" || this.settings.approval === "none");
    };
    if (!this.settings.enforce) {
      const committed = this.store.tx(() => {
        if (!stillDue()) return false;
        this.store.audit({ at: now, ...ACTOR, action: `terminate.would-${verb}`, itemId: item.id, vrId: item.vrId, detail: `dry run (enforce: false): would ${verb} ${list}` });
        this.store.updateItem(item.id, { state: "DONE", dryRun: true, resources: targets }, now);
        return true;
      });
      if (!committed) return false;
      this.events.log?.("info", `dry run: would ${verb} ${item.vrId}`, { item: item.id });
      this.events.onItem?.("executed", { ...item, state: "DONE", dryRun: true });
      return true;
    }
    const journal: ExecutionJournal = { action: item.action, steps, startedAt: now };
    const committed = this.store.tx(() => {
      if (!stillDue()) return false;
      this.store.audit({ at: now, ...ACTOR, action: `terminate.about-to-${verb}`, itemId: item.id, vrId: item.vrId, detail: `${verb} ${list}` });
      this.store.updateItem(item.id, { state: "EXECUTING", journal, resources: targets }, now);
      return true;
    });
    if (!committed) return false;
    this.events.log?.("warn", `${verb} ${item.vrId}`, { item: item.id, resources: list });
    await this.runJournal({ ...item, state: "EXECUTING", journal, resources: targets }, now);
    return true;
  }

  /** Resumes an EXECUTING item: after a crash, or one waiting for a deletion already under way. */
  private async continueExecuting(item: StoredPlanItem, now: number): Promise<void> {
    if (!item.journal) {
      // EXECUTING is only ever written together with its journal; a missing one means a foreign write.
      this.fail(item, "EXECUTING without an execution journal; not re-sending anything", now);
      return;
    }
    await this.runJournal(item, now);
  }

  private persist(item: StoredPlanItem, journal: ExecutionJournal, now: number): void {
    this.store.updateItem(item.id, { journal }, now);
  }

  private async runJournal(item: StoredPlanItem, now: number): Promise<void> {
    const journal = item.journal!;
    for (const step of journal.steps) {
      if (step.phase === "done" || step.phase === "gone") continue;
      if (this.stopping) return; // remaining steps are `pending`: safe to resume after the restart
      const resource = item.resources.find((r) => r.id === step.resourceId) ?? ({ kind: step.kind, id: step.resourceId, name: step.resourceId, status: "", tags: {} } as CloudResource);
      try {
        if (step.phase === "calling") {
          const settled = await this.resolveAmbiguous(item, journal, step, resource, now);
          if (settled === "wait") return;
          if (settled === "failed") return;
          if (settled === "settled") continue;
        }
        // snapshot-delete: the copy first (not a mutation of the resource; a failure fails the item, nothing deleted).
        if (needsCopy(journal.action, resource)) step.copy = copyRecord(await ensureCopy(this.t.actions, resource, item.id), now);
        step.phase = "calling";
        step.calledAt = now;
        delete step.ambiguousSince;
        this.persist(item, journal, now);
        const hooks: TerminationHooks = {
          onJob: (jobId) => {
            step.jobId = jobId;
            this.persist(item, journal, now);
          },
        };
        if (isPark(journal.action)) await parkOne(this.t, resource, step, hooks, () => this.persist(item, journal, now));
        else await this.t.delete(resource, hooks);
        step.phase = "done";
        this.persist(item, journal, now);
      } catch (err) {
        const message = redact(String((err as Error)?.message ?? err));
        // A delete answered 404: the resource is already gone (e.g. a system disk that went with its server, or
        // someone else deleted it since the re-check). Nothing was deleted twice; the step is done as "gone".
        if (isRemoval(journal.action) && step.phase === "calling" && (err as { status?: number })?.status === 404) {
          step.phase = "gone";
          this.persist(item, journal, now);
          this.events.log?.("info", `${step.kind} ${step.resourceId} was already gone (404 on delete)`, { item: item.id });
          continue;
        }
        // A network error or 5xx after the call may have been accepted is not a failed termination: the step stays
        // `calling` and the next tick resolves it like a restart would (await the job, or read the resource).
        if (step.phase === "calling" && isTransient(err) && (journal.transientErrors ?? 0) < MAX_TRANSIENT_ERRORS) {
          journal.transientErrors = (journal.transientErrors ?? 0) + 1;
          this.persist(item, journal, now);
          this.events.log?.("warn", `${journal.action} of ${step.kind} ${step.resourceId} interrupted (${message}); resolving on the next tick`, { item: item.id });
          return;
        }
        this.fail(item, message, now, journal);
        return;
      }
    }
    const verb = pastOf(journal.action);
    this.store.tx(() => {
      this.store.audit({ at: now, ...ACTOR, action: `terminate.${verb}`, itemId: item.id, vrId: item.vrId, detail: journal.steps.map((s) => `${s.kind} ${s.resourceId}: ${s.phase}`).join(", ") });
      this.store.updateItem(item.id, { state: "DONE", journal }, now);
    });
    this.events.log?.("warn", `${verb} ${item.vrId}`, { item: item.id });
    this.events.onItem?.("executed", { ...item, state: "DONE", journal });
  }

  /**
   * A step left in `calling` (a dead process, or a transient error after the request went out). Returns "settled"
   * when the effect is known to have happened, "resend" when the resource is provably untouched after the bounded
   * wait (audited), "wait" while the effect may still appear or is under way, "failed" otherwise.
   */
  private async resolveAmbiguous(
    item: StoredPlanItem,
    journal: ExecutionJournal,
    step: JournalStep,
    resource: CloudResource,
    now: number,
  ): Promise<"settled" | "resend" | "wait" | "failed"> {
    const what = `${journal.action} of ${step.kind} ${step.resourceId}`;
    if (step.ambiguousSince === undefined) {
      step.ambiguousSince = now;
      this.store.tx(() => {
        this.store.audit({ at: now, ...ACTOR, action: "terminate.ambiguous", itemId: item.id, vrId: item.vrId, detail: `${what}: outcome unknown (interrupted mid-call); resolving by observation, not by re-sending` });
        this.persist(item, journal, now);
      });
    }
    const settle = (phase: "done" | "gone", how: string): "settled" => {
      step.phase = phase;
      this.store.tx(() => {
        this.store.audit({ at: now, ...ACTOR, action: "terminate.resolved", itemId: item.id, vrId: item.vrId, detail: `${what}: ${how}; not re-sent` });
        this.persist(item, journal, now);
      });
      return "settled";
    };
    if (step.jobId && this.t.awaitJob) {
      await this.t.awaitJob(resource, step.jobId);
      return settle("done", `job ${step.jobId} finished`);
    }
    const current = await this.t.get(resource);
    if (!current) return settle(isRemoval(journal.action) ? "done" : "gone", "resource gone");
    if (looksAlreadyDone(journal.action, current)) {
      if (isPark(journal.action)) return settle("done", `already ${current.status}`);
      // A volume or node pool in its deleting state means a delete was accepted: the resource's own state is final
      // (its job cannot be polled without the id, and needs no more calls from us). A server still shows its
      // deletion as a task on a live resource: wait for it to go, then its volumes can follow.
      if (current.kind === "EVS" || current.kind === "CCE") return settle("done", `${current.kind} ${current.status}`);
      return this.waitUnderWay(item, journal, step, current, now);
    }
    if (stopUnderWay(journal.action, current)) return this.waitUnderWay(item, journal, step, current, now);
    if (step.jobId) return "wait"; // a job exists but this terminator cannot poll it: wait for its effect
    // Unchanged. An accepted job may not have started yet: keep observing for the bounded wait. It counts from the
    // first observation, not from `calledAt`: that is the start of the tick that sent the call, which may lie well
    // before the request actually went out (earlier steps of the tick awaited their jobs), while every observation
    // happens after it.
    const since = step.ambiguousSince;
    const limit = this.settings.ambiguousWaitMs ?? AMBIGUOUS_WAIT_MS;
    const waited = now - since;
    if (waited < limit) return "wait";
    const conclusive = this.t.mutationVisible?.(current) === true;
    if (!conclusive || journal.retried) {
      journal.ambiguous = true;
      this.fail(
        item,
        `${OUTCOME_UNKNOWN}: the ${journal.action} call of ${step.kind} ${step.resourceId} was interrupted and the API cannot tell ` +
          `whether it arrived (${step.kind} still ${current.status} after ${fmtMin(waited)}${journal.retried ? ", already re-sent once" : ""}); not re-sent. ` +
          `Check the console, then \`ot3c approve ${item.id}\` to retry`,
        now,
        journal,
      );
      return "failed";
    }
    journal.retried = true;
    this.store.tx(() => {
      this.store.audit({
        at: now,
        ...ACTOR,
        action: `terminate.resend-after-wait`,
        itemId: item.id,
        vrId: item.vrId,
        detail:
          `${what}: still ${current.status} with no job id and no task ${fmtMin(waited)} after the interrupted call ` +
          `(wait ${fmtMin(limit)}); a started job would show, so the call never arrived: sending it once more`,
      });
      this.persist(item, journal, now);
    });
    this.events.log?.("warn", `${what} provably untouched after ${fmtMin(waited)}: re-sending once (audited)`, { item: item.id });
    return "resend";
  }

  /** A deletion or stop visibly under way: wait for it to finish, up to DELETION_WAIT_LIMIT_MS from the start. */
  private waitUnderWay(item: StoredPlanItem, journal: ExecutionJournal, step: JournalStep, current: CloudResource, now: number): "wait" | "failed" {
    if (now - journal.startedAt > DELETION_WAIT_LIMIT_MS) {
      journal.ambiguous = true;
      this.fail(item, `${OUTCOME_UNKNOWN}: ${step.kind} ${step.resourceId} still ${current.status} ${Math.round((now - journal.startedAt) / 60_000)} min after the ${journal.action}; check the console`, now, journal);
      return "failed";
    }
    return "wait";
  }

  private fail(item: StoredPlanItem, error: string, now: number, journal?: ExecutionJournal): void {
    this.store.tx(() => {
      this.store.audit({ at: now, ...ACTOR, action: "terminate.failed", itemId: item.id, vrId: item.vrId, detail: error });
      this.store.updateItem(item.id, { state: "FAILED", error, ...(journal ? { journal } : {}) }, now);
    });
    this.events.log?.("error", `termination of ${item.vrId} failed: ${error}`, { item: item.id });
    this.events.onItem?.("failed", { ...item, state: "FAILED", error });
  }
}
