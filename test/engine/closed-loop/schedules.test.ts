/**
 * Schedules lower the forecast before the planner looks (issue #17, closed-loop/schedules.ts): a scheduled server
 * is never deleted or parked for the budget while its schedule alone closes the gap, and what is left of the gap
 * is planned on the scheduled forecast.
 */
import { describe, expect, test } from "bun:test";
import { compileActions, runningShareByDay } from "../../../src/engine/actions/index.ts";
import { emptyLedger } from "../../../src/engine/closed-loop/index.ts";
import { followsSchedule } from "../../../src/engine/closed-loop/schedules.ts";
import { addDays } from "../../../src/engine/period.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import type { CloudResource, CostRecord } from "../../../src/engine/types.ts";

const now = Date.parse("2026-11-21T09:00:00Z"); // data up to Nov 19
const actions = compileActions({
  schedules: { office: { timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }] } },
  defaultLimit: "delete",
  copyBeforeDelete: true,
  resume: "period-start",
});
const office = actions.schedules.get("office")!;

/** A server whose compute bills `perDay` (× the running share when `followed`), plus 1/day of disk. */
function world(opts: { followed: boolean; tags: Record<string, string> }) {
  const resources: CloudResource[] = [{ kind: "ECS", id: "s", name: "s", status: "ACTIVE", tags: { ot3c_prio: "50", ...opts.tags } }, { kind: "ECS", id: "t", name: "t", status: "ACTIVE", tags: { ot3c_prio: "90" } }];
  const costs: CostRecord[] = [];
  const days: string[] = [];
  for (let d = "2026-10-01"; d <= "2026-11-19"; d = addDays(d, 1)) days.push(d);
  const share = runningShareByDay(office, days, "Europe/Berlin");
  for (const d of days) {
    costs.push({ date: d, resourceId: "s", product: "OTC_S3M_LI", amount: 10 * (opts.followed ? share.get(d)! : 1) });
    costs.push({ date: d, resourceId: "s", product: "OTC_EVS_SSD", amount: 1 });
    costs.push({ date: d, resourceId: "t", product: "OTC_S3M_LI", amount: 2 });
  }
  return { resources, costs };
}
const base: EvaluateOptions = { targetBudget: 0, quantile: "p50", model: "run-rate", plannerMode: "optimal", graceMs: 86_400_000, billingBeginDay: 1 };

describe("schedules in the forecast", () => {
  test("a new schedule lowers the month-end forecast by the hours it stops the server", () => {
    const { resources, costs } = world({ followed: false, tags: { ot3c_schedule: "office" } });
    const plain = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6 }, now });
    const sched = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6, actions }, now });
    // Nov 20..30 remain: 11 days; stop share 10/11; office hours run 12 h on 7 weekdays of them (Nov 23–27, 30; 20).
    const dates: string[] = [];
    for (let d = "2026-11-20"; d < "2026-12-01"; d = addDays(d, 1)) dates.push(d);
    const share = runningShareByDay(office, dates, "Europe/Berlin");
    const expected = dates.reduce((s, d) => s + 1 + 10 * share.get(d)!, 0);
    const plainRest = plain.forecasts["ECS_s"].monthEnd.p50 - plain.forecasts["ECS_s"].costSoFar;
    const schedRest = sched.forecasts["ECS_s"].monthEnd.p50 - sched.forecasts["ECS_s"].costSoFar;
    expect(plainRest).toBeCloseTo(11 * 11, 6);
    expect(schedRest).toBeCloseTo(expected, 6);
    expect(sched.budget.forecast.p50).toBeCloseTo(plain.budget.forecast.p50 - (plainRest - schedRest), 6);
  });

  test("history that already followed the schedule is not lowered twice", () => {
    const { resources, costs } = world({ followed: true, tags: { ot3c_schedule: "office" } });
    const plain = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6, model: "holt-winters" }, now });
    const sched = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6, model: "holt-winters", actions }, now });
    const rest = (ev: typeof plain) => ev.forecasts["ECS_s"].monthEnd.p50 - ev.forecasts["ECS_s"].costSoFar;
    // Both see the same weekly pattern: the scheduled forecast stays within a few percent of the model's own.
    expect(Math.abs(rest(sched) - rest(plain)) / rest(plain)).toBeLessThan(0.1);
  });

  test("never deleted or parked for the budget while the schedule alone closes the gap; without it, it would be", () => {
    const { resources, costs } = world({ followed: false, tags: { ot3c_schedule: "office" } });
    const untouched = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6 }, now });
    const sched = evaluate({ resources, costs, options: { ...base, targetBudget: 1e6, actions }, now });
    const scheduleSaves = untouched.budget.forecast.p50 - sched.budget.forecast.p50;
    expect(scheduleSaves).toBeGreaterThan(30);
    // A target the schedule alone reaches: nothing is planned with the schedule known.
    const target = untouched.budget.forecast.p50 - scheduleSaves * 0.9;
    const without = evaluate({ resources, costs, options: { ...base, targetBudget: target }, now });
    expect(without.plan.items.length).toBeGreaterThan(0);
    const withIt = evaluate({ resources, costs, options: { ...base, targetBudget: target, actions }, now });
    expect(withIt.budget.gap).toBeLessThanOrEqual(0);
    expect(withIt.plan.items).toEqual([]);
    // A target beyond it: the rest is planned, and a park of the server saves only its remaining office hours.
    const deeper = evaluate({ resources, costs, options: { ...base, targetBudget: untouched.budget.forecast.p50 - scheduleSaves - 10, actions }, now });
    expect(deeper.budget.gap).toBeCloseTo(10, 6);
    expect(deeper.plan.savings).toBeGreaterThanOrEqual(10 - 1e-6);
    const parked = deeper.plan.items.find((i) => i.vrId === "ECS_s" && i.action === "park");
    if (parked) expect(parked.tsave).toBeLessThanOrEqual(scheduleSaves);
  });

  test("once ot3c runs the schedule, the forecast comes from the history before it began, scaled by the schedule", () => {
    const { resources, costs } = world({ followed: false, tags: { ot3c_schedule: "office" } });
    const days: string[] = [];
    for (let d = "2026-11-10"; d <= "2026-11-19"; d = addDays(d, 1)) days.push(d);
    const share = runningShareByDay(office, days, "Europe/Berlin");
    // From Nov 10 on ot3c stopped it outside office hours: the data shows it.
    const scheduled = costs.map((c) => (c.resourceId === "s" && c.product === "OTC_S3M_LI" && c.date >= "2026-11-10" ? { ...c, amount: 10 * share.get(c.date)! } : c));
    const ledger = { ...emptyLedger(Date.parse("2026-10-31T23:00:00Z")), scheduledSince: new Map([["ECS_s", Date.parse("2026-11-10T06:00:00Z")]]) };
    const ev = evaluate({ resources, costs: scheduled, options: { ...base, targetBudget: 1e6, actions }, now, ledger });
    const dates: string[] = [];
    for (let d = "2026-11-20"; d < "2026-12-01"; d = addDays(d, 1)) dates.push(d);
    const ahead = runningShareByDay(office, dates, "Europe/Berlin");
    const expected = dates.reduce((sum, d) => sum + 1 + 10 * ahead.get(d)!, 0);
    // The stop share read from the period's records is thinned by the schedule's nights and weekends; it is
    // corrected for them (schedules.ts unthinnedStopShare), so the forecast is the scheduled one exactly.
    const rest = ev.forecasts["ECS_s"].monthEnd.p50 - ev.forecasts["ECS_s"].costSoFar;
    expect(rest).toBeCloseTo(expected, 6);
    // Without knowing when the schedule began, the thinned history alone is taken as the level: far lower.
    const blind = evaluate({ resources, costs: scheduled, options: { ...base, targetBudget: 1e6, actions }, now });
    expect(blind.forecasts["ECS_s"].monthEnd.p50 - blind.forecasts["ECS_s"].costSoFar).toBeLessThan(rest);
  });

  test("followsSchedule: the scheduled model must explain the days at least as well as a flat level", () => {
    const g = [1, 1, 1, 1, 1, 0.1, 0.1, 1, 1, 1, 1, 1, 0.1, 0.1];
    expect(followsSchedule(g.map((x) => 5 * x), g)).toBe(true);
    expect(followsSchedule(g.map(() => 5), g)).toBe(false);
  });
});
