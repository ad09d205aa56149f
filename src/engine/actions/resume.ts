/**
 * When something ot3c parked comes back.
 *
 * - `resume: period-start` (default): at the start of the next billing period, when the budget is new.
 * - `resume: on-recovery`: as soon as the budget is no longer at risk without it (the engine decides that each
 *   sync), and at the next period start at the latest.
 *
 * Independent of ot3c, OTC starts a stopped RDS instance by itself after at most 7 days (documented: "If you do not
 * manually start your stopped DB instance after seven days, your DB instance is automatically started during the
 * next maintenance window"). From `autoRestartAt` on its compute bills again, so the forecast must count it and
 * the planner may have to park it again. We take exactly 7 days: the maintenance window can only make it later,
 * so the forecast errs towards spending, never towards a saving that does not happen.
 */
import { RDS_AUTO_RESTART_MS } from "../closed-loop/effects.ts";
import type { BillingPeriod, ResourceKind } from "../types.ts";

export type ResumeMode = "period-start" | "on-recovery";

/** One constant with the closed loop's figures: a stop saves at most these 7 days. */
export const RDS_MAX_STOPPED_MS = RDS_AUTO_RESTART_MS;

/** The latest instant a parked resource is started again by ot3c: the next period start. */
export function resumeDeadline(period: BillingPeriod): number {
  return period.end;
}

/** When OTC itself starts a parked resource again, if it does (RDS: 7 days after the stop). */
export function autoRestartAt(kind: ResourceKind, parkedAt: number): number | undefined {
  return kind === "RDS" ? parkedAt + RDS_MAX_STOPPED_MS : undefined;
}

/**
 * Until when a park that starts at `parkedAt` keeps the resource stopped, as far as billing is concerned: the
 * earlier of ot3c's own resume and OTC's restart.
 */
export function parkedUntil(kind: ResourceKind, parkedAt: number, period: BillingPeriod): number {
  const own = resumeDeadline(period);
  const cloud = autoRestartAt(kind, parkedAt);
  return cloud === undefined ? own : Math.min(own, cloud);
}

/** Whether a parked resource is due to be started at `now`. */
export function resumeDue(mode: ResumeMode, now: number, period: BillingPeriod, budgetAtRisk: boolean): boolean {
  if (now >= resumeDeadline(period)) return true;
  return mode === "on-recovery" && !budgetAtRisk;
}
