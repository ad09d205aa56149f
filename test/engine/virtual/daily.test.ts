import { describe, expect, test } from "bun:test";
import type { CostRecord } from "../../../src/engine/types.ts";
import { CostIndex } from "../../../src/engine/virtual/daily.ts";
import { dailyCostsOf, NO_DAYS, recentSum, seriesBefore, seriesOf, sumSeries } from "../../../src/engine/virtual/index.ts";

function cost(resourceId: string, date: string, amount: number, product = "OTC_S3M_LI"): CostRecord {
  return { resourceId, date, amount, product };
}

/** The straightforward definition the compact code must match bit for bit: a Map per series, sorted by date. */
function naiveDaily(records: Array<{ date: string; amount: number }>) {
  const by = new Map<string, number>();
  for (const r of records) by.set(r.date, (by.get(r.date) ?? 0) + r.amount);
  return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([date, amount]) => ({ date, amount }));
}

describe("DaySeries", () => {
  test("one entry per day as typed arrays; to and from { date, amount } one to one", () => {
    const list = [
      { date: "2026-10-31", amount: -0.5 },
      { date: "2026-11-01", amount: 0 },
      { date: "2026-11-03", amount: 1.25 },
    ];
    const s = seriesOf(list);
    expect(s.days).toBeInstanceOf(Int32Array);
    expect(s.amounts).toBeInstanceOf(Float64Array);
    expect(Array.from(s.days)).toEqual([20757, 20758, 20760]);
    expect(dailyCostsOf(s)).toEqual(list);
    expect(dailyCostsOf(NO_DAYS)).toEqual([]);
  });

  test("sums per day, ascending, keeps days whose sum is 0, adds in list order; the scratch is clean afterwards", () => {
    const a = seriesOf([{ date: "2026-11-01", amount: 0 }, { date: "2026-11-03", amount: 1.25 }]);
    const b = seriesOf([{ date: "2026-11-03", amount: 2 }, { date: "2026-11-05", amount: 0.1 }]);
    expect(dailyCostsOf(sumSeries([a, b]))).toEqual([
      { date: "2026-11-01", amount: 0 },
      { date: "2026-11-03", amount: 3.25 },
      { date: "2026-11-05", amount: 0.1 },
    ]);
    expect(dailyCostsOf(sumSeries([b, NO_DAYS]))).toEqual(dailyCostsOf(b));
    expect(sumSeries([a])).toBe(a);
    expect(sumSeries([])).toBe(NO_DAYS);
    // Nothing of the previous sum is left in the shared scratch.
    expect(dailyCostsOf(sumSeries([seriesOf([{ date: "2026-11-03", amount: 1 }]), NO_DAYS]))).toEqual([{ date: "2026-11-03", amount: 1 }]);
  });

  test("the days before a day, and the sum of the last n entries", () => {
    const s = seriesOf([{ date: "2026-11-01", amount: 1 }, { date: "2026-11-02", amount: 2 }, { date: "2026-11-04", amount: 4 }]);
    expect(dailyCostsOf(seriesBefore(s, 20760))).toEqual([{ date: "2026-11-01", amount: 1 }, { date: "2026-11-02", amount: 2 }]);
    expect(seriesBefore(s, 30000)).toBe(s);
    expect(recentSum(s, 2)).toBe(6);
    expect(recentSum(s, 7)).toBe(7);
    expect(recentSum(undefined, 7)).toBe(0);
  });
});

describe("CostIndex", () => {
  const records = [
    cost("b", "2026-11-02", 0.1),
    cost("a", "2026-11-03", 0.2, "OTC_EVS_SSD"),
    cost("b", "2026-11-01", 0.7),
    cost("b", "2026-11-02", 0.2),
    cost("c", "2026-10-31", -0.3),
    cost("a", "2026-11-03", 0.1),
  ];
  const index = new CostIndex(records);

  test("resources in order of their first record; per day (ascending) the sum, storage part, count and first product", () => {
    expect(index.resourceIds).toEqual(["b", "a", "c"]);
    const seen: unknown[] = [];
    index.forEachDay("b", (c) => seen.push({ ...c }));
    expect(seen).toEqual([
      { date: "2026-11-01", amount: 0.7, storage: 0, records: 1, product: records[2]!.product },
      { date: "2026-11-02", amount: 0.1 + 0.2, storage: 0, records: 2, product: records[0]!.product },
    ]);
    const a: unknown[] = [];
    index.forEachDay("a", (c) => a.push({ ...c }));
    expect(a).toEqual([{ date: "2026-11-03", amount: 0.2 + 0.1, storage: 0.2, records: 2, product: [records[1]!.product, records[5]!.product].sort()[0] }]);
    expect(index.count("a")).toBe(2);
    expect(index.count("zz")).toBe(0);
    expect(index.has("c")).toBe(true);
    expect(index.has("zz")).toBe(false);
  });

  test("daily series equal the Map-based sums exactly (same addition order)", () => {
    for (const id of ["a", "b", "c"]) expect(dailyCostsOf(index.daily(id))).toEqual(naiveDaily(records.filter((r) => r.resourceId === id)));
    expect(dailyCostsOf(index.daily("b"))).toEqual([
      { date: "2026-11-01", amount: 0.7 },
      { date: "2026-11-02", amount: 0.1 + 0.2 },
    ]);
    expect(index.daily("zz")).toBe(NO_DAYS);
  });

  test("pseudo-random records: every series and every group sum match the naive definition bit for bit", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const many: CostRecord[] = [];
    for (let i = 0; i < 3000; i++) {
      const day = String(1 + Math.floor(rnd() * 28)).padStart(2, "0");
      many.push(cost(`r${Math.floor(rnd() * 40)}`, `2026-1${rnd() < 0.5 ? 0 : 1}-${day}`, Math.round(rnd() * 1e6) / 1e5 - 1));
    }
    const idx = new CostIndex(many);
    const series = idx.resourceIds.map((id) => idx.daily(id));
    idx.resourceIds.forEach((id, k) => expect(dailyCostsOf(series[k]!)).toEqual(naiveDaily(many.filter((r) => r.resourceId === id))));
    const lists = series.slice(0, 5);
    expect(dailyCostsOf(sumSeries(lists))).toEqual(naiveDaily(lists.flatMap(dailyCostsOf)));
    expect(dailyCostsOf(sumSeries(series))).toEqual(naiveDaily(series.flatMap(dailyCostsOf)));
  });
});
