import { describe, expect, test } from "bun:test";
import type { CostRecord } from "../../../src/engine/types.ts";
import { CostIndex, DayAccumulator } from "../../../src/engine/virtual/daily.ts";
import { dailyFromRecords, sumDailies } from "../../../src/engine/virtual/index.ts";

function cost(resourceId: string, date: string, amount: number, product = "OTC_S3M_LI"): CostRecord {
  return { resourceId, date, amount, product };
}

/** The straightforward definition the compact code must match bit for bit: a Map per series, sorted by date. */
function naiveDaily(records: Array<{ date: string; amount: number }>) {
  const by = new Map<string, number>();
  for (const r of records) by.set(r.date, (by.get(r.date) ?? 0) + r.amount);
  return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([date, amount]) => ({ date, amount }));
}

describe("DayAccumulator", () => {
  test("sums per day, ascending, keeps days whose sum is 0, and resets after take()", () => {
    const acc = new DayAccumulator(["2026-11-01", "2026-11-02", "2026-11-03"]);
    acc.add("2026-11-03", 1.25);
    acc.add("2026-11-01", 0);
    acc.add("2026-11-03", 2);
    expect(acc.take()).toEqual([
      { date: "2026-11-01", amount: 0 },
      { date: "2026-11-03", amount: 3.25 },
    ]);
    expect(acc.take()).toEqual([]);
    acc.add("2026-11-02", 4);
    expect(acc.take()).toEqual([{ date: "2026-11-02", amount: 4 }]);
  });

  test("a date it was not told about is an error, not a silently dropped amount", () => {
    const acc = new DayAccumulator(["2026-11-01"]);
    expect(() => acc.add("2026-11-02", 1)).toThrow(/not announced/);
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
    for (const id of ["a", "b", "c"]) expect(index.daily(id)).toEqual(naiveDaily(records.filter((r) => r.resourceId === id)));
    expect(index.daily("b")).toEqual([
      { date: "2026-11-01", amount: 0.7 },
      { date: "2026-11-02", amount: 0.1 + 0.2 },
    ]);
    expect(index.daily("zz")).toEqual([]);
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
    idx.resourceIds.forEach((id, k) => expect(series[k]).toEqual(naiveDaily(many.filter((r) => r.resourceId === id))));
    const lists = series.slice(0, 5);
    expect(sumDailies(lists)).toEqual(naiveDaily(lists.flat()));
    expect(dailyFromRecords(many)).toEqual(naiveDaily(many));
  });
});
