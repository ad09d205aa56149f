import { afterEach, describe, expect, test } from "bun:test";
import { checkTargets, dailyByResource, runBacktest, TEXTBOOK, textbookRunRate } from "../../../src/engine/forecast/backtest.ts";
import { generateSeries, periodTotal } from "../../../src/engine/forecast/synthetic.ts";
import { runCli } from "../../../src/cli/program.ts";
import { NOV, series, span } from "./helpers.ts";

describe("synthetic series", () => {
  test("a seed reproduces the same set; another seed gives another", () => {
    const a = generateSeries(50, 9);
    expect(generateSeries(50, 9)).toEqual(a);
    expect(generateSeries(50, 10).map(periodTotal)).not.toEqual(a.map(periodTotal));
  });
  test("the mix contains every component the backtest claims to cover", () => {
    const traits = new Set(generateSeries(300, 2).flatMap((s) => s.traits));
    for (const t of ["flat", "weekly", "weekdays-only", "trend", "step", "lump", "spikes", "created", "stop"]) expect(traits.has(t)).toBe(true);
  });
});

describe("textbook run-rate (the reference row)", () => {
  test("is MTD ÷ elapsed × days, lump included", () => {
    const daily = series("2026-10-01", span("2026-10-01", "2026-11-10"), (d) => 2 + (d === "2026-11-01" ? 60 : 0));
    expect(textbookRunRate(daily, NOV, 10)!.monthEnd).toBeCloseTo((80 / 10) * 30, 9);
  });
});

describe("backtest targets (held-out seed 2, the set the bench reports)", () => {
  const report = runBacktest({ seed: 2, series: 300, portfolios: 60 });
  const at = (model: string, d: number) => report.resources.find((r) => r.model === model)!.days[d];

  test("reports on a seed other than the calibration seed", () => {
    expect(report.inSample).toBe(false);
  });
  test("ensemble MAPE at day 10 ≤ 0.5 × steady-state and ≤ 0.8 × the textbook run-rate", () => {
    const checks = checkTargets(report.resources);
    expect(checks.find((c) => c.name.includes("steady-state"))!.pass).toBe(true);
    expect(checks.find((c) => c.name.includes(TEXTBOOK))!.pass).toBe(true);
  });
  test("the ensemble beats our run-rate at day 10 and 20, and is within 5 % of it at day 5", () => {
    for (const d of [10, 20]) expect(at("ensemble", d).mape).toBeLessThan(at("run-rate", d).mape);
    expect(at("ensemble", 5).mape).toBeLessThan(1.05 * at("run-rate", 5).mape);
  });
  test("ensemble P10–P90 coverage is 75–85 % at day 5, 10 and 20, per resource and for project totals within 70–90 %", () => {
    for (const d of [5, 10, 20]) {
      expect(at("ensemble", d).coverage).toBeGreaterThanOrEqual(0.75);
      expect(at("ensemble", d).coverage).toBeLessThanOrEqual(0.85);
      const total = report.totals.find((r) => r.model === "ensemble")!.days[d].coverage;
      expect(total).toBeGreaterThanOrEqual(0.7);
      expect(total).toBeLessThanOrEqual(0.9);
    }
  });
});

describe("dailyByResource", () => {
  test("sums products per resource and day, ascending", () => {
    const out = dailyByResource([
      { date: "2026-11-02", resourceId: "a", amount: 1 },
      { date: "2026-11-01", resourceId: "a", amount: 2 },
      { date: "2026-11-01", resourceId: "a", amount: 0.5 },
      { date: "2026-11-01", resourceId: "b", amount: 4 },
    ]);
    expect(out).toEqual([
      { id: "a", daily: [{ date: "2026-11-01", amount: 2.5 }, { date: "2026-11-02", amount: 1 }] },
      { id: "b", daily: [{ date: "2026-11-01", amount: 4 }] },
    ]);
  });
});

describe("ot3c forecast backtest", () => {
  afterEach(() => {
    process.exitCode = 0;
  });
  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const origOut = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((c: string | Uint8Array) => ((out += String(c)), true)) as typeof process.stdout.write;
    process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
    process.exitCode = 0;
    try {
      return { code: await runCli(["bun", "ot3c", ...args]), out, err };
    } finally {
      process.stdout.write = origOut;
      process.stderr.write = origErr;
    }
  }

  test("--output json prints the report, the targets and the simulator rows", async () => {
    const r = await run(["forecast", "backtest", "--series", "40", "--portfolios", "5", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.report.series).toBe(40);
    expect(doc.report.resources.map((x: { model: string }) => x.model)).toEqual(["steady-state", "run-rate", "holt-winters", "ensemble", TEXTBOOK]);
    expect(doc.targets.length).toBeGreaterThanOrEqual(5);
    expect(doc.sim.resources).toBeGreaterThan(100);
    expect(doc.sim.rows.totals[0].days["10"].n).toBe(1);
  });

  test("text output has the table, the held-out note and pass/fail lines", async () => {
    const r = await run(["forecast", "backtest", "--series", "30", "--portfolios", "3", "--no-sim"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("MAPE@10");
    expect(r.out).toContain("reported on seed 2 (held out)");
    expect(r.out).toMatch(/(PASS|FAIL) {2}ensemble MAPE@10 \/ steady-state/);
    expect(r.out).not.toContain("Simulator scenario");
  });

  test("the calibration seed is flagged as in-sample", async () => {
    const r = await run(["forecast", "backtest", "--series", "20", "--portfolios", "2", "--seed", "1", "--no-sim"]);
    expect(r.out).toContain("in-sample");
  });

  test("a bad --series is a usage error", async () => {
    const r = await run(["forecast", "backtest", "--series", "many"]);
    expect(r.code).toBe(2);
  });
});
