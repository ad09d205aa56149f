/**
 * The parking work of one engine tick, after the executor: parks that are due come back (their owners are told;
 * a hibernated cluster is woken first), clusters whose every node pool is parked are hibernated, then office-hours
 * schedules stop and start at their edges, whatever the budget. engine.ts calls it once per tick.
 */
import type { EngineLog, EngineNotifier, EngineSettings, Evaluation } from "../engine-contract.ts";
import type { ExecTerminator } from "../execution.ts";
import { billingPeriod } from "../period.ts";
import type { Store } from "../../store/store.ts";
import { hibernateTick } from "./hibernate.ts";
import { parkedResourceIds, resumeTick } from "./resume.ts";
import { scheduledResources, scheduleTick } from "./schedules.ts";

export interface ParkingTickDeps {
  /** The fenced store (only the leader's writes go through). */
  resumeStore: Store;
  store: Store;
  terminator: ExecTerminator;
  settings: EngineSettings;
  notifier?: EngineNotifier;
  log?: EngineLog;
  mayAct(): boolean;
}

/** Returns the ids of the items it resumed. */
export async function parkingTick(d: ParkingTickDeps, ev: Evaluation | undefined, syncOk: boolean, now: number, fresh: boolean): Promise<string[]> {
  const resumed = await resumeTick(
    d.resumeStore,
    d.terminator,
    {
      now,
      // By the clock, not by the last evaluation: a park comes back at the period start even when that sync fails.
      period: billingPeriod(now, d.settings.billingBeginDay),
      mode: d.settings.resumeMode ?? "period-start",
      ...(ev && syncOk ? { headroom: -ev.budget.gap } : {}),
      ...(d.settings.ambiguousWaitMs !== undefined ? { ambiguousWaitMs: d.settings.ambiguousWaitMs } : {}),
    },
    { onResumed: (item) => d.notifier?.itemEvent("resumed", item), log: d.log },
  );
  // After the resumes (a park due back is never followed by a hibernation), on a complete and fresh inventory.
  if (ev && syncOk && fresh) {
    await hibernateTick(
      d.resumeStore,
      d.terminator,
      {
        now,
        enforce: d.settings.enforce,
        approval: d.settings.approval,
        allowed: d.settings.hibernateClusters ?? true,
        // Pools of other instances count too: a cluster one of them runs on is never hibernated.
        roots: [...ev.roots, ...(ev.excluded ?? [])],
        vetoed: new Set(ev.vetoedLeaves.keys()),
        complete: true,
        resume: { now, period: billingPeriod(now, d.settings.billingBeginDay), mode: d.settings.resumeMode ?? "period-start", headroom: -ev.budget.gap },
        mayAct: () => d.mayAct(),
        ...(d.settings.ambiguousWaitMs !== undefined ? { ambiguousWaitMs: d.settings.ambiguousWaitMs } : {}),
      },
      { log: d.log },
    );
  }
  const schedules = d.settings.schedules;
  if (ev && schedules && schedules.size > 0) {
    await scheduleTick(
      d.store,
      d.terminator,
      scheduledResources(ev.roots, schedules),
      { now, enforce: d.settings.enforce, vetoed: new Set(ev.vetoedLeaves.keys()), parked: parkedResourceIds(d.store), complete: fresh, mayAct: () => d.mayAct() },
      { log: d.log },
    );
  }
  return resumed;
}
