/**
 * The engine's plan-file mode (`ot3c run --plan FILE`): the items come from an operator's plan file instead of the
 * closed loop. An unreadable file must never cancel its items, so its error is kept (shown as an alert, and data
 * counts as not fresh) until the file reads again.
 */
import { redact } from "../util/redact.ts";
import { reconcile } from "./lifecycle.ts";
import { budgetAtRisk, type EngineDeps, type Evaluation } from "./engine-contract.ts";
import type { PlannedTermination } from "./types.ts";

export class PlanFileLoop {
  /** Why the plan file could not be read at the last attempt (absent: it read). */
  error?: string;

  /** `deps` is the engine's own object: settings replaced by a reload are seen here too. */
  constructor(private readonly deps: EngineDeps) {}

  /** The items the engine wants: the closed loop's plan, or the plan file's items for the resources it knows. */
  desired(ev: Evaluation | undefined): PlannedTermination[] {
    if (!ev) return [];
    if (!this.deps.planFile) return ev.plan.items;
    try {
      const known = new Set(ev.roots.map((r) => r.id));
      for (const i of this.deps.store.listItems({ periodStart: ev.period.start })) if (i.origin === "plan-file") known.add(i.vrId);
      const items = this.deps.planFile({ period: ev.period, knownIds: [...known] });
      this.error = undefined;
      return items;
    } catch (err) {
      this.error = redact(String((err as Error)?.message ?? err));
      return [];
    }
  }

  /** After a good sync: the plan file's items reconciled with the store (the leader only), owners told. */
  reconcile(ev: Evaluation, now: number, mayAct: boolean): void {
    const { store, settings, notifier, log } = this.deps;
    const desired = this.desired(ev);
    if (this.error) return; // an unreadable plan file must not cancel its items
    if (!mayAct) return; // follower: the leader reconciles and notifies
    const result = reconcile(store, {
      now,
      graceMs: settings.graceMs,
      periodStart: ev.period.start,
      desired,
      origin: "plan-file",
      roots: new Map(ev.roots.map((r) => [r.id, r])),
      budgetAtRisk: budgetAtRisk(ev),
    });
    for (const item of result.created) notifier?.itemEvent("planned", item);
    for (const item of result.cancelled) notifier?.itemEvent("cancelled", item);
    for (const item of result.gone) notifier?.itemEvent("gone", item);
    if (result.created.length || result.cancelled.length || result.gone.length) {
      log?.("info", "plan reconciled", { created: result.created.length, cancelled: result.cancelled.length, gone: result.gone.length });
    }
  }
}
