import { describe, expect, test } from "bun:test";
import { planTerminations, type PlannerInput } from "../../../src/engine/planner/index.ts";
import { addDays, billingPeriod, dayStart } from "../../../src/engine/period.ts";
import type { ResourceForecast, VirtualResource } from "../../../src/engine/types.ts";
import { forecastOf, leaf } from "./gen.ts";
import { seriesOf } from "../../../src/engine/virtual/day-series.ts";

// Nov 21 2026, 10:00 Berlin; the forecast covers Nov 21..30 (today and 9 more days).
const now = Date.parse("2026-11-21T09:00:00Z");
const period = billingPeriod(now);
const H = 3_600_000;

function flat(perDay: number, from = "2026-11-21"): Array<{ date: string; amount: number }> {
  const out = [];
  for (let d = from; d < period.endDate; d = addDays(d, 1)) out.push({ date: d, amount: perDay });
  return out;
}

function input(roots: VirtualResource[], forecasts: Record<string, ResourceForecast>, gap: number, extra: Partial<PlannerInput> = {}): PlannerInput {
  return { roots, forecasts, gap, period, now, graceMs: 24 * H, mode: "classic", ...extra };
}

function fc(entries: Array<[string, number]>): Record<string, ResourceForecast> {
  return Object.fromEntries(entries.map(([id, perDay]) => [id, forecastOf(id, flat(perDay))]));
}

describe("classic (the seed's CreateTerminationPlan)", () => {
  test("'later': the latest day whose remaining forecast covers the gap, tasap false", () => {
    const plan = planTerminations(input([leaf("ECS_a", "ECS", 90)], fc([["ECS_a", 2]]), 10));
    expect(plan.outcome).toBe("OK");
    expect(plan.items.length).toBe(1);
    const [i] = plan.items;
    // Walking back from Nov 30: 30, 29, 28, 27, 26 → 10 reached on Nov 26.
    expect(i.tdate).toBe(dayStart("2026-11-26"));
    expect(i.tsave).toBeCloseTo(10, 10);
    expect(i.tasap).toBe(false);
    expect(i.action).toBe("delete");
  });

  test("ASAP when a resource cannot cover what is left, then the next one 'later'", () => {
    const roots = [leaf("ECS_small", "ECS", 90), leaf("ECS_big", "ECS", 50)];
    const plan = planTerminations(input(roots, fc([["ECS_small", 1], ["ECS_big", 5]]), 15));
    expect(plan.items.map((i) => i.vrId)).toEqual(["ECS_small", "ECS_big"]);
    const [a, b] = plan.items;
    expect(a.tasap).toBe(true);
    expect(a.tdate).toBe(now + 24 * H);
    // Days starting at or after Nov 22 10:00: Nov 23..30 = 8 days.
    expect(a.tsave).toBeCloseTo(8, 10);
    // 7 left: Nov 30 (5) + Nov 29 (5) → Nov 29.
    expect(b.tdate).toBe(dayStart("2026-11-29"));
    expect(b.tsave).toBeCloseTo(10, 10);
    expect(plan.savings).toBeCloseTo(18, 10);
  });

  test("stops at prio 0 with the partial plan kept: END_OF_MANAGEABLE_LIST", () => {
    const roots = [leaf("ECS_a", "ECS", 10), leaf("ECS_zero", "ECS", 0), leaf("ECS_c", "ECS", 5)];
    const plan = planTerminations(input(roots, fc([["ECS_a", 1], ["ECS_zero", 100], ["ECS_c", 1]]), 50));
    expect(plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(plan.items.map((i) => i.vrId)).toEqual(["ECS_a", "ECS_c"]);
    // Running out of resources without reaching prio 0 is reported the same way.
    const plan2 = planTerminations(input([leaf("ECS_a", "ECS", 10)], fc([["ECS_a", 1]]), 50));
    expect(plan2.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(plan2.items.length).toBe(1);
  });

  test("quirk kept: tillEnd counts today, the backward walk does not → ASAP date with tasap false", () => {
    // 10 days × 1 = 10 > 9.5, but from now on only 9 days remain.
    const plan = planTerminations(input([leaf("ECS_a", "ECS", 90)], fc([["ECS_a", 1]]), 9.5));
    const [i] = plan.items;
    expect(i.tasap).toBe(false);
    expect(i.tdate).toBe(now + 24 * H);
    expect(i.tsave).toBeCloseTo(8, 10);
    expect(plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
  });

  test("quirk kept: a 'later' date may fall inside the grace window, unless a minimum lead is given", () => {
    const f = fc([["ECS_a", 1]]);
    const plan = planTerminations(input([leaf("ECS_a", "ECS", 90)], f, 8.5, { graceMs: 72 * H }));
    expect(plan.items[0].tdate).toBe(dayStart("2026-11-22"));
    const clamped = planTerminations(input([leaf("ECS_a", "ECS", 90)], f, 8.5, { graceMs: 72 * H, minLeadMs: 72 * H }));
    expect(clamped.items[0].tdate).toBe(now + 72 * H);
  });

  test("gap ≤ 0 plans nothing (the seed planned at exactly 0); baseline over budget plans nothing", () => {
    expect(planTerminations(input([leaf("ECS_a", "ECS", 90)], fc([["ECS_a", 1]]), 0)).outcome).toBe("NOT_NEEDED");
    expect(planTerminations(input([leaf("ECS_a", "ECS", 90)], fc([["ECS_a", 1]]), -3)).items).toEqual([]);
    const b = planTerminations(input([leaf("ECS_a", "ECS", 90)], fc([["ECS_a", 1]]), 3, { baselineExceedsBudget: true }));
    expect(b.outcome).toBe("BASELINE_EXCEEDS_BUDGET");
    expect(b.items).toEqual([]);
  });

  test("ties by id; vetoed, unmanaged and ghosts are skipped", () => {
    const roots = [
      leaf("ECS_b", "ECS", 50),
      leaf("ECS_a", "ECS", 50),
      leaf("ECS_v", "ECS", 60),
      leaf("ECS_u", "ECS", 70, { managed: false }),
    ];
    const plan = planTerminations(
      input(roots, fc([["ECS_a", 1], ["ECS_b", 1], ["ECS_v", 9], ["ECS_u", 9]]), 12, { vetoed: new Set(["ECS_v"]) }),
    );
    expect(plan.items.map((i) => i.vrId)).toEqual(["ECS_a", "ECS_b"]);
  });
});

describe("optimal", () => {
  test("one sufficient resource instead of the seed's ASAP-then-next", () => {
    const roots = [leaf("ECS_small", "ECS", 90), leaf("CCE_big", "CCE", 50)];
    const f = fc([["ECS_small", 1], ["CCE_big", 5]]);
    const classic = planTerminations(input(roots, f, 15));
    const optimal = planTerminations(input(roots, f, 15, { mode: "optimal" }));
    expect(classic.items.length).toBe(2);
    expect(optimal.items.map((i) => i.vrId)).toEqual(["CCE_big"]);
    // Latest date closing 15 at 5/day: Nov 28 (28, 29, 30).
    expect(optimal.items[0].tdate).toBe(dayStart("2026-11-28"));
    expect(optimal.items[0].tsave).toBeCloseTo(15, 10);
    expect(optimal.items[0].reason).toContain("needed because less important resources avoid at most");
  });

  test("never touches a more important tier while less important resources can close the gap", () => {
    const roots = [leaf("CCE_imp", "CCE", 10), leaf("CCE_x", "CCE", 80), leaf("CCE_y", "CCE", 80)];
    const plan = planTerminations(input(roots, fc([["CCE_imp", 50], ["CCE_x", 2], ["CCE_y", 2]]), 20, { mode: "optimal" }));
    expect(plan.items.map((i) => i.vrId).sort()).toEqual(["CCE_x", "CCE_y"]);
  });

  test("stop before delete: a server group is stopped when its compute covers the gap, deleted otherwise", () => {
    const srv = leaf("ECS_s", "ECS", 40, { stopShare: 1 });
    const vol = leaf("EVS_v", "EVS", 40);
    const g = leaf("GR_[ECS_s,EVS_v]", "GROUP", 40, { members: [srv, vol] });
    const f = fc([["ECS_s", 3], ["EVS_v", 1], ["GR_[ECS_s,EVS_v]", 4]]);
    const stop = planTerminations(input([g], f, 6, { mode: "optimal" }));
    expect(stop.items[0].action).toBe("park");
    // Compute only: Nov 29 + 30 at 3/day.
    expect(stop.items[0].tsave).toBeCloseTo(6, 10);
    expect(stop.items[0].tdate).toBe(dayStart("2026-11-29"));
    expect(stop.items[0].reason).toContain("volumes keep billing");
    // 8 days from Nov 23 are allowed; compute alone gives 24 < 30, the whole group 32.
    const del = planTerminations(input([g], f, 30, { mode: "optimal" }));
    expect(del.items[0].action).toBe("delete");
    expect(del.items[0].tsave).toBeCloseTo(32, 10);
    expect(del.items[0].tasap).toBe(true);
  });

  test("swap repair: an equally important server that can be stopped beats deleting a slightly bigger node pool", () => {
    const roots = [leaf("ECS_a", "ECS", 60, { stopShare: 1 }), leaf("CCE_b", "CCE", 60)];
    const plan = planTerminations(input(roots, fc([["ECS_a", 2.5], ["CCE_b", 2.625]]), 15, { mode: "optimal" }));
    expect(plan.items.map((i) => [i.vrId, i.action])).toEqual([["ECS_a", "park"]]);
    expect(plan.items[0].tsave).toBeGreaterThanOrEqual(15);
    expect(plan.items[0].reason).toContain("compute billing ends");
  });

  test("an RDS stop avoids only its compute share", () => {
    const db = leaf("RDS_d", "RDS", 30, { stopShare: 0.75 });
    const plan = planTerminations(input([db], fc([["RDS_d", 4]]), 5, { mode: "optimal" }));
    expect(plan.items[0].action).toBe("park");
    expect(plan.items[0].tsave).toBeCloseTo(6, 10); // Nov 29 + 30 at 3/day
  });

  test("no date earlier than now + grace; nothing when the grace reaches past the period end", () => {
    const roots = [leaf("CCE_a", "CCE", 90)];
    const plan = planTerminations(input(roots, fc([["CCE_a", 1]]), 7.5, { mode: "optimal", graceMs: 48 * H }));
    // From Nov 23 10:00 the earliest midnight is Nov 24: 7 days → 7 < 7.5 cannot close.
    expect(plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(plan.items[0].tdate).toBe(dayStart("2026-11-24"));
    expect(plan.items[0].tsave).toBeCloseTo(7, 10);
    const late = planTerminations(input(roots, fc([["CCE_a", 1]]), 1, { mode: "optimal", graceMs: 20 * 24 * H }));
    expect(late.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(late.items).toEqual([]);
  });

  test("a vetoed member protects its group", () => {
    const srv = leaf("ECS_s", "ECS", 40, { stopShare: 1 });
    const g = leaf("GR_[ECS_s,EVS_v]", "GROUP", 40, { members: [srv, leaf("EVS_v", "EVS", 40)] });
    const plan = planTerminations(
      input([g], fc([["ECS_s", 3], ["EVS_v", 1], ["GR_[ECS_s,EVS_v]", 4]]), 6, { mode: "optimal", vetoed: new Set(["EVS_v"]) }),
    );
    expect(plan.items).toEqual([]);
    expect(plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
  });

  test("the period's last day is the last one counted (no day of the next period)", () => {
    const f = { CCE_a: forecastOf("CCE_a", [...flat(1), { date: period.endDate, amount: 100 }]) };
    const plan = planTerminations(input([leaf("CCE_a", "CCE", 90)], f, 2, { mode: "optimal" }));
    expect(plan.items[0].tdate).toBe(dayStart("2026-11-29"));
    expect(plan.items[0].tsave).toBeCloseTo(2, 10);
  });
});

describe("stop savings", () => {
  test("servers, databases, node pools (scaled to 0) and their volumes can be stopped; volumes alone cannot", async () => {
    const { canStop } = await import("../../../src/engine/planner/index.ts");
    const srv = leaf("ECS_s", "ECS", 5, { stopShare: 1 });
    expect(canStop(leaf("G1", "GROUP", 5, { members: [srv, leaf("EVS_v", "EVS", 5)] }))).toBe(true);
    expect(canStop(leaf("G2", "GROUP", 5, { members: [srv, leaf("CCE_n", "CCE", 5)] }))).toBe(true);
    expect(canStop(leaf("CCE_n0", "CCE", 5, { stopShare: 1 }))).toBe(true);
    expect(canStop(leaf("G3", "GROUP", 5, { members: [leaf("EVS_a", "EVS", 5), leaf("EVS_b", "EVS", 5)] }))).toBe(false);
    expect(canStop(leaf("EVS_x", "EVS", 5))).toBe(false);
    expect(canStop(leaf("ECS_nostop", "ECS", 5))).toBe(false); // no stopShare known
  });

  test("without member forecasts, a group's stop saving uses the server's share of recent history", async () => {
    const { stopDays } = await import("../../../src/engine/planner/index.ts");
    const hist = (amount: number) => seriesOf([{ date: "2026-11-18", amount }, { date: "2026-11-19", amount }]);
    const srv = leaf("ECS_s", "ECS", 5, { stopShare: 0.5, daily: hist(3) });
    const vol = leaf("EVS_v", "EVS", 5, { daily: hist(1) });
    const g = leaf("GR_[ECS_s,EVS_v]", "GROUP", 5, { members: [srv, vol], daily: hist(4) });
    const days = stopDays(g, fc([["GR_[ECS_s,EVS_v]", 4]]), period);
    expect(days.length).toBe(10);
    // 4/day × 3/4 (server share) × 0.5 (compute share)
    for (const d of days) expect(d.amount).toBeCloseTo(1.5, 10);
  });
});
