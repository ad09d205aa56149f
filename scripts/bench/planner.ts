/**
 * Planner benchmark: 100,000 generated virtual resources (mixed prio incl. prio 0 and unmanaged, a fifth of them
 * server groups with member forecasts, RDS with stop shares) → classic and optimal, median of several runs, for
 * a small gap (a few resources) and a large one (thousands). Targets: classic ≤ 0.5 s, optimal ≤ 2 s.
 *
 *   bun scripts/bench/planner.ts [--n 100000] [--runs 5]
 *
 * Prints a table and, last, one JSON line `{"bench":"planner","checks":[…], …}` (report.ts, read by run-all.ts).
 */
import { addDays, billingPeriod, isoDay } from "../../src/engine/period.ts";
import { planTerminations } from "../../src/engine/planner/index.ts";
import type { DailyCost, ResourceForecast, TerminationPlan, VirtualResource } from "../../src/engine/types.ts";
import { check, report, type BenchCheck } from "./report.ts";
import { mulberry32 } from "../../src/util/random.ts";
import { NO_DAYS } from "../../src/engine/virtual/day-series.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = arg("n", 100_000);
const RUNS = arg("runs", 5);
const CLASSIC_TARGET_MS = 500;
const OPTIMAL_TARGET_MS = 2000;

const rng = mulberry32;

const now = Date.parse("2026-11-10T09:00:00Z");
const period = billingPeriod(now);
const dates: string[] = [];
for (let d = isoDay(now); d < period.endDate; d = addDays(d, 1)) dates.push(d);

function generate(n: number): { roots: VirtualResource[]; forecasts: Record<string, ResourceForecast>; cuttable: number } {
  const rnd = rng(42);
  const roots: VirtualResource[] = [];
  const forecasts: Record<string, ResourceForecast> = {};
  let cuttable = 0;
  const series = (level: number): DailyCost[] => dates.map((date) => ({ date, amount: level * (0.6 + 0.8 * rnd()) }));
  const fc = (id: string, rest: DailyCost[]): ResourceForecast => {
    const s = rest.reduce((a, d) => a + d.amount, 0);
    forecasts[id] = { vrId: id, costSoFar: s / 2, rest, monthEnd: { p10: s * 1.4, p50: s * 1.5, p90: s * 1.6 } };
    return forecasts[id];
  };
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const prio = r < 0.1 ? 0 : 1 + Math.floor(rnd() * 100);
    const managed = rnd() > 0.05;
    const base = { name: `r${i}`, prio: managed ? prio : 0, tags: {}, daily: NO_DAYS, managed };
    const shape = rnd();
    let vr: VirtualResource;
    if (shape < 0.2) {
      const s: VirtualResource = { ...base, id: `ECS_s${i}`, kind: "ECS", members: [], stopShare: 1 };
      const v: VirtualResource = { ...base, id: `EVS_v${i}`, kind: "EVS", members: [] };
      vr = { ...base, id: `GR_[ECS_s${i},EVS_v${i}]`, kind: "GROUP", members: [s, v] };
      const a = fc(s.id, series(1 + rnd() * 4)).rest;
      const b = fc(v.id, series(0.2 + rnd())).rest;
      fc(vr.id, a.map((d, k) => ({ date: d.date, amount: d.amount + b[k].amount })));
    } else if (shape < 0.6) {
      vr = { ...base, id: `ECS_e${i}`, kind: "ECS", members: [], stopShare: 1 };
      fc(vr.id, series(0.5 + rnd() * 5));
    } else if (shape < 0.7) {
      vr = { ...base, id: `RDS_d${i}`, kind: "RDS", members: [], stopShare: 0.7 };
      fc(vr.id, series(2 + rnd() * 6));
    } else if (shape < 0.8) {
      vr = { ...base, id: `CCE_n${i}`, kind: "CCE", members: [] };
      fc(vr.id, series(3 + rnd() * 10));
    } else {
      vr = { ...base, id: `EVS_x${i}`, kind: "EVS", members: [] };
      fc(vr.id, series(0.1 + rnd()));
    }
    if (vr.managed && vr.prio > 0) cuttable += forecasts[vr.id].rest.reduce((a, d) => a + d.amount, 0);
    roots.push(vr);
  }
  return { roots, forecasts, cuttable };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const genStart = performance.now();
const { roots, forecasts, cuttable } = generate(N);
const genMs = performance.now() - genStart;

function time(mode: "classic" | "optimal", gap: number): { ms: number; plan: TerminationPlan } {
  const times: number[] = [];
  let plan!: TerminationPlan;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    plan = planTerminations({ roots, forecasts, gap, period, now, graceMs: 86_400_000, mode });
    times.push(performance.now() - t0);
  }
  return { ms: median(times), plan };
}

const scenarios = [
  { name: "small gap", gap: 500 },
  { name: "large gap", gap: cuttable * 0.05 },
];
console.log(`planner bench: ${N} virtual resources (generated in ${genMs.toFixed(0)} ms), median of ${RUNS} runs`);
console.log("scenario     mode      median ms  target ms  items  stops  outcome                 savings/gap");
const results: Record<string, number> = {};
const checks: BenchCheck[] = [];
for (const s of scenarios) {
  for (const mode of ["classic", "optimal"] as const) {
    const { ms, plan } = time(mode, s.gap);
    const target = mode === "classic" ? CLASSIC_TARGET_MS : OPTIMAL_TARGET_MS;
    const key = `${mode}_${s.name.replace(" ", "_")}`;
    results[`${key}_ms`] = Math.round(ms * 10) / 10;
    results[`${key}_items`] = plan.items.length;
    checks.push(check(`${mode}, ${N} resources, ${s.name} (median ms)`, ms, "ms", "<=", target));
    console.log(
      `${s.name.padEnd(12)} ${mode.padEnd(9)} ${ms.toFixed(1).padStart(9)}  ${String(target).padStart(9)}  ${String(plan.items.length).padStart(5)}  ` +
        `${String(plan.items.filter((i) => i.action === "stop").length).padStart(5)}  ${plan.outcome.padEnd(22)}  ${plan.savings.toFixed(0)}/${s.gap.toFixed(0)}`,
    );
  }
}
report("planner", checks, { resources: N, runs: RUNS, ...results });
