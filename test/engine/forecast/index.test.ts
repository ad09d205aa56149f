import { describe, expect, test } from "bun:test";
import { forecastResources as forecastFigures, type ForecastInput } from "../../../src/engine/forecast/index.ts";
import { MODEL_NAMES } from "../../../src/engine/forecast/models/index.ts";
import { group, leaf, NOV, series, span, sumAmounts } from "./helpers.ts";

/** The forecast with each unit's median path as `rest` entries (`paths` over `dates`), as the tests read it. */
function forecastResources(input: ForecastInput) {
  const r = forecastFigures(input);
  const perResource = Object.fromEntries(
    Object.entries(r.perResource).map(([id, f]) => [id, { ...f, rest: r.dates.map((date, k) => ({ date, amount: r.paths.get(id)![k]! })) }]),
  );
  return { ...r, perResource };
}

const flat = (amount: number, to = "2026-11-13") => series("2026-10-01", span("2026-10-01", to), () => amount);

// A root server group (server + two volumes), a loose volume, and a nested group whose own history is empty.
function roots() {
  return [
    group("GR_[ECS_s1,EVS_v1,EVS_v2]", [leaf("ECS_s1", flat(10)), leaf("EVS_v1", flat(1)), leaf("EVS_v2", flat(2))]),
    leaf("EVS_v3", flat(3)),
    group("GR_[team]", [group("GR_[ECS_s2,EVS_v4]", [leaf("ECS_s2", flat(4)), leaf("EVS_v4", flat(0.5))])]),
  ];
}

describe("forecastResources", () => {
  for (const model of MODEL_NAMES) {
    test(`${model}: one forecast per root and member, group = sum of members, total = sum of roots`, () => {
      const r = forecastResources({ roots: roots(), period: NOV, lastCompleteDay: "2026-11-12", model });
      expect(Object.keys(r.perResource).sort()).toEqual(
        ["ECS_s1", "ECS_s2", "EVS_v1", "EVS_v2", "EVS_v3", "EVS_v4", "GR_[ECS_s1,EVS_v1,EVS_v2]", "GR_[ECS_s2,EVS_v4]", "GR_[team]"].sort(),
      );
      for (const f of Object.values(r.perResource)) {
        expect(f.rest.map((d) => d.date)).toEqual(series("2026-11-13", 18, () => 1).map((d) => d.date));
        expect(f.monthEnd.p10).toBeLessThanOrEqual(f.monthEnd.p50);
        expect(f.monthEnd.p50).toBeLessThanOrEqual(f.monthEnd.p90);
        expect(f.monthEnd.p50).toBeCloseTo(f.costSoFar + sumAmounts(f.rest), 9);
      }
      const g = r.perResource["GR_[ECS_s1,EVS_v1,EVS_v2]"];
      expect(g.costSoFar).toBeCloseTo(13 * 12, 9);
      g.rest.forEach((d, k) => {
        const members = ["ECS_s1", "EVS_v1", "EVS_v2"].reduce((a, id) => a + r.perResource[id].rest[k].amount, 0);
        expect(d.amount).toBeCloseTo(members, 9);
      });
      expect(r.perResource["GR_[team]"].rest[5].amount).toBeCloseTo(r.perResource["GR_[ECS_s2,EVS_v4]"].rest[5].amount, 9);
      // 20.5/day, 12 complete days, 18 to go — flat, so every model is exact.
      expect(r.total.soFar).toBeCloseTo(20.5 * 12, 9);
      expect(r.total.monthEnd.p50).toBeCloseTo(20.5 * 30, 6);
      expect(r.total.band).toHaveLength(18);
      expect(r.total.band[0].date).toBe("2026-11-13");
      for (const b of r.total.band) {
        expect(b.p10).toBeLessThanOrEqual(b.p50);
        expect(b.p50).toBeLessThanOrEqual(b.p90);
      }
    });
  }

  test("reporting lag: records after the last complete day are ignored and that day is forecast", () => {
    const daily = flat(5, "2026-11-13").concat({ date: "2026-11-14", amount: 1.2 }); // Nov 14 only partly billed
    const r = forecastResources({ roots: [leaf("ECS_a", daily)], period: NOV, lastCompleteDay: "2026-11-12", model: "ensemble" });
    const f = r.perResource["ECS_a"];
    expect(f.costSoFar).toBeCloseTo(60, 9);
    expect(f.rest[0]).toEqual({ date: "2026-11-13", amount: 5 });
    expect(f.monthEnd.p50).toBeCloseTo(150, 9);
  });

  test("data ending before the period: nothing so far, every day of the period forecast", () => {
    const r = forecastResources({ roots: [leaf("ECS_a", flat(2, "2026-10-31"))], period: NOV, lastCompleteDay: "2026-10-30", model: "run-rate" });
    expect(r.total.soFar).toBe(0);
    expect(r.perResource["ECS_a"].rest).toHaveLength(30);
    expect(r.perResource["ECS_a"].rest[0].date).toBe("2026-11-01");
    expect(r.total.monthEnd.p50).toBeCloseTo(60, 9);
  });

  test("period complete: no rest, a zero-width band at the actual spend", () => {
    const r = forecastResources({ roots: [leaf("ECS_a", flat(2, "2026-11-30"))], period: NOV, lastCompleteDay: "2026-11-30", model: "ensemble" });
    expect(r.perResource["ECS_a"].rest).toEqual([]);
    expect(r.total.monthEnd).toEqual({ p10: 60, p50: 60, p90: 60 });
    expect(r.total.band).toEqual([]);
  });

  test("a noisy series gets a real band; the total's band is narrower relative to its size than a resource's", () => {
    let x = 7;
    const noise = () => ((x = (x * 48271) % 2147483647) / 2147483647 - 0.5) * 0.6;
    const rs = Array.from({ length: 30 }, (_, i) => leaf(`ECS_${i}`, series("2026-09-25", span("2026-09-25", "2026-11-10"), () => 10 * (1 + noise()))));
    const r = forecastResources({ roots: rs, period: NOV, lastCompleteDay: "2026-11-10", model: "ensemble" });
    const one = r.perResource["ECS_0"].monthEnd;
    expect(one.p90 - one.p10).toBeGreaterThan(0);
    const rel = (q: { p10: number; p50: number; p90: number }) => (q.p90 - q.p10) / q.p50;
    expect(rel(r.total.monthEnd)).toBeGreaterThan(0);
    expect(rel(r.total.monthEnd)).toBeLessThan(rel(one));
    expect(r.total.monthEnd.p10).toBeGreaterThanOrEqual(r.total.soFar);
  });
});
