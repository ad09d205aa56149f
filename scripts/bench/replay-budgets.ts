/**
 * Replayed months with several budgets (issue #18): the month of `src/sim/replay/budgets-scenario.ts` (a contract,
 * two projects, a team nested in one and a team across both) over many seeds and both planners, the figures per
 * budget the replay test checks on 8 seeds:
 * - met: month-end at or under the budget's target (1 % tolerance);
 * - reported: missed, but the engine said so on some day (gap not covered, or the baseline over the target);
 * - silent misses: missed without a word (target: 0);
 * - excess cut ≤ the last unit's realised saving + savings shared with another over-budget scope + 0.1 % of the target;
 * plus the run's violations (calls to untouchable resources, a resource called twice; target 0).
 *
 *   bun scripts/bench/replay-budgets.ts            (BENCH_SEEDS, default 30)
 *
 * Ends with one JSON line for `npm run bench` (report.ts).
 */
import { replayScopedMonth, SCOPED_BUDGETS } from "../../src/sim/replay/budgets-scenario.ts";
import { check, report } from "./report.ts";

const SEEDS = Number(process.env.BENCH_SEEDS ?? 30);

interface Tally {
  months: number;
  met: number;
  reported: number;
  silent: number;
  reachable: number;
  excessOk: number;
  acted: number;
  worstOverPct: number;
}
const blank = (): Tally => ({ months: 0, met: 0, reported: 0, silent: 0, reachable: 0, excessOk: 0, acted: 0, worstOverPct: 0 });

const t0 = performance.now();
const results: Record<string, Record<string, Tally>> = {};
let violations = 0;
let allWithin = 0;
let allReachable = 0;
for (const planner of ["optimal", "classic"] as const) {
  const per: Record<string, Tally> = Object.fromEntries(["all", ...SCOPED_BUDGETS.map((b) => b.name)].map((n) => [n, blank()]));
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await replayScopedMonth(seed, planner);
    violations += r.violations.length;
    const a = per.all!;
    a.months++;
    if (r.reachable) {
      allReachable++;
      a.reachable++;
      if (r.monthEnd <= r.budget * 1.01) allWithin++;
    }
    if (r.monthEnd <= r.budget * 1.01) a.met++;
    else if (!r.reachable) a.reported++; // the plan said so: not everything plannable closes the gap
    else a.silent++;
    a.worstOverPct = Math.max(a.worstOverPct, (100 * (r.monthEnd - r.budget)) / r.budget);
    for (const b of r.budgets ?? []) {
      const t = per[b.name]!;
      t.months++;
      if (b.calls > 0) t.acted++;
      const met = b.monthEnd <= b.target * 1.01;
      if (met) t.met++;
      else if ((b.daysUncovered ?? 0) > 0) t.reported++;
      else t.silent++;
      t.worstOverPct = Math.max(t.worstOverPct, (100 * (b.monthEnd - b.target)) / b.target);
      if (!b.reachable) continue;
      t.reachable++;
      if (b.excessCut <= b.lastItemSaving + b.sharedSaving + b.target * 0.001) t.excessOk++;
    }
  }
  results[planner] = per;
  console.log(`\n${planner} planner, ${SEEDS} months:`);
  console.log("budget     met   reported  silent  worst over  excess ≤ last unit (reachable)  months acted in");
  for (const [name, t] of Object.entries(per)) {
    console.log(
      `${name.padEnd(10)} ${String(t.met).padStart(3)}/${t.months}  ${String(t.reported).padStart(6)}  ${String(t.silent).padStart(6)}  ${t.worstOverPct.toFixed(2).padStart(8)} %  ${name === "all" ? "    —" : `${String(t.excessOk).padStart(5)}/${t.reachable}`}                      ${name === "all" ? "—" : `${t.acted}/${t.months}`}`,
    );
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(`\n${2 * SEEDS} replayed months in ${seconds.toFixed(1)} s; violations ${violations}`);
const scoped = Object.values(results).flatMap((per) => Object.entries(per).filter(([n]) => n !== "all").map(([, t]) => t));
const sum = (f: (t: Tally) => number) => scoped.reduce((s, t) => s + f(t), 0);
report(
  "replay-budgets",
  [
    check("violations (untouchable called, a call twice)", violations, "", "<=", 0),
    check("budgets missed without the engine reporting it", sum((t) => t.silent), "", "<=", 0),
    check("`all` within 1 % of its target (reachable months)", (100 * allWithin) / Math.max(1, allReachable), "%", ">=", 100),
    check("named budgets met or reported", (100 * (sum((t) => t.met) + sum((t) => t.reported))) / Math.max(1, sum((t) => t.months)), "%", ">=", 100),
    check("excess cut ≤ last unit + shared (reachable budgets)", (100 * sum((t) => t.excessOk)) / Math.max(1, sum((t) => t.reachable)), "%", ">=", 100),
  ],
  { seeds: SEEDS, perBudget: results },
);
