/**
 * Office-hours schedules run (issue #17): a server or database tagged `ot3c_schedule=NAME` is stopped when the
 * schedule's hours end and started when they begin, whether or not the budget is at risk — the forecast already
 * counts on it (closed-loop/schedules.ts).
 *
 * Edge-triggered and durable: per resource the store keeps the absolute instants of its next stop and start
 * (`schedule_runs`), so a restart neither misses nor repeats an edge, and whether ot3c stopped it: ot3c starts only
 * what it stopped, never what a person stopped. When both edges fell due while ot3c was down, only the later one
 * counts (after a night off, 08:00 means "running", not "stop, then start").
 *
 * Rules: a resource vetoed this period is left alone; a resource parked for the budget is not started by its
 * schedule (the park's resume does that); `enforce: false` audits "would stop/start" and calls nothing; a call that
 * may have gone out when the process died (`pending`) is settled by re-reading the resource first. The tag itself
 * is the owner's standing approval: scheduled stops do not wait for `approval: required` (they are undone by the
 * schedule a few hours later).
 */
import { redact } from "../../util/redact.ts";
import type { ScheduleRun, Store } from "../../store/store.ts";
import { isRunningAt, nextStart, nextStop, type Schedule } from "../actions/schedule.ts";
import type { ExecTerminator } from "../execution.ts";
import type { CloudResource, ResourceUnit } from "../types.ts";

const ACTOR = { actor: "ot3c", source: "engine" as const };

export interface ScheduledResource {
  /** Leaf id (`ECS_<id>`). */
  leaf: string;
  resource: CloudResource;
  schedule: Schedule;
}

export interface ScheduleTickContext {
  now: number;
  enforce: boolean;
  /** Leaf ids vetoed this period. */
  vetoed: ReadonlySet<string>;
  /** Resource ids parked for the budget and not yet resumed. */
  parked: ReadonlySet<string>;
  /** The inventory is complete (a good sync): rows of resources no longer scheduled may be dropped. */
  complete: boolean;
  /** Asked right before every call (one acting engine per project): false → nothing more is sent this tick. */
  mayAct?: () => boolean;
}

export interface ScheduleEvents {
  log?(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** Leaves of the evaluated tree that follow a schedule (their ladder has `schedule`), with the compiled schedule. */
export function scheduledResources(roots: ResourceUnit[], schedules: ReadonlyMap<string, Schedule>): ScheduledResource[] {
  const out: ScheduledResource[] = [];
  const walk = (u: ResourceUnit) => {
    if (u.members.length > 0) return u.members.forEach(walk);
    const s = u.schedule ? schedules.get(u.schedule) : undefined;
    if (s && u.resource && (u.kind === "ECS" || u.kind === "RDS")) out.push({ leaf: u.id, resource: u.resource, schedule: s });
  };
  roots.forEach(walk);
  return out;
}

const isStopped = (r: CloudResource) => /^(SHUTOFF|SHUTDOWN)$/i.test(r.status);
const isActive = (r: CloudResource) => r.status.toUpperCase() === "ACTIVE";

/** One pass over every scheduled resource. Returns the number of calls made. */
export async function scheduleTick(store: Store, t: ExecTerminator, scheduled: ScheduledResource[], ctx: ScheduleTickContext, events: ScheduleEvents = {}): Promise<number> {
  const { now } = ctx;
  const runs = new Map(store.scheduleRuns().map((r) => [r.resourceId, r]));
  let calls = 0;
  const mayCall = () => ctx.mayAct?.() ?? true;
  for (const s of scheduled) {
    if (!mayCall()) return calls;
    let run = runs.get(s.resource.id);
    runs.delete(s.resource.id);
    if (!run || run.schedule !== s.schedule.name) {
      // First sight (or a new schedule): outside its hours a running resource is due to stop now.
      run = {
        resourceId: s.resource.id,
        kind: s.resource.kind,
        schedule: s.schedule.name,
        nextStopAt: isRunningAt(s.schedule, now) ? nextStop(s.schedule, now) : s.schedule.enforce === "start-only" ? undefined : now,
        nextStartAt: nextStart(s.schedule, now),
        since: now,
        updatedAt: now,
      };
      store.putScheduleRun(run);
    }
    const stopDue = run.nextStopAt !== undefined && run.nextStopAt <= now;
    const startDue = run.nextStartAt !== undefined && run.nextStartAt <= now;
    if (!stopDue && !startDue && !run.pending) continue;
    // The later of two due edges is what the schedule wants now.
    const edge: "stop" | "start" | undefined =
      run.pending ?? (stopDue && startDue ? (run.nextStopAt! > run.nextStartAt! ? "stop" : "start") : stopDue ? "stop" : startDue ? "start" : undefined);
    const advance = (patch: Partial<ScheduleRun>) => {
      run = { ...run!, ...patch, pending: undefined, updatedAt: now };
      if (stopDue || edge === "stop") run.nextStopAt = nextStop(s.schedule, now);
      if (startDue || edge === "start") run.nextStartAt = nextStart(s.schedule, now);
      store.putScheduleRun(run);
    };
    const audit = (action: string, detail: string) => store.audit({ at: now, ...ACTOR, action: `schedule.${action}`, vrId: s.leaf, detail: `${s.resource.kind} ${s.resource.id} (${s.schedule.name}): ${detail}` });
    let current: CloudResource | undefined;
    try {
      current = await t.get(s.resource);
    } catch (err) {
      events.log?.("warn", `schedule: re-read of ${s.leaf} failed; tried again next tick`, { error: redact(String((err as Error)?.message ?? err)) });
      continue;
    }
    if (!current) {
      audit("gone", "no longer exists");
      store.deleteScheduleRun(s.resource.id);
      continue;
    }
    if (edge === "stop") {
      if (run.pending === "stop" && isStopped(current)) advance({ stoppedAt: now });
      else if (ctx.vetoed.has(s.leaf)) {
        audit("skipped", "vetoed this period; not stopped");
        advance({});
      } else if (ctx.parked.has(s.resource.id) || !isActive(current)) advance({});
      else if (!ctx.enforce) {
        audit("would-stop", "dry run (enforce: false)");
        advance({ stoppedAt: now });
      } else {
        if (!mayCall()) return calls;
        store.tx(() => {
          audit("about-to-stop", "the schedule's hours ended");
          store.putScheduleRun({ ...run!, pending: "stop", updatedAt: now });
        });
        calls++;
        try {
          await t.stop(current);
          audit("stopped", "outside the schedule's hours");
          advance({ stoppedAt: now });
        } catch (err) {
          audit("failed", `stop: ${redact(String((err as Error)?.message ?? err))}`);
          advance({});
        }
      }
    } else if (edge === "start") {
      const ours = run.stoppedAt !== undefined;
      if (run.pending === "start" && isActive(current)) advance({ stoppedAt: undefined });
      else if (!ours || ctx.parked.has(s.resource.id)) advance({ stoppedAt: undefined });
      else if (!isStopped(current)) {
        if (isActive(current)) audit("left-alone", "started by someone else meanwhile");
        advance({ stoppedAt: undefined });
      } else if (!ctx.enforce) {
        audit("would-start", "dry run (enforce: false)");
        advance({ stoppedAt: undefined });
      } else if (!t.actions) {
        audit("failed", "this terminator cannot start resources; start it by hand");
        advance({ stoppedAt: undefined });
      } else {
        if (!mayCall()) return calls;
        store.tx(() => {
          audit("about-to-start", "the schedule's hours begin");
          store.putScheduleRun({ ...run!, pending: "start", updatedAt: now });
        });
        calls++;
        try {
          await t.actions.start(current);
          audit("started", "inside the schedule's hours");
          advance({ stoppedAt: undefined });
        } catch (err) {
          audit("failed", `start: ${redact(String((err as Error)?.message ?? err))}`);
          advance({});
        }
      }
    }
  }
  // Resources no longer scheduled (tag removed, schedule dropped): forget them; one ot3c stopped is started again.
  if (ctx.complete) {
    for (const run of runs.values()) {
      if (!mayCall()) return calls;
      if (run.stoppedAt !== undefined && ctx.enforce && t.actions && !ctx.parked.has(run.resourceId)) {
        const r = { kind: run.kind, id: run.resourceId, name: run.resourceId, status: "", tags: {} } as CloudResource;
        try {
          const current = await t.get(r);
          if (current && isStopped(current)) {
            calls++;
            await t.actions.start(current);
            store.audit({ at: now, ...ACTOR, action: "schedule.started", detail: `${run.kind} ${run.resourceId}: its schedule ${run.schedule} no longer applies; started again` });
          }
        } catch (err) {
          events.log?.("warn", `schedule: could not start ${run.resourceId} after its schedule was removed`, { error: redact(String((err as Error)?.message ?? err)) });
          continue;
        }
      }
      store.deleteScheduleRun(run.resourceId);
    }
  }
  return calls;
}
